import * as repo from '../orders.repo.ts';
import type { OrdersDeps } from '../orders.deps.ts';
import type { Lifecycle } from '../orders.lifecycle.ts';

/** Periodic work, safe on every node at once: each order is re-checked under its lock. */
export function sweeps(d: OrdersDeps, { move, lockOrder, startFulfilmentIfRunning }: Lifecycle) {
  const { db, catalog, payments, automation } = d;
  return {
    /** Expires unpaid orders past their time: codes go back to stock, open payments are voided. */
    async expireDue(limit = 200): Promise<number> {
      let n = 0;
      for (const id of await repo.dueForExpiry(db, limit)) {
        await db.tx(async (trx) => {
          const o = await lockOrder(trx, id);
          if (o.status !== 'pending_payment' || o.expiresAt.getTime() > Date.now()) return;
          await move(trx, o, 'expired', 'system', 'not paid in time');
          await catalog.releaseKeys(trx, o.id);
          for (const p of await payments.listForOrder(trx, o.id)) {
            if ((p.status === 'pending' || p.status === 'authorized') && p.gatewayRef) await payments.request(trx, 'void', p.id, 'order expired');
          }
          n++;
        });
      }
      return n;
    },

    /** Sends every order waiting in `paid` to fulfilment (after a resume, or as a safety sweep). */
    async fulfilWaiting(): Promise<number> {
      let n = 0;
      let after: string | undefined;
      for (;;) {
        if (await automation.isPaused(db)) return n;
        const ids = await repo.idsInStatus(db, 'paid', 100, after);
        if (ids.length === 0) return n;
        for (const id of ids) {
          await db.tx(async (trx) => {
            const moved = await startFulfilmentIfRunning(trx, await lockOrder(trx, id), 'system');
            if (moved.status === 'fulfilling') n++;
          });
        }
        after = ids[ids.length - 1];
      }
    },
  };
}
