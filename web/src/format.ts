import type { Money } from './api.ts';

/** Minor-unit digits per currency; mirrors src/platform/money.ts on the server (default 2). */
const MINOR_UNITS: Record<string, number> = { IDR: 2, USD: 2, EUR: 2, GBP: 2, JPY: 0, KRW: 0 };

export function minorUnits(currency: string): number {
  return MINOR_UNITS[currency] ?? 2;
}

/** Formats integer minor units for display. Whole amounts drop the ".00" (Rp 15,000 rather than Rp 15,000.00). */
export function formatMoney(m: Money): string {
  const digits = minorUnits(m.currency);
  const scale = 10 ** digits;
  const whole = m.amount % scale === 0;
  try {
    return new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency: m.currency,
      minimumFractionDigits: whole ? 0 : digits,
      maximumFractionDigits: digits,
    }).format(m.amount / scale);
  } catch {
    return `${m.currency} ${(m.amount / scale).toFixed(digits)}`;
  }
}

export function multiplyMoney(m: Money, qty: number): Money {
  return { amount: m.amount * qty, currency: m.currency };
}

/** Major-unit text ("15000", "4.99") to integer minor units, using string arithmetic only. null if malformed. */
export function parseMajor(text: string, currency: string): number | null {
  const digits = minorUnits(currency);
  const t = text.trim().replace(/[\s,_]/g, '');
  const re = digits === 0 ? /^\d+$/ : new RegExp(`^(\\d+)(?:\\.(\\d{1,${digits}}))?$`);
  const m = re.exec(t);
  if (!m) return null;
  const intPart = digits === 0 ? t : m[1];
  const frac = digits === 0 ? '' : (m[2] ?? '').padEnd(digits, '0');
  const n = Number(intPart + frac);
  return Number.isSafeInteger(n) ? n : null;
}

/** Integer minor units to editable major-unit text ("4.99", "15000"). */
export function toMajorText(amount: number, currency: string): string {
  const digits = minorUnits(currency);
  if (digits === 0) return String(amount);
  const s = String(Math.abs(amount)).padStart(digits + 1, '0');
  const int = s.slice(0, -digits);
  const frac = s.slice(-digits);
  return (amount < 0 ? '-' : '') + (/^0+$/.test(frac) ? int : `${int}.${frac}`);
}

export function formatNumber(n: number): string {
  return new Intl.NumberFormat().format(n);
}

export function formatCoins(n: number): string {
  return `${formatNumber(n)} ${n === 1 ? 'coin' : 'coins'}`;
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

export function formatRelative(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso).getTime();
  if (Number.isNaN(d)) return iso;
  const diff = (d - Date.now()) / 1000;
  const abs = Math.abs(diff);
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  if (abs < 60) return rtf.format(Math.round(diff), 'second');
  if (abs < 3600) return rtf.format(Math.round(diff / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(diff / 3600), 'hour');
  return rtf.format(Math.round(diff / 86400), 'day');
}

export function humanize(s: string): string {
  const t = s.replace(/[_-]+/g, ' ');
  return t.charAt(0).toUpperCase() + t.slice(1);
}
