/** Types of the ledger's public surface (see the API summary at the top of ledger.service.ts). */

/** What a transfer is for. Add a kind here when a new flow starts posting to the ledger. */
export const TRANSFER_KINDS = [
  'topup', 'payment', 'transfer', 'bill_payment', 'fee', 'refund', 'correction', 'card_hold', 'card_settlement',
  'payout', 'chargeback', 'reversal', 'interest', 'adjustment',
] as const;
export type TransferKind = (typeof TRANSFER_KINDS)[number];

/**
 * How a transfer moves money:
 * - posted: moves `amount` now;
 * - pending: a hold — reserves `amount` (debits_pending / credits_pending) until posted, voided or expired;
 * - post_pending: posts a hold in full or in part (the rest is released);
 * - void_pending / expire_pending: release a hold in full (by a caller / by the expiry sweep).
 */
export const TRANSFER_TYPES = ['posted', 'pending', 'post_pending', 'void_pending', 'expire_pending'] as const;
export type TransferType = (typeof TRANSFER_TYPES)[number];

/** System accounts (one per currency, identified by code). Any code matching ^[a-z][a-z0-9_]{1,39}$ may be opened. */
export const SYSTEM_CODES = ['gateway_clearing', 'fees', 'revenue', 'suspense', 'bills_clearing', 'card_settlement'] as const;
export type SystemCode = (typeof SYSTEM_CODES)[number];

/** The side on which an account's balance grows (wallets: credit, money owed to the customer). */
export type NormalSide = 'debit' | 'credit';

export const CLIENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,127}$/;
export const CODE_PATTERN = /^[a-z][a-z0-9_]{1,39}$/;

export interface OpenAccountInput {
  ownerType: 'customer' | 'system';
  /** The customer id (required for customers; ignored for system accounts). */
  ownerId?: string;
  currency: string;
  /** 'wallet' by default for customers; the system account's code (gateway_clearing, fees, …). */
  code?: string;
  /** Default: credit for customers and fees/revenue/bills_clearing, debit for gateway_clearing/suspense/card_settlement. */
  normalSide?: NormalSide;
  /** Default: true for customers (a wallet never goes below zero, or below −overdraftLimit); false for system accounts. */
  debitsMustNotExceedCredits?: boolean;
  /** Default false. */
  creditsMustNotExceedDebits?: boolean;
  allowOverdraft?: boolean;
  /** Minor units; counts only when allowOverdraft. */
  overdraftLimit?: number;
}

export interface Balance {
  debitsPosted: number;
  creditsPosted: number;
  debitsPending: number;
  creditsPending: number;
  /** Posted balance on the account's normal side (wallet: credits − debits). */
  posted: number;
  /** What may still be spent: posted balance minus what holds reserve (wallet: credits_posted − debits_posted − debits_pending). */
  available: number;
  /** available plus the overdraft limit when the account allows an overdraft. */
  spendable: number;
}

export interface Account {
  id: string;
  ownerType: 'customer' | 'system';
  ownerId: string | null;
  code: string;
  currency: string;
  normalSide: NormalSide;
  status: 'open' | 'closed';
  debitsMustNotExceedCredits: boolean;
  creditsMustNotExceedDebits: boolean;
  allowOverdraft: boolean;
  overdraftLimit: number;
  balance: Balance;
  createdAt: Date;
  updatedAt: Date;
}

interface LegCommon {
  /** The caller's idempotency id (UNIQUE across the ledger): same id + same contents → the original result, no second effect. */
  id: string;
  metadata?: Record<string, unknown> | null;
}

/** A transfer that moves money now (type 'posted', the default) or holds it (type 'pending'). */
export interface MoveLeg extends LegCommon {
  type?: 'posted' | 'pending';
  debitAccountId: string;
  creditAccountId: string;
  /** Integer minor units > 0. */
  amount: number;
  currency: string;
  kind: TransferKind;
  description: string;
  /** Holds only: seconds until the expiry sweep releases the hold (default 7 days). */
  timeoutSeconds?: number;
}

/** Posts a hold (the `ltr_…` id of the pending transfer) in full or for `amount` ≤ the held amount; the rest is released. */
export interface PostPendingLeg extends LegCommon {
  type: 'post_pending';
  pendingId: string;
  amount?: number;
  description?: string;
}

/** Releases a hold in full. */
export interface VoidPendingLeg extends LegCommon {
  type: 'void_pending';
  pendingId: string;
  description?: string;
}

export type Leg = MoveLeg | PostPendingLeg | VoidPendingLeg;

export interface Transfer {
  id: string;
  clientId: string;
  type: TransferType;
  debitAccountId: string;
  creditAccountId: string;
  amount: number;
  currency: string;
  kind: TransferKind;
  description: string;
  metadata: Record<string, unknown> | null;
  /** post/void/expire: the hold they resolve. */
  pendingId: string | null;
  timeoutSeconds: number | null;
  /** Holds: when the sweep releases them. */
  expiresAt: Date | null;
  /** Legs of one linked group share it (null for a single transfer). */
  linkId: string | null;
  createdAt: Date;
}

/** One transfer as seen from one account (history). */
export interface AccountTransfer extends Transfer {
  direction: 'debit' | 'credit';
}

export type HoldState = 'pending' | 'posted' | 'voided' | 'expired';

export interface Hold {
  transfer: Transfer;
  state: HoldState;
  resolvedBy: string | null;
  resolvedAt: Date | null;
}

export interface TransferQuery {
  from?: Date;
  to?: Date;
  kinds?: TransferKind[];
  types?: TransferType[];
  minAmount?: number;
  maxAmount?: number;
  /** The nextCursor of the previous page. */
  cursor?: string | null;
  limit?: number;
  /** Newest first (default) or oldest first. */
  order?: 'desc' | 'asc';
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface TrialBalance {
  /** Σ debits = Σ credits for every currency, posted and pending. */
  balanced: boolean;
  currencies: Array<{ currency: string; debits: number; credits: number; debitsPending: number; creditsPending: number; accounts: number }>;
}

/** The outcome of a group submitted to tryTransfer: the (original, on a replay) transfers, or why nothing was written. */
export type TransferOutcome =
  | { ok: true; transfers: Transfer[]; replayed: boolean }
  | { ok: false; error: import('../../platform/errors.ts').AppError; legIndex: number };
