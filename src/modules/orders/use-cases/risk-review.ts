import { AppError } from '../../../platform/errors.ts';
import { audit } from '../../staff/index.ts';
import * as repo from '../orders.repo.ts';
import type { OrdersDeps } from '../orders.deps.ts';
import type { Lifecycle } from '../orders.lifecycle.ts';
import { RISK_HOLD } from './risk-check.ts';
import { isPrivateIp } from '../../risk/index.ts';

/**
 * The review queue: orders whose authorized payment the risk engine held. An analyst approves (capture →
 * paid → fulfil) or rejects (void → cancelled, the decision labelled fraud, optionally the buyer blocked).
 * Holds nobody reviews before the authorization runs out are voided.
 */
export function riskReview(d: OrdersDeps, { move, lockOrder, startFulfilmentIfRunning }: Lifecycle) {
  const { db, payments, catalog, lists } = d;

  return {
    async listReviews(limit = 200) {
      const orders = await repo.onHoldFor(db, RISK_HOLD, limit);
      const out = [];
      for (const o of orders) {
        const [decision, pays] = await Promise.all([d.risk?.latestFor(o.id) ?? null, payments.listForOrder(db, o.id)]);
        const pay = pays.find((p) => p.status === 'authorized') ?? pays[pays.length - 1] ?? null;
        const held = (await repo.history(db, o.id)).filter((h) => h.to === 'on_hold').at(-1);
        out.push({
          orderId: o.id, email: o.email, total: { amount: o.totalAmount, currency: o.currency }, heldAt: o.updatedAt, approvedAt: o.reviewApprovedAt,
          holdReason: held?.reason ?? null,
          payment: pay ? { id: pay.id, status: pay.status, authorizedAt: pay.authorizedAt, card: pay.method.last4 ? { bin: pay.method.bin, last4: pay.method.last4 } : null } : null,
          decision: decision ? { id: decision.id, decision: decision.decision, score: decision.score, reasons: (decision.reasons as Array<{ rule: string; message: string; effect: string }>).filter((r) => r.effect !== 'skipped') } : null,
        });
      }
      return out;
    },

    async approve(actor: string, orderId: string, reason: string, ip?: string | null) {
      await db.tx(async (trx) => {
        const o = await lockOrder(trx, orderId);
        if (o.status !== 'on_hold' || o.holdReason !== RISK_HOLD) throw new AppError('conflict', 'this order is not waiting for a risk review');
        if (o.reviewApprovedAt) return; // approving twice is harmless
        const pays = await payments.listForOrder(trx, orderId);
        const pay = pays.find((p) => p.status === 'authorized') ?? pays.find((p) => p.status === 'captured');
        if (!pay) throw new AppError('conflict', 'the order has no payment to capture');
        await repo.markReviewApproved(trx, orderId, actor);
        await audit(trx, { actor, action: 'risk.review_approved', subjectId: orderId, details: { reason, paymentId: pay.id }, ip });
        await d.risk?.labelSubject(trx, orderId, 'legit', `approved in review: ${reason}`, actor);
        if (pay.status === 'authorized') await payments.request(trx, 'capture', pay.id, `approved in review by ${actor}`);
        else await startFulfilmentIfRunning(trx, await move(trx, o, 'paid', actor, `approved in review: ${reason}`), actor); // already captured
      });
    },

    async reject(actor: string, orderId: string, reason: string, opts: { blacklist?: boolean } = {}, ip?: string | null) {
      const blocked: string[] = [];
      await db.tx(async (trx) => {
        const o = await lockOrder(trx, orderId);
        if (o.status !== 'on_hold' || o.holdReason !== RISK_HOLD) throw new AppError('conflict', 'this order is not waiting for a risk review');
        await audit(trx, { actor, action: 'risk.review_rejected', subjectId: orderId, details: { reason, blacklist: opts.blacklist ?? false }, ip });
        const pays = await payments.listForOrder(trx, orderId);
        // money already captured goes back (refunded); an authorization is simply voided (cancelled)
        await move(trx, o, pays.some((p) => p.status === 'captured') ? 'refunded' : 'cancelled', actor, `rejected in risk review: ${reason}`);
        await catalog.releaseKeys(trx, orderId);
        for (const p of pays) {
          if (p.status === 'authorized' || p.status === 'pending') await payments.request(trx, 'void', p.id, 'rejected in risk review');
          else if (p.status === 'captured') await payments.request(trx, 'refund', p.id, 'rejected in risk review');
        }
        await d.risk?.labelSubject(trx, orderId, 'fraud', `rejected in review: ${reason}`, actor);
        if (opts.blacklist) {
          const card = pays.find((p) => p.method.fingerprint)?.method.fingerprint;
          // A private address is a proxy or the local network: blocking it would block everyone behind it.
          const ip = o.ip && !isPrivateIp(o.ip) ? o.ip : null;
          const targets: Array<[('email' | 'ip' | 'card_fingerprint'), string | null]> = [['email', o.email], ['ip', ip], ['card_fingerprint', card ?? null]];
          for (const [kind, value] of targets) {
            if (!value) continue;
            await lists.add(actor, { list: 'block', kind, value, reason: `rejected in risk review of ${orderId}: ${reason}`, source: 'rule' }, ip, trx);
            blocked.push(kind);
          }
        }
      });
      if (blocked.length) await lists.refresh(true);
      return { blocked };
    },

    /** Authorizations held past AUTH_HOLD_HOURS without a review are voided and their orders cancelled. */
    async expireUnreviewed(): Promise<number> {
      const cutoff = Date.now() - d.settings.authHoldHours * 3600_000;
      let n = 0;
      for (const held of await repo.onHoldFor(db, RISK_HOLD, 200)) {
        const pays = await payments.listForOrder(db, held.id);
        const auth = pays.find((p) => p.status === 'authorized');
        if (pays.some((p) => p.status === 'captured')) continue; // money already taken: stays for a human to decide
        if (held.reviewApprovedAt || (auth?.authorizedAt && auth.authorizedAt.getTime() > cutoff) || (!auth && held.updatedAt.getTime() > cutoff)) continue;
        await db.tx(async (trx) => {
          const o = await lockOrder(trx, held.id);
          if (o.status !== 'on_hold' || o.holdReason !== RISK_HOLD || o.reviewApprovedAt) return;
          await move(trx, o, 'cancelled', 'system', `authorization expired before a review (${d.settings.authHoldHours} h)`);
          await catalog.releaseKeys(trx, o.id);
          for (const p of await payments.listForOrder(trx, o.id)) if (p.status === 'authorized') await payments.request(trx, 'void', p.id, 'authorization expired unreviewed');
          n++;
        });
      }
      return n;
    },
  };
}
