import { admin, qs, type Money, type Page } from '../../api.ts';

/** The console's client for the cards module (seed 002): cardholders, cards, controls, authorizations, spend assignments, reconciliation. */

const enc = encodeURIComponent;

export type CardStatus = 'active' | 'frozen' | 'closed';
export const CARD_STATUSES: CardStatus[] = ['active', 'frozen', 'closed'];

export interface Cardholder {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  cards: number;
  createdAt: string;
}

export interface CardControls {
  perTransaction?: number;
  daily?: number;
  monthly?: number;
  allowedMcc?: string[];
  blockedMcc?: string[];
  allowedMerchants?: string[];
  countries?: string[];
  hours?: { from: string; to: string; tz?: string };
  timezone?: string;
}
/** PATCH body: a key set to null removes the card's own value (the program's applies again). */
export type ControlsPatch = { [K in keyof CardControls]?: CardControls[K] | null };

export interface CardProgram {
  id: string;
  name: string;
  controls: CardControls;
  fallback: 'approve' | 'decline';
  createdAt: string;
  updatedAt: string;
}

export interface CardRow {
  id: string;
  cardholderId: string;
  cardholderName: string | null;
  processorCardId: string;
  /** Masked: BIN + X… + last4 (422254XXXXXX7072). */
  card: string;
  currency: string;
  programId: string | null;
  programName: string | null;
  status: CardStatus;
  createdAt: string;
}

export interface CardView {
  id: string;
  cardholderId: string;
  cardholderName: string | null;
  processorCardId: string;
  card: string;
  bin: string;
  last4: string;
  expMonth: number;
  expYear: number;
  currency: string;
  program: { id: string; name: string; fallback: string } | null;
  status: CardStatus;
  controls: CardControls;
  effectiveControls: CardControls;
  spend: { today: Money; thisMonth: Money };
  history: Array<{ from: string | null; to: string; actor: string; reason: string | null; at: string }>;
  createdAt: string;
  updatedAt: string;
}

export interface CardAuthorization {
  id: string;
  cardRef: string;
  cardId: string | null;
  cardholderId: string | null;
  assignmentId: string | null;
  card: string | null;
  cardholderName: string | null;
  amount: number;
  currency: string;
  merchantName: string | null;
  merchantMcc: string | null;
  merchantCity: string | null;
  merchantCountry: string | null;
  approved: boolean;
  reason: string;
  /** Where the answer came from: card (status, expiry), controls, rules (risk engine), fallback (over budget). */
  stage: string;
  score: number;
  decisionId: string | null;
  lateDecisionId: string | null;
  lateReason: string | null;
  fallback: boolean;
  decisionMs: number | null;
  source: string;
  /** approved | declined | cleared | reversed | refunded */
  status: string;
  finalAmount: number | null;
  occurredAt: string;
  createdAt: string;
}

export interface CardTransaction {
  id: string;
  authorizationId: string;
  type: 'cleared' | 'reversed' | 'refunded';
  amount: number;
  currency: string;
  occurredAt: string;
  outcome: string;
  merchantName: string | null;
  authorizedAmount: number;
  finalAmount: number | null;
  authorizationStatus: string;
}

export interface Assignment {
  id: string;
  externalOrderRef: string;
  cardholderId: string;
  cardholderName: string | null;
  expectedSuppliedValue: Money;
  windowStart: string;
  windowEnd: string;
  transactions: number;
  slipTotal: Money;
  declined: number;
  createdBy: string;
  createdAt: string;
}

export interface ReconOrder {
  assignmentId: string;
  externalOrderRef: string;
  cardholderId: string;
  cardholderName: string | null;
  windowStart: string;
  windowEnd: string;
  itemsSuppliedValue: Money;
  slipTotal: Money;
  difference: Money;
  transactions: number;
  pending: number;
  declined: number;
  flagged: boolean;
}

export interface UnmatchedSpend {
  authorizationId: string;
  cardId: string | null;
  card: string | null;
  cardholderId: string | null;
  cardholderName: string | null;
  merchant: string | null;
  amount: Money;
  occurredAt: string;
  status: string;
}

export interface ReconReport {
  from: string;
  to: string;
  tolerance: number;
  data: ReconOrder[];
  unmatched: UnmatchedSpend[];
}

// ---------- cardholders ----------
export const listCardholders = (cursor?: string | null, limit = 100) => admin<Page<Cardholder>>('GET', `/v1/admin/cardholders${qs({ cursor, limit })}`);
export const createCardholder = (b: { name: string; email?: string; phone?: string }) => admin<{ id: string }>('POST', '/v1/admin/cardholders', b);

// ---------- programs and cards ----------
export const listCardPrograms = () => admin<{ data: CardProgram[] }>('GET', '/v1/admin/card-programs');

export interface CardFilters {
  status?: string;
  cardholderId?: string;
  programId?: string;
  last4?: string;
}
export const listCards = (f: CardFilters, cursor?: string | null, signal?: AbortSignal) =>
  admin<Page<CardRow>>('GET', `/v1/admin/cards${qs({ ...f, cursor, limit: 50 })}`, undefined, signal);

export interface NewCard {
  cardholderId: string;
  processorCardId: string;
  bin: string;
  last4: string;
  expMonth: number;
  expYear: number;
  currency: string;
  program?: string;
  controls?: CardControls;
}
export const createCard = (b: NewCard) => admin<{ id: string; status: 'active' }>('POST', '/v1/admin/cards', b);
export const getCard = (id: string) => admin<CardView>('GET', `/v1/admin/cards/${enc(id)}`);
export const patchCardControls = (id: string, patch: ControlsPatch) => admin<CardView>('PATCH', `/v1/admin/cards/${enc(id)}/controls`, patch);
export const cardAction = (id: string, action: 'freeze' | 'unfreeze' | 'close', reason: string) =>
  admin<CardView>('POST', `/v1/admin/cards/${enc(id)}/${action}`, { reason });
export const listCardTransactions = (id: string, limit = 50) => admin<{ data: CardTransaction[] }>('GET', `/v1/admin/cards/${enc(id)}/transactions${qs({ limit })}`);

// ---------- authorizations ----------
export interface AuthorizationFilters {
  cardId?: string;
  cardholderId?: string;
  approved?: boolean;
  fallback?: boolean;
  stage?: string;
}
export const listCardAuthorizations = (f: AuthorizationFilters, cursor?: string | null, limit = 50, signal?: AbortSignal) =>
  admin<Page<CardAuthorization>>('GET', `/v1/admin/card-authorizations${qs({ ...f, cursor, limit })}`, undefined, signal);

// ---------- spend assignments and reconciliation ----------
export const listAssignments = (f: { cardholderId?: string; ref?: string }, cursor?: string | null) =>
  admin<Page<Assignment>>('GET', `/v1/admin/card-assignments${qs({ ...f, cursor, limit: 50 })}`);
export const createAssignment = (b: { externalOrderRef: string; cardholderId: string; expectedSuppliedValue: Money; windowStart: string; windowEnd: string }) =>
  admin<{ id: string; matched: number; created: boolean }>('POST', '/v1/card-assignments', b);

export interface ReconQuery {
  from?: string;
  to?: string;
  /** Minor units; differences beyond it are flagged. */
  tolerance?: number;
}
export const getReconciliation = (q: ReconQuery) => admin<ReconReport>('GET', `/v1/admin/reconciliation${qs({ ...q })}`);
export const reconciliationCsvUrl = (q: ReconQuery) => `/v1/admin/reconciliation.csv${qs({ ...q })}`;
