import { admin, qs, type Money, type Page } from '../../api.ts';

/** The console's client for the ledger (issue 4): trial balance, accounts, their transfers, one transfer, corrections. */

const enc = encodeURIComponent;

export const TRANSFER_KINDS = [
  'topup', 'payment', 'transfer', 'bill_payment', 'fee', 'refund', 'correction', 'card_hold', 'card_settlement',
  'payout', 'chargeback', 'reversal', 'interest', 'adjustment',
] as const;
export const TRANSFER_TYPES = ['posted', 'pending', 'post_pending', 'void_pending', 'expire_pending'] as const;
export type TransferType = (typeof TRANSFER_TYPES)[number];

export const ACCOUNT_ID_RE = /^lac_[0-9a-z]{26}$/;
export const ACCOUNT_CODE_RE = /^[a-z][a-z0-9_]{1,39}$/;
/** What the server accepts as a transfer's client id. */
export const CLIENT_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,127}$/;

export interface TrialBalance {
  balanced: boolean;
  currencies: Array<{ currency: string; debits: number; credits: number; debitsPending: number; creditsPending: number; accounts: number }>;
}

export interface LedgerAccount {
  id: string;
  ownerType: 'customer' | 'system';
  ownerId: string | null;
  code: string;
  currency: string;
  normalSide: 'debit' | 'credit';
  status: 'open' | 'closed';
  debitsMustNotExceedCredits: boolean;
  creditsMustNotExceedDebits: boolean;
  allowOverdraft: boolean;
  overdraftLimit: Money;
  /** Posted balance on the account's normal side. */
  balance: Money;
  /** Posted minus holds against it. */
  available: Money;
  totals: { debitsPosted: number; creditsPosted: number; debitsPending: number; creditsPending: number };
  createdAt: string;
  updatedAt: string;
}

export interface LedgerTransfer {
  id: string;
  clientId: string;
  type: TransferType;
  kind: string;
  debitAccountId: string;
  creditAccountId: string;
  amount: Money;
  description: string;
  metadata: Record<string, unknown> | null;
  pendingId: string | null;
  expiresAt: string | null;
  linkId: string | null;
  createdAt: string;
  /** On an account's list: which side of this account the transfer is on. */
  direction?: 'debit' | 'credit';
}

export interface AccountFilters {
  ownerType?: 'customer' | 'system' | '';
  ownerId?: string;
  currency?: string;
  code?: string;
  status?: 'open' | 'closed' | '';
}

export interface TransferFilters {
  kind?: string;
  type?: string;
  order?: 'desc' | 'asc';
}

export const getTrialBalance = () => admin<TrialBalance>('GET', '/v1/admin/ledger/trial-balance');

export const listAccounts = (f: AccountFilters, cursor?: string | null, limit = 50, signal?: AbortSignal) =>
  admin<Page<LedgerAccount>>('GET', `/v1/admin/ledger/accounts${qs({ ...f, cursor, limit })}`, undefined, signal);

export const getAccount = (id: string) => admin<LedgerAccount>('GET', `/v1/admin/ledger/accounts/${enc(id)}`);

export function listAccountTransfers(id: string, f: TransferFilters, cursor?: string | null, limit = 25, signal?: AbortSignal) {
  // kinds/types are arrays on the server: repeated keys.
  const p = new URLSearchParams();
  if (f.kind) p.append('kinds', f.kind);
  if (f.type) p.append('types', f.type);
  if (f.order) p.set('order', f.order);
  if (cursor) p.set('cursor', cursor);
  p.set('limit', String(limit));
  return admin<Page<LedgerTransfer>>('GET', `/v1/admin/ledger/accounts/${enc(id)}/transfers?${p.toString()}`, undefined, signal);
}

/** By ltr_ id or by the client id it was submitted with. */
export const getTransfer = (id: string) => admin<LedgerTransfer>('GET', `/v1/admin/ledger/transfers/${enc(id)}`);

export interface CorrectionInput {
  /** Client id: the same id twice posts once. */
  id: string;
  debitAccountId: string;
  creditAccountId: string;
  amount: Money;
  description: string;
  reason: string;
}
export const postCorrection = (b: CorrectionInput) => admin<LedgerTransfer>('POST', '/v1/admin/ledger/corrections', b);

/** Pending (held) amount against the account's balance and pending towards it. */
export function pendingParts(a: LedgerAccount): { out: number; in: number } {
  const t = a.totals;
  return a.normalSide === 'credit' ? { out: t.debitsPending, in: t.creditsPending } : { out: t.creditsPending, in: t.debitsPending };
}
