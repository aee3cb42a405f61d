import { Type, type Static } from 'typebox';
import { Strict, MoneySchema, DateTimeIn } from '../../platform/http/schemas.ts';
import { newId, type IdPrefix } from '../../platform/ids.ts';

/** Card, cardholder, program, assignment ids. */
export type CardsIdPrefix = Extract<IdPrefix, 'crd' | 'chd' | 'cpg' | 'asg'>;
export const cardsId = (prefix: CardsIdPrefix): string => newId(prefix);
export const idPattern = (prefix: CardsIdPrefix) => `^${prefix}_[0-9a-z]{26}$`;

const Mcc = Type.String({ pattern: '^[0-9]{4}$' });
const Hhmm = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' });
const Country = Type.String({ pattern: '^[A-Z]{2}$' });
const Minor = Type.Integer({ minimum: 0, maximum: 1e12, description: 'integer minor units of the card currency' });

const CONTROL_FIELDS = {
  perTransaction: Minor,
  daily: Minor,
  monthly: Minor,
  allowedMcc: Type.Array(Mcc, { maxItems: 200, uniqueItems: true }),
  blockedMcc: Type.Array(Mcc, { maxItems: 200, uniqueItems: true }),
  /** Merchant names (case-insensitive, matched as a part of the processor's merchant name: "MAKRO" matches "Makro Woodmead"). */
  allowedMerchants: Type.Array(Type.String({ minLength: 2, maxLength: 100 }), { maxItems: 200 }),
  /** Merchant countries (ISO 3166 alpha-2). */
  countries: Type.Array(Country, { maxItems: 250, uniqueItems: true }),
  /** Active hours in local time; from > to spans midnight. tz defaults to `timezone`. */
  hours: Strict({ from: Hhmm, to: Hhmm, tz: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }),
  /** IANA time zone of "today" and "this month" for the daily/monthly limits (default UTC). */
  timezone: Type.String({ minLength: 1, maxLength: 64 }),
};
type Fields = typeof CONTROL_FIELDS;

/** Spending controls, per program and per card (the card's keys override the program's). */
export const ControlsSchema = Strict({
  perTransaction: Type.Optional(CONTROL_FIELDS.perTransaction),
  daily: Type.Optional(CONTROL_FIELDS.daily),
  monthly: Type.Optional(CONTROL_FIELDS.monthly),
  allowedMcc: Type.Optional(CONTROL_FIELDS.allowedMcc),
  blockedMcc: Type.Optional(CONTROL_FIELDS.blockedMcc),
  allowedMerchants: Type.Optional(CONTROL_FIELDS.allowedMerchants),
  countries: Type.Optional(CONTROL_FIELDS.countries),
  hours: Type.Optional(CONTROL_FIELDS.hours),
  timezone: Type.Optional(CONTROL_FIELDS.timezone),
});
export type Controls = Static<typeof ControlsSchema>;
export const CONTROL_KEYS = Object.keys(CONTROL_FIELDS) as Array<keyof Controls>;

/** PATCH body: a key set to null removes the card's own value (the program's applies again). Null first: the
 * app's ajv coerces types, and null would otherwise become 0 for the integer branch. */
export const ControlsPatchSchema = Type.Object(
  Object.fromEntries(CONTROL_KEYS.map((k) => [k, Type.Optional(Type.Union([Type.Null(), CONTROL_FIELDS[k as keyof Fields]]))])),
  { additionalProperties: false },
);
export type ControlsPatch = { [K in keyof Controls]?: Controls[K] | null };

export type CardStatus = 'active' | 'frozen' | 'closed';
export type Fallback = 'approve' | 'decline';
export type AuthorizationStatus = 'approved' | 'declined' | 'cleared' | 'reversed' | 'refunded';
export type TransactionType = 'cleared' | 'reversed' | 'refunded';

// ---------- processor bodies (validated after the signature check, on the raw bytes) ----------
export const AuthorizationBody = Strict({
  id: Type.String({ minLength: 1, maxLength: 128 }),
  cardId: Type.String({ minLength: 1, maxLength: 128 }),
  amount: MoneySchema,
  merchant: Type.Object({
    name: Type.String({ maxLength: 200 }),
    mcc: Mcc,
    city: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
    country: Type.String({ pattern: '^[A-Za-z]{2}$' }),
  }),
  createdAt: DateTimeIn,
});
export type AuthorizationBody = Static<typeof AuthorizationBody>;

export const TransactionBody = Strict({
  id: Type.String({ minLength: 1, maxLength: 128 }),
  authorizationId: Type.String({ minLength: 1, maxLength: 128 }),
  type: Type.Union([Type.Literal('cleared'), Type.Literal('reversed'), Type.Literal('refunded')]),
  amount: MoneySchema,
  createdAt: DateTimeIn,
});
export type TransactionBody = Static<typeof TransactionBody>;

/** The processor's answer. decisionId: the risk decision (null when the card or its controls decided first). */
export interface AuthorizationAnswer { approved: boolean; decisionId: string | null; reason: string; score: number; fallback: boolean }

export interface AuthorizationInput {
  id: string;
  cardRef: string;
  amount: { amount: number; currency: string };
  merchant: { name: string; mcc: string; city: string | null; country: string };
  occurredAt: Date;
  source: 'tollgate' | 'stripe';
}
