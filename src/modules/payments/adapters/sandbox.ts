import { money, type Money } from '../../../platform/money.ts';
import { verifySignature } from '../../../platform/webhooks-in/signature.ts';
import {
  GatewayRefused, GatewayUnavailable,
  type CreatePaymentInput, type CreatedPayment, type GatewayEvent, type PaymentGateway, type VerifyResult,
} from '../gateway.ts';

export interface SandboxGatewayConfig {
  /** Base URL of the sandbox gateway, e.g. http://127.0.0.1:3000/sandbox. */
  baseUrl: string;
  apiKey: string;
  webhookSecret: string;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** Signature timestamp tolerance (default 300 s). */
  toleranceSeconds?: number;
}

const EVENT_TYPES = new Set<GatewayEvent['type']>(['payment.succeeded', 'payment.failed', 'payment.authorized', 'payment.voided', 'payment.refunded']);

interface SandboxPaymentBody { id: string; status: string; checkoutUrl: string; currency: string }

/**
 * PaymentGateway over the sandbox gateway's HTTP API. It knows the sandbox only by its URL and key,
 * exactly as it would a real gateway. Errors: network, timeout, 429 and 5xx → GatewayUnavailable
 * (retry later with the same idempotency key); other 4xx → GatewayRefused.
 */
export class SandboxGateway implements PaymentGateway {
  readonly name = 'sandbox';
  private readonly baseUrl: string;

  constructor(private readonly cfg: SandboxGatewayConfig) {
    this.baseUrl = cfg.baseUrl.replace(/\/$/, '');
  }

  async createPayment(input: CreatePaymentInput): Promise<CreatedPayment> {
    const p = await this.call<SandboxPaymentBody>('POST', '/api/payments', input.paymentId, {
      merchantRef: input.paymentId,
      amount: input.amount.amount,
      currency: input.amount.currency,
      captureMode: input.captureMethod,
      description: input.description,
      returnUrl: input.returnUrl,
    });
    if (p.currency !== input.amount.currency) throw new GatewayRefused(`sandbox answered with currency ${p.currency}, expected ${input.amount.currency}`);
    return { gatewayRef: p.id, checkoutUrl: p.checkoutUrl };
  }

  async capture(gatewayRef: string, amount: Money, idempotencyKey: string): Promise<void> {
    await this.call('POST', `/api/payments/${encodeURIComponent(gatewayRef)}/capture`, idempotencyKey, { amount: amount.amount });
  }

  async void(gatewayRef: string, idempotencyKey: string): Promise<void> {
    await this.call('POST', `/api/payments/${encodeURIComponent(gatewayRef)}/void`, idempotencyKey, {});
  }

  async refund(gatewayRef: string, amount: Money, idempotencyKey: string): Promise<void> {
    await this.call('POST', `/api/payments/${encodeURIComponent(gatewayRef)}/refund`, idempotencyKey, { amount: amount.amount });
  }

  verifyWebhook(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): VerifyResult {
    const header = headerValue(headers, 'sandbox-signature');
    if (Array.isArray(header)) return { ok: false, reason: 'malformed' };
    const check = verifySignature(this.cfg.webhookSecret, header, rawBody, this.cfg.toleranceSeconds ?? 300);
    if (!check.ok) return { ok: false, reason: check.reason };
    let body: { id?: unknown; type?: unknown; created?: unknown; data?: Record<string, unknown> };
    try {
      body = JSON.parse(rawBody.toString('utf8'));
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (!body || typeof body.id !== 'string' || typeof body.type !== 'string' || typeof body.created !== 'number' || typeof body.data !== 'object' || !body.data) {
      return { ok: false, reason: 'malformed' };
    }
    const d = body.data;
    const type = EVENT_TYPES.has(body.type as GatewayEvent['type']) ? (body.type as GatewayEvent['type']) : 'other';
    const event: GatewayEvent = {
      eventId: body.id,
      type,
      paymentId: typeof d.paymentId === 'string' ? d.paymentId : null,
      gatewayRef: typeof d.gatewayPaymentId === 'string' ? d.gatewayPaymentId : null,
      amount: toMoney(d.amount, d.currency),
      created: new Date(body.created * 1000),
      raw: body,
    };
    if (typeof d.failureReason === 'string') event.failureReason = d.failureReason;
    const pm = d.paymentMethod as Record<string, unknown> | undefined;
    if (pm && typeof pm === 'object' && typeof pm.type === 'string') {
      const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
      event.paymentMethod = { type: pm.type, bin: str(pm.bin), last4: str(pm.last4), fingerprint: str(pm.fingerprint) };
    }
    return { ok: true, event };
  }

  private async call<T = unknown>(method: 'GET' | 'POST', path: string, idempotencyKey: string | null, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.cfg.apiKey}`,
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        redirect: 'error',
        signal: AbortSignal.timeout(this.cfg.timeoutMs ?? 10_000),
      });
    } catch (err) {
      const e = err as Error;
      throw new GatewayUnavailable(`sandbox gateway unreachable: ${e.name === 'TimeoutError' ? 'timeout' : e.message}`, { cause: err });
    }
    const text = await res.text().catch(() => '');
    if (res.status >= 500 || res.status === 429) throw new GatewayUnavailable(`sandbox gateway answered ${res.status}`);
    if (res.status >= 400) {
      const err = safeJson(text) as { error?: { code?: string; message?: string } } | null;
      throw new GatewayRefused(`sandbox gateway refused (${res.status} ${err?.error?.code ?? ''}): ${err?.error?.message ?? text.slice(0, 200)}`);
    }
    const json = safeJson(text);
    if (json === null) throw new GatewayUnavailable(`sandbox gateway answered ${res.status} without JSON`);
    return json as T;
  }
}

function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | string[] | undefined {
  if (headers[name] !== undefined) return headers[name];
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key ? headers[key] : undefined;
}

function toMoney(amount: unknown, currency: unknown): Money | null {
  if (typeof amount !== 'number' || typeof currency !== 'string') return null;
  try {
    return money(amount, currency);
  } catch {
    return null;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
