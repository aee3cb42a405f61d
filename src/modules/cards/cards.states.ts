import type { TransitionTable } from '../../platform/states.ts';
import type { AuthorizationStatus, CardStatus, TransactionType } from './cards.schema.ts';

/**
 * Card lifecycle. No endpoint sets a status: freeze/unfreeze/close (staff, audited) and the risk engine's
 * `freeze_card` move cards along these edges only, each move appended to card_status_history.
 */
export const CARD_TRANSITIONS: TransitionTable<CardStatus> = {
  active: ['frozen', 'closed'],
  frozen: ['active', 'closed'],
  closed: [],
};

/**
 * Authorization lifecycle after the decision, driven by the processor's after-transaction events.
 * approved → cleared (possibly several partial clearings) → refunded (possibly several partial refunds);
 * approved → reversed (the hold is released). Declined and reversed authorizations are final.
 */
export const AUTHORIZATION_TRANSITIONS: TransitionTable<AuthorizationStatus> = {
  approved: ['cleared', 'reversed'],
  cleared: ['cleared', 'refunded'],
  refunded: ['refunded', 'cleared'],
  reversed: [],
  declined: [],
};

/** The status an after-transaction event of this type moves an authorization to. */
export const STATUS_AFTER: Readonly<Record<TransactionType, AuthorizationStatus>> = { cleared: 'cleared', reversed: 'reversed', refunded: 'refunded' };
