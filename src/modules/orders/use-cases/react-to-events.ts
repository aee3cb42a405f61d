import { raiseAlert } from '../../../platform/alerts.ts';
import type { OrdersDeps } from '../orders.deps.ts';
import type { Lifecycle } from '../orders.lifecycle.ts';
import type { Sql } from '../../../platform/db/db.ts';
import { RISK_HOLD } from './risk-check.ts';

/**
 * How orders react to payments and deliveries. Each handler runs inside the emitter's transaction,
 * under the order's lock: the payment/delivery change and the order's move commit together.
 */
export function registerReactions(d: OrdersDeps, life: Lifecycle, checks: { queue: (trx: Sql, orderId: string, paymentId: string) => Promise<void> }): void {
  const { move, lockOrder, startFulfilmentIfRunning, sendFulfilledEmail } = life;
  const { events, payments, fulfilment, catalog } = d;
  events.on('payment.captured', async (trx, e) => {
    if (e.purpose !== 'order') return; // top-ups and bills are the personal area's
    const order = await lockOrder(trx, e.orderId);
    // Approved in a risk review: the capture we asked for arrived; the order goes on to fulfilment.
    if (order.status === 'on_hold' && order.holdReason === RISK_HOLD) {
      if (!order.reviewApprovedAt) {
        await raiseAlert(trx, { severity: 'critical', kind: 'payment.capture_without_approval', message: `Payment ${e.paymentId} captured for order ${order.id} still waiting for a risk review`, subjectId: order.id });
        return;
      }
      const paid = await move(trx, order, 'paid', e.actor, `payment ${e.paymentId} captured after review approval`);
      await startFulfilmentIfRunning(trx, paid, 'system');
      return;
    }
    if (order.status !== 'pending_payment') {
      // Money arrived for an order that no longer takes it (expired, cancelled, or already paid by another payment): give it back.
      await raiseAlert(trx, { severity: 'warning', kind: 'payment.late_or_extra', message: `Payment ${e.paymentId} captured for order ${order.id} in status ${order.status}; refunding it`, subjectId: order.id, details: { paymentId: e.paymentId } });
      await payments.request(trx, 'refund', e.paymentId, `late payment for ${order.status} order`);
      return;
    }
    const paid = await move(trx, order, 'paid', e.actor, `payment ${e.paymentId} captured`);
    if (e.amount !== order.totalAmount || e.currency !== order.currency) {
      await move(trx, paid, 'on_hold', 'system', `amount_mismatch: paid ${e.amount} ${e.currency}, expected ${order.totalAmount} ${order.currency}`, 'amount_mismatch');
      await raiseAlert(trx, { severity: 'warning', kind: 'order.amount_mismatch', message: `Order ${order.id} paid ${e.amount} ${e.currency}, expected ${order.totalAmount} ${order.currency}`, subjectId: order.id });
      return;
    }
    // Captured at once (automatic capture): the risk engine still decides before anything is delivered.
    if (d.risk) await checks.queue(trx, order.id, e.paymentId);
    else await startFulfilmentIfRunning(trx, paid, 'system');
  });

  events.on('payment.authorized', async (trx, e) => {
    if (e.purpose !== 'order') return; // top-ups and bills are the personal area's
    const order = await lockOrder(trx, e.orderId);
    if (order.status !== 'pending_payment') {
      await payments.request(trx, 'void', e.paymentId, `authorization for ${order.status} order`);
      return;
    }
    if (e.amount !== order.totalAmount || e.currency !== order.currency) {
      await raiseAlert(trx, { severity: 'warning', kind: 'order.amount_mismatch', message: `Authorization on order ${order.id} is ${e.amount} ${e.currency}, expected ${order.totalAmount} ${order.currency}; voided`, subjectId: order.id });
      await payments.request(trx, 'void', e.paymentId, 'amount_mismatch');
      return;
    }
    // Decision point for capture: the risk engine decides (a job: it needs velocity counters); without it,
    // a matching authorization is captured.
    if (d.risk) await checks.queue(trx, order.id, e.paymentId);
    else await payments.request(trx, 'capture', e.paymentId, 'authorized amount matches order total');
  });

  events.on('payment.refunded', async (trx, e) => {
    if (e.purpose !== 'order') return; // top-ups and bills are the personal area's
    const order = await lockOrder(trx, e.orderId);
    if (order.status === 'paid' || order.status === 'on_hold' || order.status === 'failed') {
      await move(trx, order, 'refunded', e.actor, `payment ${e.paymentId} refunded at the gateway`);
      await catalog.releaseKeys(trx, order.id);
    }
  });

  events.on('fulfilment.delivered', async (trx, e) => {
    const order = await lockOrder(trx, e.orderId);
    if (order.status !== 'fulfilling' && order.status !== 'failed') return;
    if (!(await fulfilment.allDelivered(trx, order.id))) return;
    let o = order;
    if (o.status === 'failed') o = await move(trx, o, 'fulfilling', e.actor, 'failed delivery completed by hand');
    const done = await move(trx, o, 'fulfilled', e.actor, 'all items delivered');
    await sendFulfilledEmail(trx, done);
  });

  events.on('fulfilment.failed', async (trx, e) => {
    const order = await lockOrder(trx, e.orderId);
    if (order.status !== 'fulfilling') return;
    await move(trx, order, 'failed', e.actor, `delivery failed: ${e.error}`);
    await raiseAlert(trx, { severity: 'critical', kind: 'order.fulfilment_failed', message: `Order ${order.id}: delivery failed after the last retry (${e.error})`, subjectId: order.id, details: { fulfilmentId: e.fulfilmentId } });
  });
}
