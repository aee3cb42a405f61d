import { AppError } from './errors.ts';

/** Money is an integer number of minor units plus an ISO 4217 currency. Never a float. */
export interface Money {
  amount: number;
  currency: string;
}

const MINOR_UNITS: Record<string, number> = { IDR: 2, USD: 2, EUR: 2, GBP: 2, JPY: 0, KRW: 0 };

export function minorUnits(currency: string): number {
  return MINOR_UNITS[currency] ?? 2;
}

export function money(amount: number, currency: string): Money {
  if (!Number.isSafeInteger(amount)) throw new AppError('validation_failed', 'amount must be an integer of minor units');
  if (!/^[A-Z]{3}$/.test(currency)) throw new AppError('validation_failed', 'currency must be an ISO 4217 code');
  return { amount, currency };
}

export function add(a: Money, b: Money): Money {
  if (a.currency !== b.currency) throw new AppError('validation_failed', 'currency mismatch');
  return money(a.amount + b.amount, a.currency);
}

export function multiply(a: Money, qty: number): Money {
  if (!Number.isSafeInteger(qty)) throw new AppError('validation_failed', 'quantity must be an integer');
  return money(a.amount * qty, a.currency);
}

export function equals(a: Money, b: Money): boolean {
  return a.amount === b.amount && a.currency === b.currency;
}

/** Human formatting for pages and e-mails only (never for arithmetic). */
export function format(m: Money): string {
  const digits = minorUnits(m.currency);
  const major = m.amount / 10 ** digits;
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: m.currency, minimumFractionDigits: digits }).format(major);
}
