import type { Money } from '../../platform/money.ts';

/**
 * PaymentGateway port. Adapters: sandbox (built-in), stripe. Every method is an outside call:
 * never call one inside a database transaction. Every mutating call carries an idempotency key.
 */
export interface CreatePaymentInput {
  /** Tollgate's payment id (pay_…); also the idempotency key for creation. */
  paymentId: string;
  orderId: string;
  amount: Money;
  description: string;
  email?: string;
  /** Where the gateway sends the buyer after paying. */
  returnUrl: string;
  /** 'manual' = authorize only, Tollgate captures or voids later (risk decides); 'automatic' = capture at once. */
  captureMethod: 'automatic' | 'manual';
}

export interface CreatedPayment {
  /** The gateway's own id for the payment (PaymentIntent id, sandbox id). */
  gatewayRef: string;
  /** The page the buyer pays on. */
  checkoutUrl: string;
}

/** A verified, normalized inbound event. */
export interface GatewayEvent {
  eventId: string;
  type: 'payment.succeeded' | 'payment.failed' | 'payment.authorized' | 'payment.voided' | 'payment.refunded' | 'other';
  /** Tollgate payment id if the gateway echoes it (metadata), else null and gatewayRef is used. */
  paymentId: string | null;
  gatewayRef: string | null;
  /**
   * What the gateway says moved: payment.authorized → amount on hold; payment.succeeded → amount captured
   * (may be less than authorized after a partial capture); payment.refunded → total refunded so far
   * (cumulative, so a partial refund shows less than captured); payment.voided / payment.failed → the payment's amount.
   */
  amount: Money | null;
  created: Date;
  failureReason?: string;
  /** The card used, when the gateway tells (BIN, last 4, a stable fingerprint — never the number). */
  paymentMethod?: { type: string; bin?: string; last4?: string; fingerprint?: string } | null;
  raw: unknown;
}

export type VerifyResult = { ok: true; event: GatewayEvent } | { ok: false; reason: string };

export interface PaymentGateway {
  readonly name: string;
  createPayment(input: CreatePaymentInput): Promise<CreatedPayment>;
  capture(gatewayRef: string, amount: Money, idempotencyKey: string): Promise<void>;
  void(gatewayRef: string, idempotencyKey: string): Promise<void>;
  refund(gatewayRef: string, amount: Money, idempotencyKey: string): Promise<void>;
  /** Verifies the signature over the exact raw bytes and parses the event. Never throws on bad input. */
  verifyWebhook(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): VerifyResult;
}

/** Thrown by adapters when the gateway could not be reached or answered 5xx (retryable). */
export class GatewayUnavailable extends Error {}
/** Thrown by adapters when the gateway refused the request (not retryable). */
export class GatewayRefused extends Error {}
