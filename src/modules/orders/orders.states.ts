import type { TransitionTable } from '../../platform/states.ts';

export type OrderStatus = 'pending_payment' | 'paid' | 'on_hold' | 'fulfilling' | 'fulfilled' | 'failed' | 'expired' | 'cancelled' | 'refunded';

/**
 * Order lifecycle: one-way. No endpoint sets a status; use cases move orders along these edges only.
 * - on_hold: not to be fulfilled automatically: paid with an amount mismatch (paid → on_hold), or
 *   authorized and held for a risk review before capture (pending_payment → on_hold).
 * - failed → fulfilling: an operator retries fulfilment after fixing the cause.
 */
export const ORDER_TRANSITIONS: TransitionTable<OrderStatus> = {
  pending_payment: ['paid', 'on_hold', 'expired', 'cancelled'],
  paid: ['fulfilling', 'on_hold', 'refunded'],
  on_hold: ['paid', 'refunded', 'cancelled'],
  fulfilling: ['fulfilled', 'failed'],
  failed: ['fulfilling', 'refunded'],
  fulfilled: [],
  expired: [],
  cancelled: [],
  refunded: [],
};

export const TERMINAL: readonly OrderStatus[] = ['fulfilled', 'expired', 'cancelled', 'refunded'];
