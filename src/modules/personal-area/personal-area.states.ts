import type { TransitionTable } from '../../platform/states.ts';
import type { BillPaymentStatus, ThreadStatus, TopupStatus } from './personal-area.repo.ts';

/**
 * A wallet top-up: pending until the gateway captures (→ completed, wallet credited) or fails/voids (→ failed);
 * completed → refunded when the gateway gives the money back to the card (refund / chargeback: the wallet is debited,
 * any shortfall from suspense). The refunded state is recorded in pa_history; pa_topups.status stays 'completed'
 * until a migration widens its CHECK.
 */
export const TOPUP_TRANSITIONS: TransitionTable<TopupStatus> = {
  pending: ['completed', 'failed'],
  completed: ['refunded'],
  failed: [],
  refunded: [],
};

/**
 * A bill payment on the customer's side. By card it waits for the capture (awaiting_payment → queued, or
 * → failed when the card payment fails); from the wallet it starts queued (the debit and the posting committed
 * together). queued → refunded when the internal system refused the posting for good (the wallet is credited
 * back). Whether a queued payment reached the internal system is the bill posting's status (posted).
 */
export const BILL_PAYMENT_TRANSITIONS: TransitionTable<BillPaymentStatus> = {
  awaiting_payment: ['queued', 'failed'],
  queued: ['refunded'],
  refunded: [],
  failed: [],
};

/** Feedback threads: open (waiting for support) ⇄ answered (support replied); either → closed; a customer's new message reopens. */
export const THREAD_TRANSITIONS: TransitionTable<ThreadStatus> = {
  open: ['answered', 'closed', 'open'],
  answered: ['open', 'answered', 'closed'],
  closed: ['open'],
};
