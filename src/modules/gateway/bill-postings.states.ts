import type { TransitionTable } from '../../platform/states.ts';

export type BillPostingStatus = 'queued' | 'posted' | 'failed';

/**
 * A bill payment owed to the internal accounting system. queued → posted when the system recorded it;
 * queued → failed only when the system refused it for good (a 4xx: unknown bill, amount mismatch, already paid).
 * Transient trouble (5xx, network, timeouts, breaker open) keeps it queued while its job retries.
 */
export const BILL_POSTING_TRANSITIONS: TransitionTable<BillPostingStatus> = {
  queued: ['posted', 'failed'],
  posted: [],
  failed: [],
};
