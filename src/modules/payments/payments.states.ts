import type { TransitionTable } from '../../platform/states.ts';

export type PaymentStatus = 'pending' | 'authorized' | 'captured' | 'failed' | 'voided' | 'refunded';

/**
 * Payment lifecycle. `failed` is not terminal: a buyer may retry on the same gateway payment and
 * succeed (gateways report that as a later success). Captured money leaves only by refund.
 */
export const PAYMENT_TRANSITIONS: TransitionTable<PaymentStatus> = {
  pending: ['authorized', 'captured', 'failed', 'voided'],
  authorized: ['captured', 'voided', 'failed'],
  failed: ['authorized', 'captured', 'voided'],
  captured: ['refunded'],
  voided: [],
  refunded: [],
};
