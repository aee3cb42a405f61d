import { ApiError, errorMessage, type Money } from '../../api.ts';
import { formatMoney } from '../../format.ts';
import type { CardStatus } from './cardsApi.ts';
import './cards.css';

/** Small shared pieces of the cards pages: badges, money, API error wording. */

const STATUS_TONE: Record<CardStatus, string> = { active: 'success', frozen: 'warning', closed: 'muted' };

export function CardStatusBadge({ status, testId }: { status: CardStatus | string; testId?: string }) {
  return <span className={`badge badge-${STATUS_TONE[status as CardStatus] ?? 'muted'}`} data-testid={testId} data-status={status}>{status}</span>;
}

export function OutcomeBadge({ approved }: { approved: boolean }) {
  return <span className={`badge ${approved ? 'badge-success' : 'badge-danger'}`} data-testid="auth-outcome" data-approved={String(approved)}>{approved ? 'approved' : 'declined'}</span>;
}

const TX_TONE: Record<string, string> = { cleared: 'info', reversed: 'muted', refunded: 'warning', approved: 'success', declined: 'danger' };
export function TxBadge({ type }: { type: string }) {
  return <span className={`badge badge-${TX_TONE[type] ?? 'muted'}`} data-type={type}>{type}</span>;
}

export const money = (amount: number, currency: string): string => formatMoney({ amount, currency });
export const fmt = (m: Money): string => formatMoney(m);

const FIELD_LABELS: Record<string, string> = {
  perTransaction: 'Per-transaction limit', daily: 'Daily limit', monthly: 'Monthly limit', allowedMcc: 'Allowed merchant categories',
  blockedMcc: 'Blocked merchant categories', allowedMerchants: 'Allowed merchants', countries: 'Countries', hours: 'Active hours', timezone: 'Time zone',
  name: 'Name', email: 'E-mail', phone: 'Phone', cardholderId: 'Cardholder', processorCardId: 'Processor card id', bin: 'BIN', last4: 'Last 4 digits',
  expMonth: 'Expiry month', expYear: 'Expiry year', currency: 'Currency', program: 'Program', externalOrderRef: 'Order reference',
  expectedSuppliedValue: 'Items supplied value', windowStart: 'Window start', windowEnd: 'Window end', reason: 'Reason', tolerance: 'Tolerance',
};
const PATTERN_HINTS: Record<string, string> = {
  allowedMcc: 'each must be a 4-digit MCC, e.g. 5411', blockedMcc: 'each must be a 4-digit MCC, e.g. 7995', countries: 'each must be a 2-letter country code, e.g. ZA',
  hours: 'times are HH:MM (24 h)', bin: '6 to 8 digits', last4: '4 digits', phone: 'digits, spaces, + ( ) -', currency: '3 capital letters, e.g. ZAR',
};

/**
 * The field an API validation error is about ("body/daily must be <= …" → daily), or null.
 * The server's messages name the JSON path; staff see the field's label instead.
 */
export function errorField(e: unknown): string | null {
  if (!(e instanceof ApiError) || e.code !== 'validation_failed') return null;
  const m = /^(?:body|querystring)\/([A-Za-z]+)/.exec(e.message);
  return m ? m[1] : null;
}

/** ajv lists every branch of a nullable field ("must be null, body/x/1 must match pattern …, … anyOf"): keep the telling one. */
function mainPart(message: string): string {
  const parts = message.split(/, (?=(?:body|querystring)\/)/);
  return parts.find((p) => !/must be null$|must match a schema in anyOf$|must match exactly one schema in oneOf$/.test(p)) ?? parts[0];
}

export function describeError(e: unknown): string {
  if (e instanceof ApiError && e.code === 'validation_failed') {
    const m = /^(?:body|querystring)\/([A-Za-z]+)((?:\/[A-Za-z0-9]+)*) (.*)$/.exec(mainPart(e.message));
    if (m) {
      const [, field, rest, what] = m;
      const item = /^\/(\d+)/.exec(rest);
      const label = FIELD_LABELS[field] ?? field;
      const hint = /must match pattern/.test(what) ? PATTERN_HINTS[field] ?? 'has the wrong format' : what.replace(/^must NOT have/, 'must not have');
      return `${label}${item ? ` (item ${Number(item[1]) + 1})` : ''}: ${hint}.`;
    }
  }
  return errorMessage(e);
}

export function ApiErrorNotice({ error, testId = 'error' }: { error: unknown; testId?: string }) {
  if (!error) return null;
  return <div className="notice notice-error" role="alert" data-testid={testId} data-field={errorField(error) ?? undefined}>{describeError(error)}</div>;
}

/** "5411, 5812 7995" → ['5411', '5812', '7995'] (commas, spaces or new lines between). */
export function splitList(text: string, upper = false): string[] {
  return text.split(/[\s,;]+/).map((s) => (upper ? s.toUpperCase() : s)).filter(Boolean);
}
