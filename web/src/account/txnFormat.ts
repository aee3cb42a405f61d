import { formatMoney, humanize } from '../format.ts';
import type { Txn } from './api.ts';

const KINDS: Record<string, string> = {
  topup: 'Top-up',
  bill_payment: 'Bill payment',
  bill: 'Bill payment',
  refund: 'Refund',
  transfer: 'Transfer',
  card: 'Card payment',
  card_authorization: 'Card payment',
  fee: 'Fee',
  correction: 'Correction',
};

/** Kinds the history filter offers (the server accepts any kind string; these are the ones customers see). */
export const FILTER_KINDS = ['topup', 'bill_payment', 'refund', 'transfer', 'card'] as const;

export function kindLabel(kind: string): string {
  return KINDS[kind] ?? humanize(kind);
}

/** "+$10" for money in, "−$10" for money out (a real minus sign). */
export function signedAmount(t: Pick<Txn, 'direction' | 'amount'>): string {
  return `${t.direction === 'in' ? '+' : '−'}${formatMoney(t.amount)}`;
}

export function txnTitle(t: Pick<Txn, 'description' | 'kind'>): string {
  return t.description?.trim() || kindLabel(t.kind);
}
