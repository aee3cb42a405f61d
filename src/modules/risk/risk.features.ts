import { extractFeatures } from './features/index.ts';
import type { IpIntel } from './features/ip-intel.ts';
import type { VelocityDim, VelocityStore } from './features/velocity.ts';
import type { EventKind } from './risk.schema.ts';
import type { Party } from './lists.service.ts';

/** What an integrator (or Tollgate's own checkout and card endpoints) tells the engine about an event. */
export interface RiskEvent {
  kind: EventKind;
  /** The order, card authorization, transfer… this decision is about. */
  subjectId?: string | null;
  at?: Date;
  amount?: { amount: number; currency: string } | null;
  email?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  deviceId?: string | null;
  customerId?: string | null;
  platformUserId?: string | null;
  phone?: string | null;
  card?: { bin?: string | null; last4?: string | null; fingerprint?: string | null; id?: string | null; program?: string | null } | null;
  paymentMethod?: string | null;
  merchant?: { name?: string | null; mcc?: string | null; country?: string | null; city?: string | null } | null;
  /** Milliseconds from the checkout page load to "pay". */
  checkoutDurationMs?: number | null;
}

export interface BuiltFeatures {
  /** Flat feature record keyed by path (absent = MISSING): what rules read and what the decision stores. */
  features: Record<string, unknown>;
  /** Identifiers checked against the allow/block lists and rule snoozes. */
  party: Party;
}

const put = (f: Record<string, unknown>, k: string, v: unknown) => {
  if (v !== null && v !== undefined && v !== '') f[k] = v;
};

/**
 * Builds the features of one event: static lookups (BIN, IP, e-mail, user agent, currency) in memory, then
 * ONE velocity round trip that records the event and returns its windows (memory or Redis).
 */
export async function buildFeatures(e: RiskEvent, velocity: VelocityStore, opts: { record: boolean; ip: IpIntel }): Promise<BuiltFeatures> {
  const f: Record<string, unknown> = {};
  const at = (e.at ?? new Date()).getTime();
  put(f, 'event.kind', e.kind);
  const hour = new Date(at);
  f['time.hour_utc'] = hour.getUTCHours();
  f['time.weekday_utc'] = hour.getUTCDay();

  // The lookups (IP, BIN, e-mail, user agent, USD) come from the feature sources' one implementation.
  // A missing user agent stays "not known" here (undefined), not "sent none".
  extractFeatures({ ip: e.ip, bin: e.card?.bin, email: e.email, userAgent: e.userAgent ?? undefined, amount: e.amount }, { ip: opts.ip }, f);
  let usd: number | null = null;
  if (e.amount) {
    f['amount.minor'] = e.amount.amount;
    f['amount.currency'] = e.amount.currency;
    usd = typeof f['amount.usd'] === 'number' ? (f['amount.usd'] as number) : null;
    if (usd !== null) f['amount.usd'] = Math.round(usd * 100) / 100;
  }
  const normalizedEmail = (f['email.normalized'] as string | undefined) ?? null;
  if (e.email) put(f, 'email.address', e.email.trim().toLowerCase());
  const ipCountry = (f['ip.country'] as string | undefined) ?? null;
  const asn = (f['ip.asn'] as number | undefined) ?? null;
  put(f, 'ip.address', e.ip);
  if (e.userAgent !== undefined && e.userAgent !== null) put(f, 'user_agent.raw', e.userAgent.slice(0, 300));
  put(f, 'device.id', e.deviceId);
  put(f, 'customer.id', e.customerId ?? normalizedEmail);
  put(f, 'platform_user.id', e.platformUserId);
  put(f, 'payment_method.type', e.paymentMethod ?? (e.card ? 'card' : null));
  if (typeof e.checkoutDurationMs === 'number' && e.checkoutDurationMs >= 0) f['checkout.duration_ms'] = e.checkoutDurationMs;

  const card = e.card ?? null;
  if (card) {
    put(f, 'card.last4', card.last4);
    put(f, 'card.fingerprint', card.fingerprint);
    put(f, 'card.id', card.id);
    put(f, 'card.program', card.program);
  }
  if (e.merchant) {
    put(f, 'merchant.name', e.merchant.name);
    put(f, 'merchant.mcc', e.merchant.mcc);
    put(f, 'merchant.country', e.merchant.country?.toUpperCase());
    put(f, 'merchant.city', e.merchant.city);
  }

  const cardKey = card?.fingerprint ?? card?.id ?? null;
  const party: Party = {
    ip: e.ip, email: normalizedEmail ?? e.email, email_domain: f['email.domain'] as string | undefined, bin: card?.bin, card_fingerprint: card?.fingerprint,
    device: e.deviceId, platform_user: e.platformUserId, asn: asn ?? undefined, country: ipCountry, phone: e.phone, customer: (f['customer.id'] as string | undefined) ?? null,
  };

  const dims: VelocityDim[] = [];
  const dim = (name: string, key: string | null | undefined) => { if (key) dims.push({ dim: name, key: String(key) }); };
  dim('ip', e.ip);
  dim('email', normalizedEmail);
  dim('card', cardKey);
  dim('device', e.deviceId);
  dim('customer', f['customer.id'] as string | undefined);
  dim('platform_user', e.platformUserId);
  if (dims.length > 0) {
    const event = {
      dims, at, amountUsd: usd ?? undefined,
      distinct: { card: cardKey, email: normalizedEmail, ip: e.ip, device: e.deviceId, payment_method: cardKey ?? e.paymentMethod ?? null },
    };
    const snap = opts.record ? await velocity.observe(event) : await velocity.peek(dims, at);
    for (const [d, values] of Object.entries(snap)) {
      for (const [k, v] of Object.entries(values)) f[`velocity.${d}.${k}`] = v;
    }
  }
  return { features: f, party };
}
