import type { Sql } from '../../platform/db/db.ts';
import { lockOrderScope } from '../../platform/events.ts';
import { AppError } from '../../platform/errors.ts';
import { assertTransition } from '../../platform/states.ts';
import { enqueue } from '../../platform/jobs/queue.ts';
import { queueEmail } from '../../platform/notify/email.ts';
import { format } from '../../platform/money.ts';
import * as repo from './orders.repo.ts';
import type { Order } from './orders.repo.ts';
import { ORDER_TRANSITIONS, type OrderStatus } from './orders.states.ts';
import type { OrdersDeps } from './orders.deps.ts';

export const EMAIL_JOB = { queue: 'notify', kind: 'notify.email' } as const;

/** The building blocks every orders use case shares: the one way to move an order, its lock, its hand-offs. */
export function createLifecycle(d: OrdersDeps) {
  const { log, fulfilment, automation } = d;

  /** The one way an order changes status: checked against the transition table, recorded in history. */
  async function move(trx: Sql, order: Order, to: OrderStatus, actor: string, reason: string | null, holdReason?: string): Promise<Order> {
    assertTransition('order', ORDER_TRANSITIONS, order.status, to);
    await repo.setStatus(trx, order.id, to, holdReason);
    await repo.insertHistory(trx, { orderId: order.id, from: order.status, to, actor, reason });
    return { ...order, status: to, holdReason: to === 'on_hold' ? holdReason ?? null : order.holdReason };
  }

  async function lockOrder(trx: Sql, orderId: string): Promise<Order> {
    await lockOrderScope(trx, orderId);
    const o = await repo.getOrder(trx, orderId, true);
    if (!o) throw new AppError('not_found', 'order not found');
    return o;
  }

  /** paid → fulfilling (unless automation is paused: then the order waits in paid until resume). */
  async function startFulfilmentIfRunning(trx: Sql, order: Order, actor: string): Promise<Order> {
    if (order.status !== 'paid') return order;
    if (await automation.isPaused(trx)) {
      log.info({ orderId: order.id }, 'automation paused: paid order waits');
      return order;
    }
    const moved = await move(trx, order, 'fulfilling', actor, 'automatic fulfilment');
    const lines = await repo.getLines(trx, order.id);
    await fulfilment.start(trx, order, lines.map((l) => ({ id: l.id, productId: l.productId, fulfilmentDriver: l.fulfilmentDriver, quantity: l.quantity, coins: l.coins })));
    return moved;
  }

  async function sendFulfilledEmail(trx: Sql, order: Order): Promise<void> {
    const lines = await repo.getLines(trx, order.id);
    const delivered = await fulfilment.deliveredFor(trx, order.id);
    const parts = lines.map((l) => {
      const f = delivered.find((x) => x.orderLineId === l.id);
      if (f?.delivered?.codes) return `${l.name} × ${l.quantity}:\n${f.delivered.codes.map((c) => `  ${c}`).join('\n')}`;
      if (f?.delivered?.coins) return `${l.name}: ${f.delivered.coins} coins sent to ${order.platformUserName ?? order.platformUserId}`;
      return `${l.name} × ${l.quantity}: delivered${f?.delivered?.note ? ` (${f.delivered.note})` : ''}`;
    });
    const text = `Thank you for your order ${order.id}.\n\n${parts.join('\n\n')}\n\nTotal paid: ${format({ amount: order.totalAmount, currency: order.currency })}\nOrder page: ${d.settings.publicUrl}/orders/${order.id}${order.clientSecretEnc ? `#secret=${encodeURIComponent(d.cipher.decrypt(order.clientSecretEnc))}` : ''}\n`;
    const msg = { to: order.email, subject: `Your order ${order.id} is delivered`, text, subjectId: order.id };
    // Without SMTP the message simply stays in the outbox the console shows: no job, no outside call.
    if (d.settings.emailTransport === 'outbox') {
      await queueEmail(trx, msg, 'outbox');
      return;
    }
    const messageId = await queueEmail(trx, msg);
    await enqueue(trx, { ...EMAIL_JOB, payload: { messageId }, dedupeKey: `email:fulfilled:${order.id}` });
  }

  return { move, lockOrder, startFulfilmentIfRunning, sendFulfilledEmail };
}
export type Lifecycle = ReturnType<typeof createLifecycle>;
