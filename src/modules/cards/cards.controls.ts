import { AppError } from '../../platform/errors.ts';
import type { Controls, ControlsPatch } from './cards.schema.ts';
import { CONTROL_KEYS } from './cards.schema.ts';

/** Pure card-control logic: merging program and card controls, validating them, and judging one authorization. */

export type ControlCheck = { ok: true } | { ok: false; control: string; reason: string };

export interface ControlSubject {
  amount: { amount: number; currency: string };
  merchant: { name: string; mcc: string; country: string };
}

const defined = (c: Controls | null | undefined): Controls =>
  Object.fromEntries(Object.entries(c ?? {}).filter(([, v]) => v !== undefined && v !== null)) as Controls;

/** A card's effective controls: the program's, with the card's own keys overriding them. */
export function effectiveControls(program: Controls | null | undefined, card: Controls | null | undefined): Controls {
  return { ...defined(program), ...defined(card) };
}

/** Applies a PATCH: present keys replace, null removes (the program's value applies again). */
export function applyPatch(current: Controls, patch: ControlsPatch): Controls {
  const next: Record<string, unknown> = { ...current };
  for (const k of CONTROL_KEYS) {
    if (!(k in patch)) continue;
    const v = patch[k];
    if (v === null || v === undefined) delete next[k];
    else next[k] = v;
  }
  return next as Controls;
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Refuses controls that cannot be applied (unknown time zone, an MCC both allowed and blocked). */
export function validateControls(c: Controls): Controls {
  for (const tz of [c.timezone, c.hours?.tz]) {
    if (tz !== undefined && !isTimeZone(tz)) throw new AppError('validation_failed', `unknown time zone "${tz}"`);
  }
  const both = (c.allowedMcc ?? []).filter((m) => (c.blockedMcc ?? []).includes(m));
  if (both.length > 0) throw new AppError('validation_failed', `merchant categories both allowed and blocked: ${both.join(', ')}`);
  if (c.hours && c.hours.from === c.hours.to) throw new AppError('validation_failed', 'active hours: from and to must differ');
  return c;
}

const localFormatters = new Map<string, Intl.DateTimeFormat>();
/** Minutes since local midnight in `tz`. */
export function localMinutes(at: Date, tz: string): number {
  let f = localFormatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    localFormatters.set(tz, f);
  }
  const parts = f.formatToParts(at);
  const h = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const m = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
  return h * 60 + m;
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function withinHours(hours: { from: string; to: string }, minutes: number): boolean {
  const from = toMinutes(hours.from);
  const to = toMinutes(hours.to);
  return from < to ? minutes >= from && minutes < to : minutes >= from || minutes < to;
}

const norm = (s: string) => s.toUpperCase().replace(/\s+/g, ' ').trim();

/**
 * Judges one authorization against effective controls, in a fixed order: currency, per-transaction, daily,
 * monthly (against approved spend), blocked/allowed MCC, allowed merchants, countries, active hours.
 * The first failing control declines, with a reason a cardholder or an analyst understands.
 */
export function checkControls(c: Controls, cardCurrency: string, a: ControlSubject, spend: { day: number; month: number }, now: Date): ControlCheck {
  const amt = a.amount.amount;
  const cur = cardCurrency;
  if (a.amount.currency !== cur) return { ok: false, control: 'currency', reason: `currency ${a.amount.currency} does not match the card's currency ${cur}` };
  if (c.perTransaction !== undefined && amt > c.perTransaction) {
    return { ok: false, control: 'perTransaction', reason: `per-transaction limit ${c.perTransaction} ${cur} exceeded (amount ${amt})` };
  }
  if (c.daily !== undefined && spend.day + amt > c.daily) {
    return { ok: false, control: 'daily', reason: `daily limit ${c.daily} ${cur} exceeded (spent ${spend.day} today + ${amt})` };
  }
  if (c.monthly !== undefined && spend.month + amt > c.monthly) {
    return { ok: false, control: 'monthly', reason: `monthly limit ${c.monthly} ${cur} exceeded (spent ${spend.month} this month + ${amt})` };
  }
  const mcc = a.merchant.mcc;
  if (c.blockedMcc?.includes(mcc)) return { ok: false, control: 'blockedMcc', reason: `merchant category ${mcc} is blocked` };
  if (c.allowedMcc && c.allowedMcc.length > 0 && !c.allowedMcc.includes(mcc)) return { ok: false, control: 'allowedMcc', reason: `merchant category ${mcc} is not allowed` };
  if (c.allowedMerchants && c.allowedMerchants.length > 0) {
    const name = norm(a.merchant.name);
    if (!c.allowedMerchants.some((m) => name.includes(norm(m)))) return { ok: false, control: 'allowedMerchants', reason: `merchant "${a.merchant.name}" is not allowed` };
  }
  const country = a.merchant.country.toUpperCase();
  if (c.countries && c.countries.length > 0 && !c.countries.includes(country)) return { ok: false, control: 'countries', reason: `merchant country ${country} is not allowed` };
  if (c.hours) {
    const tz = c.hours.tz ?? c.timezone ?? 'UTC';
    if (!withinHours(c.hours, localMinutes(now, tz))) return { ok: false, control: 'hours', reason: `outside active hours ${c.hours.from}–${c.hours.to} ${tz}` };
  }
  return { ok: true };
}

/** The card's own state, judged before its controls. */
export function checkCard(card: { status: string; expMonth: number; expYear: number }, now: Date): ControlCheck {
  if (card.status === 'frozen') return { ok: false, control: 'status', reason: 'card is frozen' };
  if (card.status === 'closed') return { ok: false, control: 'status', reason: 'card is closed' };
  // valid through the last day of its expiry month
  if (now.getTime() >= Date.UTC(card.expYear, card.expMonth, 1)) {
    return { ok: false, control: 'expiry', reason: `card expired ${String(card.expMonth).padStart(2, '0')}/${card.expYear}` };
  }
  return { ok: true };
}

/**
 * True when a value looks like a full card number (PAN): 13–19 digits not starting with 0, spaces or dashes allowed, passing Luhn.
 * Such values are refused everywhere (Tollgate stores BIN + last4 and the processor's card id only).
 */
export function looksLikePan(value: string): boolean {
  for (const m of value.matchAll(/\d(?:[ -]?\d){12,18}/g)) {
    const digits = m[0].replace(/[ -]/g, '');
    if (digits.length >= 13 && digits.length <= 19 && digits[0] !== '0' && luhn(digits)) return true; // no card number starts with 0
  }
  return false;
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
