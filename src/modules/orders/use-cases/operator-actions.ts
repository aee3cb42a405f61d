import type { Sql } from '../../../platform/db/db.ts';
import { audit } from '../../staff/index.ts';
import * as repo from '../orders.repo.ts';
import type { Order } from '../orders.repo.ts';
import type { OrdersDeps } from '../orders.deps.ts';
import type { Lifecycle } from '../orders.lifecycle.ts';

/**
 * What an operator can do to an order. Each is a verb with a reason, moves the order along the transition
 * table (an illegal move is a 409), gives back what the order held (codes, money) and is audited in the
 * same transaction.
 */
export function operatorActions(d: OrdersDeps, { move, lockOrder, startFulfilmentIfRunning }: Lifecycle) {
  const { db, catalog, payments, fulfilment } = d;

  /** Gives the order's money back: authorizations are voided, captures refunded (jobs call the gateway). */
  async function returnMoney(trx: Sql, orderId: string, reason: string) {
    for (const p of await payments.listForOrder(trx, orderId)) {
      if (p.status === 'captured') await payments.request(trx, 'refund', p.id, reason);
      else if ((p.status === 'pending' || p.status === 'authorized') && p.gatewayRef) await payments.request(trx, 'void', p.id, reason);
    }
  }

  async function act(actor: string, orderId: string, action: string, details: Record<string, unknown>, ip: string | null | undefined, run: (trx: Sql, o: Order) => Promise<void>) {
    await db.tx(async (trx) => {
      const o = await lockOrder(trx, orderId);
      await audit(trx, { actor, action, subjectId: orderId, details: { ...details, from: o.status }, ip });
      await run(trx, o);
    });
  }

  return {
    /** on_hold → paid → (fulfilling unless paused). */
    releaseHold: (actor: string, orderId: string, reason: string, ip?: string | null) =>
      act(actor, orderId, 'order.hold_released', { reason }, ip, async (trx, o) => {
        const paid = await move(trx, o, 'paid', actor, `hold released: ${reason}`);
        await startFulfilmentIfRunning(trx, paid, actor);
      }),

    /** paid | on_hold | failed → refunded; codes back to stock, money back to the buyer. */
    refund: (actor: string, orderId: string, reason: string, ip?: string | null, opts: { fraud?: boolean } = {}) =>
      act(actor, orderId, 'order.refunded', { reason, fraud: opts.fraud ?? false }, ip, async (trx, o) => {
        await move(trx, o, 'refunded', actor, opts.fraud ? `refunded as fraud: ${reason}` : reason);
        await catalog.releaseKeys(trx, orderId);
        await returnMoney(trx, orderId, reason);
        // Refunded as fraud: the risk decisions about this order become labelled examples for backtests.
        if (opts.fraud) await d.risk?.labelSubject(trx, orderId, 'fraud', `refunded as fraud: ${reason}`, actor);
      }),

    /** pending_payment | on_hold → cancelled; an open payment is voided, a captured one refunded. */
    cancel: (actor: string, orderId: string, reason: string, ip?: string | null) =>
      act(actor, orderId, 'order.cancelled', { reason }, ip, async (trx, o) => {
        await move(trx, o, 'cancelled', actor, reason);
        await catalog.releaseKeys(trx, orderId);
        await returnMoney(trx, orderId, reason);
      }),

    /** failed → fulfilling: failed deliveries get a new job (delivered ones are left alone). */
    retryFulfilment: (actor: string, orderId: string, ip?: string | null) =>
      act(actor, orderId, 'order.fulfilment_retried', {}, ip, async (trx, o) => {
        await move(trx, o, 'fulfilling', actor, 'fulfilment retried by an operator');
        const lines = await repo.getLines(trx, orderId);
        await fulfilment.start(trx, o, lines.map((l) => ({ id: l.id, productId: l.productId, fulfilmentDriver: l.fulfilmentDriver, quantity: l.quantity, coins: l.coins })));
      }),
  };
}
