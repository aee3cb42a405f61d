import { lookupBin } from './features/bin-table.ts';
import { IpIntel } from './features/ip-intel.ts';
import { emailFeatures } from './features/email.ts';
import { isBot } from './features/user-agent.ts';
import { toUsd } from './features/currency.ts';
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

  let usd: number | null = null;
  if (e.amount) {
    f['amount.minor'] = e.amount.amount;
    f['amount.currency'] = e.amount.currency;
    usd = toUsd(e.amount);
    put(f, 'amount.usd', usd === null ? null : Math.round(usd * 100) / 100);
  }

  let normalizedEmail: string | null = null;
  if (e.email) {
    const em = emailFeatures(e.email);
    normalizedEmail = em.normalized;
    put(f, 'email.address', e.email.trim().toLowerCase());
    put(f, 'email.normalized', em.normalized);
    put(f, 'email.domain', em.domain);
    f['email.disposable'] = em.disposable;
  }

  let ipCountry: string | null = null;
  let asn: number | null = null;
  if (e.ip) {
    const info = opts.ip.lookup(e.ip);
    ipCountry = info.country;
    asn = info.asn;
    put(f, 'ip.address', e.ip);
    put(f, 'ip.country', info.country);
    put(f, 'ip.asn', info.asn);
    put(f, 'ip.as_org', info.asOrg);
    f['ip.is_hosting'] = info.isHosting;
    f['ip.is_private'] = info.isPrivate;
  }

  if (e.userAgent !== undefined && e.userAgent !== null) {
    put(f, 'user_agent.raw', e.userAgent.slice(0, 300));
    f['user_agent.is_bot'] = isBot(e.userAgent);
  }
  put(f, 'device.id', e.deviceId);
  put(f, 'customer.id', e.customerId ?? normalizedEmail);
  put(f, 'platform_user.id', e.platformUserId);
  put(f, 'payment_method.type', e.paymentMethod ?? (e.card ? 'card' : null));
  if (typeof e.checkoutDurationMs === 'number' && e.checkoutDurationMs >= 0) f['checkout.duration_ms'] = e.checkoutDurationMs;

  const card = e.card ?? null;
  if (card) {
    put(f, 'card.bin', card.bin);
    put(f, 'card.last4', card.last4);
    put(f, 'card.fingerprint', card.fingerprint);
    put(f, 'card.id', card.id);
    put(f, 'card.program', card.program);
    const bin = card.bin ? lookupBin(card.bin) : null;
    if (bin) {
      put(f, 'card.bin_country', bin.country);
      put(f, 'card.brand', bin.brand);
      put(f, 'card.scheme', bin.scheme);
      put(f, 'card.type', bin.type);
      f['card.prepaid'] = bin.prepaid;
      put(f, 'card.bank', bin.bank);
    }
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
