import { formatMoney, humanize } from '../format.ts';
import type { Txn } from './api.ts';

const KINDS: Record<string, string> = {
  topup: 'Top-up',
  bill_payment: 'Bill payment',
  bill: 'Bill payment',
  refund: 'Refund',
  transfer: 'Transfer',
  payment: 'Payment',
  card_hold: 'Card payment (reserved)',
  card_settlement: 'Card payment',
  fee: 'Fee',
  correction: 'Correction',
  payout: 'Payout',
  chargeback: 'Chargeback',
  reversal: 'Reversal',
  interest: 'Interest',
  adjustment: 'Adjustment',
};

/** What the history filter offers: a label and the ledger kinds it covers (the API takes them comma-separated). */
export const FILTER_KINDS: ReadonlyArray<{ value: string; label: string }> = [
  { value: 'topup', label: 'Top-ups' },
  { value: 'bill_payment', label: 'Bill payments' },
  { value: 'refund,reversal,chargeback', label: 'Refunds' },
  { value: 'transfer', label: 'Transfers' },
  { value: 'card_hold,card_settlement', label: 'Card payments' },
  { value: 'payment,fee,payout,interest,adjustment,correction', label: 'Other' },
];

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
