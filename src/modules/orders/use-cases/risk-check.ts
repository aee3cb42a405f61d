import { enqueue } from '../../../platform/jobs/queue.ts';
import type { Sql } from '../../../platform/db/db.ts';
import * as repo from '../orders.repo.ts';
import type { Order } from '../orders.repo.ts';
import type { OrdersDeps } from '../orders.deps.ts';
import type { Lifecycle } from '../orders.lifecycle.ts';

export const RISK_CHECK_JOB = { queue: 'orders', kind: 'orders.risk_check' } as const;
export const RISK_HOLD = 'risk_review';

/**
 * Auth-capture: an authorized payment is scored before any money is captured.
 * allow (and within the auto-capture limit) → capture → fulfil; review → order on hold, payment stays
 * authorized, an analyst decides; block → void, order cancelled with the reasons.
 */
export function riskCheck(d: OrdersDeps, { move, lockOrder, startFulfilmentIfRunning }: Lifecycle) {
  const { db, payments, catalog } = d;

  /** Called inside the payment transaction when an authorization arrives: queue the decision (it needs outside calls). */
  async function queue(trx: Sql, orderId: string, paymentId: string): Promise<void> {
    await enqueue(trx, { ...RISK_CHECK_JOB, payload: { orderId, paymentId }, dedupeKey: `risk:${paymentId}`, maxAttempts: 8 });
    d.wake();
  }

  async function run(payload: { orderId: string; paymentId: string }): Promise<unknown> {
    const risk = d.risk!;
    const order = await repo.getOrder(db, payload.orderId);
    const pay = await payments.get(payload.paymentId);
    if (!order || !pay) return { skipped: 'order or payment not found' };
    // Two moments: an authorization (decide before capturing) or, with automatic capture, a capture (decide
    // before delivering; money already taken is refunded on block).
    const captured = order.status === 'paid' && pay.status === 'captured';
    if (!captured && (order.status !== 'pending_payment' || pay.status !== 'authorized')) return { skipped: `order ${order.status}, payment ${pay.status}` };

    // A retried job reuses the decision already made for this order: one decision, velocity counted once.
    const prior = await risk.latestFor(order.id);
    const decision = prior && prior.kind === 'checkout'
      ? { id: prior.id, decision: prior.decision, score: prior.score, features: prior.features, reasons: (prior.reasons as Array<{ rule: string; effect: string }>).filter((r) => r.effect !== 'skipped') }
      : await risk.evaluate({
        kind: 'checkout', subjectId: order.id, amount: { amount: pay.amount, currency: pay.currency }, email: order.email, ip: order.ip, userAgent: order.userAgent,
        deviceId: order.deviceId, platformUserId: order.platformUserId, checkoutDurationMs: order.checkoutMs, paymentMethod: pay.method.type,
        card: pay.method.bin || pay.method.fingerprint ? { bin: pay.method.bin, last4: pay.method.last4, fingerprint: pay.method.fingerprint } : null,
      });
    const usd = typeof decision.features['amount.usd'] === 'number' ? (decision.features['amount.usd'] as number) : null;
    const limit = risk.settings().autoCaptureLimitUsd;
    const rules = decision.reasons.map((r) => r.rule).join(', ');

    return db.tx(async (trx) => {
      const o: Order = await lockOrder(trx, order.id);
      if (captured) {
        if (o.status !== 'paid') return { skipped: `order became ${o.status}` };
        if (decision.decision === 'block') {
          await move(trx, o, 'refunded', 'risk', `blocked by risk decision ${decision.id} (score ${decision.score}: ${rules})`);
          await catalog.releaseKeys(trx, o.id);
          await payments.request(trx, 'refund', pay.id, 'blocked by risk');
          return { decision: 'block', decisionId: decision.id };
        }
        if (decision.decision === 'review' || usd === null || usd > limit) {
          await move(trx, o, 'on_hold', 'risk', `risk review before delivery: score ${decision.score} (${rules}); decision ${decision.id}`, RISK_HOLD);
          return { decision: 'review', decisionId: decision.id };
        }
        await startFulfilmentIfRunning(trx, o, 'system');
        return { decision: 'allow', decisionId: decision.id };
      }
      if (o.status !== 'pending_payment') {
        await payments.request(trx, 'void', pay.id, `order is ${o.status}`);
        return { skipped: `order became ${o.status}` };
      }
      if (decision.decision === 'block') {
        await move(trx, o, 'cancelled', 'risk', `blocked by risk decision ${decision.id} (score ${decision.score}: ${rules})`);
        await catalog.releaseKeys(trx, o.id);
        await payments.request(trx, 'void', pay.id, 'blocked by risk');
        return { decision: 'block', decisionId: decision.id };
      }
      if (decision.decision === 'review' || usd === null || usd > limit) {
        const why = decision.decision === 'review' ? `risk review: score ${decision.score} (${rules})` : usd === null ? 'amount could not be converted for the auto-capture limit' : `amount ${usd} USD above the auto-capture limit ${limit} USD`;
        await move(trx, o, 'on_hold', 'risk', `${why}; decision ${decision.id}`, RISK_HOLD);
        return { decision: 'review', decisionId: decision.id };
      }
      await payments.request(trx, 'capture', pay.id, `risk allowed (decision ${decision.id}, score ${decision.score})`);
      return { decision: 'allow', decisionId: decision.id };
    });
  }

  return { queue, run };
}
