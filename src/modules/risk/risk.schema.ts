import type { Schema, FeatureType } from './lang/index.ts';

/** What the risk engine decides about. `transfer`, `login` and `signup` are ready for the ledger and auth issues. */
export const EVENT_KINDS = ['checkout', 'card_authorization', 'transfer', 'login', 'signup'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const DECISIONS = ['allow', 'review', 'block'] as const;
export type Decision = (typeof DECISIONS)[number];

export const RULE_ACTIONS = ['block', 'review', 'allow', 'score'] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];

export const SIDE_ACTIONS = ['blacklist', 'freeze_card', 'alert'] as const;
export type SideAction = (typeof SIDE_ACTIONS)[number];

export const LIST_KINDS = ['ip', 'email', 'email_domain', 'bin', 'card_fingerprint', 'device', 'platform_user', 'asn', 'country', 'phone', 'customer'] as const;
export type ListKind = (typeof LIST_KINDS)[number];

/** Velocity dimensions (velocity.<dim>.…) and the distinct values counted under each. */
export const VELOCITY_DIMS = ['ip', 'email', 'card', 'device', 'customer', 'platform_user'] as const;
export const DISTINCT_NAMES = ['card', 'email', 'ip', 'device', 'payment_method'] as const;
const WINDOWS = ['1m', '1h', '24h', '7d'] as const;

function velocitySchema(): Record<string, FeatureType> {
  const out: Record<string, FeatureType> = {};
  for (const dim of VELOCITY_DIMS) {
    for (const w of WINDOWS) {
      out[`velocity.${dim}.count_${w}`] = 'number';
      out[`velocity.${dim}.sum_usd_${w}`] = 'number';
    }
    for (const name of DISTINCT_NAMES) {
      if (name === dim) continue;
      out[`velocity.${dim}.distinct_${name}_1h`] = 'number';
      out[`velocity.${dim}.distinct_${name}_24h`] = 'number';
    }
  }
  return out;
}

/**
 * Every feature a rule may read, with its type. The rule editor checks expressions against this; the
 * feature builder (risk.features.ts) produces these keys. A feature absent from an event is MISSING.
 */
export const FEATURE_SCHEMA: Schema = Object.freeze({
  'event.kind': 'string',
  'amount.minor': 'number',
  'amount.usd': 'number',
  'amount.currency': 'string',
  'email.address': 'string',
  'email.normalized': 'string',
  'email.domain': 'string',
  'email.disposable': 'boolean',
  'ip.address': 'string',
  'ip.country': 'string',
  'ip.asn': 'number',
  'ip.as_org': 'string',
  'ip.is_hosting': 'boolean',
  'ip.is_private': 'boolean',
  'user_agent.raw': 'string',
  'user_agent.is_bot': 'boolean',
  'device.id': 'string',
  'customer.id': 'string',
  'platform_user.id': 'string',
  'payment_method.type': 'string',
  'card.bin': 'string',
  'card.last4': 'string',
  'card.fingerprint': 'string',
  'card.bin_country': 'string',
  'card.brand': 'string',
  'card.scheme': 'string',
  'card.type': 'string',
  'card.prepaid': 'boolean',
  'card.bank': 'string',
  'card.id': 'string',
  'card.program': 'string',
  'merchant.name': 'string',
  'merchant.mcc': 'string',
  'merchant.country': 'string',
  'merchant.city': 'string',
  'checkout.duration_ms': 'number',
  'lists.block': 'boolean',
  'lists.allow': 'boolean',
  'lists.block_kinds': 'string[]',
  'time.hour_utc': 'number',
  'time.weekday_utc': 'number',
  ...velocitySchema(),
});

export const FEATURE_NAMES = Object.keys(FEATURE_SCHEMA).sort();
