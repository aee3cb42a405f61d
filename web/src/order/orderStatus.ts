import type { OrderView } from '../api.ts';

export const STEPS = ['Payment pending', 'Paid', 'Delivering', 'Delivered'] as const;

/** How far along the happy path a status is (index into STEPS). */
const STEP_OF: Record<string, number> = {
  pending_payment: 0,
  paid: 1,
  on_hold: 1,
  fulfilling: 2,
  delivering: 2,
  partially_fulfilled: 2,
  fulfilled: 3,
};

/** The furthest step reached, using the history for off-path statuses (failed after delivering, refunded after paid …). */
export function reachedStep(order: Pick<OrderView, 'status' | 'history'>): number {
  let best = STEP_OF[order.status] ?? 0;
  for (const h of order.history ?? []) {
    const s = STEP_OF[h.to];
    if (s !== undefined && s > best) best = s;
  }
  return best;
}

export const OFF_PATH = new Set(['on_hold', 'failed', 'expired', 'cancelled', 'refunded']);

export const HEADLINES: Record<string, string> = {
  pending_payment: 'Waiting for your payment',
  paid: 'Payment received',
  on_hold: 'Paid — waiting for a quick check',
  fulfilling: 'Delivering your order',
  delivering: 'Delivering your order',
  fulfilled: 'Delivered',
  failed: 'Delivery failed',
  expired: 'Order expired',
  cancelled: 'Order cancelled',
  refunded: 'Refunded',
};

export const EXPLANATIONS: Record<string, string> = {
  pending_payment:
    "We haven't received your payment yet. If you've just paid, this page updates by itself within a few seconds.",
  paid: 'Your payment has arrived. Delivery will start shortly.',
  on_hold:
    "Your payment has arrived, but this order needs a quick manual check before we deliver it. You don't need to do anything or pay again — we'll deliver as soon as it's reviewed.",
  fulfilling: 'We are delivering your order now. This usually takes less than a minute.',
  delivering: 'We are delivering your order now. This usually takes less than a minute.',
  fulfilled: 'Everything in this order has been delivered. A copy was sent to your e-mail.',
  failed:
    "We couldn't complete the delivery. Our team has been alerted and will either finish it or refund you. If you contact support, quote the order number below.",
  expired: 'This order expired before a payment arrived. Nothing was charged. You can place a new order any time.',
  cancelled: 'This order was cancelled. If any money was taken, it is returned to you.',
  refunded:
    'This order was refunded. The money goes back to the way you paid; depending on your bank it can take a few days to show.',
};

export const MANUAL_EXPLANATION =
  "Your payment has arrived. Part of this order is prepared by hand by our team; we'll deliver it as soon as it's ready and e-mail you.";

/** Public labels for the status badge (the console shows raw status names). */
export const PUBLIC_LABELS: Record<string, string> = {
  pending_payment: 'Awaiting payment',
  paid: 'Paid',
  on_hold: 'On hold',
  fulfilling: 'Delivering',
  fulfilled: 'Delivered',
  failed: 'Failed',
  expired: 'Expired',
  cancelled: 'Cancelled',
  refunded: 'Refunded',
};

/** Hold reasons a customer may see, in plain words. Anything else (e.g. risk rules) stays internal. */
export const PUBLIC_HOLD_REASONS: Record<string, string> = {
  amount_mismatch: 'The amount received did not match the order total.',
};
