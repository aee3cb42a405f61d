import Stripe from 'stripe';
import { money, type Money } from '../../../platform/money.ts';
import {
  GatewayRefused, GatewayUnavailable,
  type CreatePaymentInput, type CreatedPayment, type GatewayEvent, type PaymentGateway, type VerifyResult,
} from '../gateway.ts';

export interface StripeGatewayConfig {
  secretKey: string;
  webhookSecret: string;
  /** API base URL (default https://api.stripe.com); tests point it at a local server. */
  apiBase?: string;
  /** Per-request timeout (default 20 s). */
  timeoutMs?: number;
  /** The SDK's own retries of network errors / 409 / 5xx, with the same idempotency key (default 1). */
  maxNetworkRetries?: number;
  /** Signature timestamp tolerance (default 300 s). */
  toleranceSeconds?: number;
}

/**
 * PaymentGateway over Stripe, with the official SDK.
 *
 * Checkout page: a Stripe Checkout Session (mode=payment) whose `url` is the hosted payment page.
 * Chosen over a Tollgate-hosted page with Stripe.js + the PaymentIntent's client_secret because Stripe
 * then hosts the whole payment UI (cards, wallets, 3-D Secure, local methods) and Tollgate needs no
 * publishable key, no extra route and no script from js.stripe.com. The PaymentIntent settings go in
 * `payment_intent_data`: capture_method (manual = authorize only) and metadata {paymentId, orderId}, so
 * every payment_intent.* event echoes Tollgate's pay_ id. The same metadata (plus captureMethod) is put on
 * the session itself for checkout.session.* events.
 *
 * gatewayRef is the Checkout Session id (cs_…): the PaymentIntent only exists once the buyer confirms.
 * capture/void/refund resolve the session to its PaymentIntent; a pi_… ref is accepted as well.
 * Events carry gatewayRef = the object's own id (cs_… for session events, pi_… for payment_intent and
 * charge events), so Tollgate should match events on paymentId (always set from metadata).
 *
 * Amounts: Stripe also counts in the currency's smallest unit (zero-decimal JPY/KRW alike); currency
 * codes go lowercase to Stripe and come back uppercase.
 */
export class StripeGateway implements PaymentGateway {
  readonly name = 'stripe';
  private readonly stripe: Stripe;

  constructor(private readonly cfg: StripeGatewayConfig) {
    const base = new URL(cfg.apiBase ?? 'https://api.stripe.com');
    const protocol = base.protocol === 'http:' ? 'http' : 'https';
    this.stripe = new Stripe(cfg.secretKey, {
      host: base.hostname,
      port: base.port ? Number(base.port) : protocol === 'http' ? 80 : 443,
      protocol,
      timeout: cfg.timeoutMs ?? 20_000,
      maxNetworkRetries: cfg.maxNetworkRetries ?? 1,
      telemetry: false,
    });
  }

  async createPayment(input: CreatePaymentInput): Promise<CreatedPayment> {
    const currency = input.amount.currency.toLowerCase();
    const metadata = { paymentId: input.paymentId, orderId: input.orderId };
    const session = await this.guard(() => this.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{
        quantity: 1,
        price_data: { currency, unit_amount: input.amount.amount, product_data: { name: input.description || `Order ${input.orderId}` } },
      }],
      payment_intent_data: { capture_method: input.captureMethod, metadata, description: input.description || undefined },
      metadata: { ...metadata, captureMethod: input.captureMethod },
      client_reference_id: input.paymentId,
      customer_email: input.email,
      success_url: input.returnUrl,
      cancel_url: input.returnUrl,
    }, { idempotencyKey: input.paymentId }));
    if (!session.url) throw new GatewayRefused(`stripe checkout session ${session.id} has no url`);
    return { gatewayRef: session.id, checkoutUrl: session.url };
  }

  async capture(gatewayRef: string, amount: Money, idempotencyKey: string): Promise<void> {
    const { pi } = await this.resolve(gatewayRef);
    if (!pi) throw new GatewayRefused(`stripe payment ${gatewayRef} has not been paid yet, nothing to capture`);
    if (pi.status === 'succeeded') return; // captured already
    await this.guard(() => this.stripe.paymentIntents.capture(pi.id, { amount_to_capture: amount.amount }, { idempotencyKey }));
  }

  async void(gatewayRef: string, idempotencyKey: string): Promise<void> {
    const { session, pi } = await this.resolve(gatewayRef);
    if (pi) {
      if (pi.status === 'canceled') return;
      await this.guard(() => this.stripe.paymentIntents.cancel(pi.id, {}, { idempotencyKey }));
      return;
    }
    // Not paid yet: expire the session so the buyer can no longer pay it.
    if (!session || session.status !== 'open') return;
    await this.guard(() => this.stripe.checkout.sessions.expire(session.id, {}, { idempotencyKey }));
  }

  async refund(gatewayRef: string, amount: Money, idempotencyKey: string): Promise<void> {
    const { pi } = await this.resolve(gatewayRef);
    if (!pi) throw new GatewayRefused(`stripe payment ${gatewayRef} has not been paid, nothing to refund`);
    await this.guard(() => this.stripe.refunds.create(
      { payment_intent: pi.id, amount: amount.amount, metadata: pi.metadata?.paymentId ? { paymentId: pi.metadata.paymentId } : undefined },
      { idempotencyKey },
    ));
  }

  verifyWebhook(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): VerifyResult {
    const sig = headerValue(headers, 'stripe-signature');
    if (sig === undefined || sig === '') return { ok: false, reason: 'missing' };
    if (Array.isArray(sig)) return { ok: false, reason: 'malformed' };
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(rawBody, sig, this.cfg.webhookSecret, this.cfg.toleranceSeconds ?? 300);
    } catch (err) {
      return { ok: false, reason: signatureReason(err) };
    }
    if (!event || typeof event.id !== 'string' || typeof event.type !== 'string' || !event.data?.object) return { ok: false, reason: 'malformed' };
    return { ok: true, event: normalize(event) };
  }

  /** The session (if the ref is one) and its PaymentIntent (null until the buyer has confirmed). */
  private async resolve(gatewayRef: string): Promise<{ session: Stripe.Checkout.Session | null; pi: Stripe.PaymentIntent | null }> {
    if (gatewayRef.startsWith('pi_')) {
      return { session: null, pi: await this.guard(() => this.stripe.paymentIntents.retrieve(gatewayRef)) };
    }
    const session = await this.guard(() => this.stripe.checkout.sessions.retrieve(gatewayRef, { expand: ['payment_intent'] }));
    const ref = session.payment_intent;
    const pi = ref == null ? null : typeof ref === 'string' ? await this.guard(() => this.stripe.paymentIntents.retrieve(ref)) : ref;
    return { session, pi };
  }

  /** Maps SDK errors: no answer, 409 (concurrent idempotent request), 429, 5xx → unavailable; other 4xx → refused. */
  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof GatewayRefused || err instanceof GatewayUnavailable) throw err;
      const e = err as { statusCode?: number; type?: string; code?: string; message?: string };
      const status = e.statusCode;
      const what = `stripe ${e.type ?? 'error'}${status ? ` ${status}` : ''}${e.code ? ` ${e.code}` : ''}: ${e.message ?? ''}`;
      if (!status || status >= 500 || status === 429 || status === 409) throw new GatewayUnavailable(what, { cause: err });
      throw new GatewayRefused(what, { cause: err });
    }
  }
}

function signatureReason(err: unknown): string {
  const msg = (err as Error)?.message ?? '';
  if (msg.includes('tolerance')) return 'stale';
  if (msg.includes('No signatures found matching')) return 'mismatch';
  if (msg.includes('No stripe-signature header')) return 'missing';
  return 'malformed'; // unparsable header, no v1 signature, body not JSON
}

function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | string[] | undefined {
  if (headers[name] !== undefined) return headers[name];
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key ? headers[key] : undefined;
}

function toMoney(amount: number | null | undefined, currency: string | null | undefined): Money | null {
  if (typeof amount !== 'number' || !currency) return null;
  try {
    return money(amount, currency.toUpperCase());
  } catch {
    return null;
  }
}

const metaPaymentId = (m: Stripe.Metadata | null | undefined): string | null => (m && typeof m.paymentId === 'string' ? m.paymentId : null);

/**
 * Stripe event → GatewayEvent.
 * - payment_intent.succeeded → payment.succeeded (amount_received: what was captured)
 * - payment_intent.amount_capturable_updated → payment.authorized (amount_capturable), when the intent awaits capture
 * - payment_intent.canceled → payment.voided
 * - charge.refunded → payment.refunded (amount_refunded: total refunded so far)
 * - checkout.session.completed → payment.succeeded only when paid and not a manual-capture session
 *   (an authorization arrives as amount_capturable_updated); checkout.session.async_payment_succeeded likewise
 * - checkout.session.async_payment_failed → payment.failed (terminal for that session)
 * - checkout.session.expired → payment.voided (never paid; also what void() of an unpaid session causes)
 * - payment_intent.payment_failed → 'other' (with failureReason): in Checkout a failed attempt is not the
 *   end — the buyer may retry in the same session and still pay. Treating it as terminal could ignore a
 *   later payment_intent.succeeded for money actually taken.
 * - anything else → 'other'
 */
export function normalize(event: Stripe.Event): GatewayEvent {
  const base = { eventId: event.id, created: new Date(event.created * 1000), raw: event };
  const obj = event.data.object as unknown as Record<string, unknown>;
  const other = (extra: Partial<GatewayEvent> = {}): GatewayEvent => ({
    ...base, type: 'other', paymentId: metaPaymentId(obj.metadata as Stripe.Metadata), gatewayRef: typeof obj.id === 'string' ? obj.id : null, amount: null, ...extra,
  });

  if (event.type.startsWith('payment_intent.')) {
    const pi = obj as unknown as Stripe.PaymentIntent;
    const common = { ...base, paymentId: metaPaymentId(pi.metadata), gatewayRef: pi.id };
    switch (event.type) {
      case 'payment_intent.succeeded':
        return { ...common, type: 'payment.succeeded', amount: toMoney(pi.amount_received, pi.currency) };
      case 'payment_intent.amount_capturable_updated':
        if (pi.status !== 'requires_capture' || !(pi.amount_capturable > 0)) return { ...common, type: 'other', amount: null };
        return { ...common, type: 'payment.authorized', amount: toMoney(pi.amount_capturable, pi.currency) };
      case 'payment_intent.canceled':
        return { ...common, type: 'payment.voided', amount: toMoney(pi.amount, pi.currency) };
      case 'payment_intent.payment_failed': {
        const e = pi.last_payment_error;
        return { ...common, type: 'other', amount: toMoney(pi.amount, pi.currency), failureReason: e?.decline_code ?? e?.code ?? e?.message ?? 'payment_failed' };
      }
      default:
        return { ...common, type: 'other', amount: null };
    }
  }

  if (event.type === 'charge.refunded') {
    const ch = obj as unknown as Stripe.Charge;
    const pi = typeof ch.payment_intent === 'string' ? ch.payment_intent : ch.payment_intent?.id ?? null;
    return { ...base, type: 'payment.refunded', paymentId: metaPaymentId(ch.metadata), gatewayRef: pi ?? ch.id, amount: toMoney(ch.amount_refunded, ch.currency) };
  }

  if (event.type.startsWith('checkout.session.')) {
    const s = obj as unknown as Stripe.Checkout.Session;
    const common = { ...base, paymentId: metaPaymentId(s.metadata) ?? s.client_reference_id ?? null, gatewayRef: s.id, amount: toMoney(s.amount_total, s.currency) };
    const manual = s.metadata?.captureMethod === 'manual';
    switch (event.type) {
      case 'checkout.session.completed':
      case 'checkout.session.async_payment_succeeded':
        return { ...common, type: s.payment_status === 'paid' && !manual ? 'payment.succeeded' : 'other' };
      case 'checkout.session.async_payment_failed':
        return { ...common, type: 'payment.failed', failureReason: 'async_payment_failed' };
      case 'checkout.session.expired':
        return { ...common, type: 'payment.voided' };
      default:
        return { ...common, type: 'other' };
    }
  }
  return other();
}
