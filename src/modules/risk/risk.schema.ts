import type { Schema } from './lang/index.ts';
import { FEATURE_SCHEMA as SOURCE_FEATURES, velocitySchema } from './features/index.ts';

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
/**
 * Every feature a rule may read, with its type. The rule editor checks expressions against this; the
 * feature builder (risk.features.ts) produces these keys. A feature absent from an event is MISSING.
 */
export const FEATURE_SCHEMA: Schema = Object.freeze({
  ...SOURCE_FEATURES,
  'event.kind': 'string',
  'amount.minor': 'number',
  'amount.currency': 'string',
  'email.address': 'string',
  'ip.address': 'string',
  'user_agent.raw': 'string',
  'device.id': 'string',
  'customer.id': 'string',
  'platform_user.id': 'string',
  'payment_method.type': 'string',
  'card.last4': 'string',
  'card.fingerprint': 'string',
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
  ...velocitySchema([...VELOCITY_DIMS], [...DISTINCT_NAMES]),
});

export const FEATURE_NAMES = Object.keys(FEATURE_SCHEMA).sort();
