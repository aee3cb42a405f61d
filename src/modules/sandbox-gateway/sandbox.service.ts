import type { Db, Sql } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { sha256Hex } from '../../platform/crypto.ts';
import { assertTransition } from '../../platform/states.ts';
import * as repo from './sandbox.repo.ts';
import { cardMethod } from './test-cards.ts';
import type { SandboxPayment } from './sandbox.repo.ts';
import { EVENT_FOR_STATUS, SANDBOX_TRANSITIONS, type SandboxStatus } from './sandbox.states.ts';
import type { CreatePaymentBody } from './sandbox.schema.ts';

/**
 * Use cases of the sandbox gateway. Each opens one short transaction: lock the payment, check the
 * transition, update it and write the webhook event row (outbox). Delivery happens after commit.
 *
 * Idempotency, like a real gateway:
 * - on the Idempotency-Key: the same key with the same request replays (returns the payment as it is now,
 *   acting no second time); the same key with a different request → 422 idempotency_key_reused;
 * - on state: capturing a captured payment, voiding a voided one, refunding a fully refunded one → 200, no change.
 */
export class SandboxService {
  constructor(private readonly db: Db, private readonly onEvent: () => void = () => undefined) {}

  async createPayment(input: CreatePaymentBody, idempotencyKey?: string): Promise<{ payment: SandboxPayment; replayed: boolean }> {
    const out = await this.db.tx(async (trx) => {
      const id = newId('sbx');
      if (idempotencyKey) {
        const claim = await repo.claimIdempotencyKey(trx, idempotencyKey, requestHash('create', '', input), id);
        if (!claim.fresh) return { payment: await this.replay(trx, claim, requestHash('create', '', input)), replayed: true };
      }
      const created = await repo.insertPayment(trx, { id, ...input });
      if (created) return { payment: created, replayed: false };
      // The merchantRef exists already: the same request is the same payment; anything else is a conflict.
      const existing = (await repo.findPaymentByMerchantRef(trx, input.merchantRef))!;
      if (existing.amount !== input.amount || existing.currency !== input.currency || existing.captureMode !== input.captureMode) {
        throw new AppError('conflict', 'merchantRef already used for a different payment');
      }
      if (idempotencyKey) await trx.query(`UPDATE sandbox_idempotency_keys SET payment_id = $2 WHERE key = $1`, [idempotencyKey, existing.id]);
      return { payment: existing, replayed: true };
    });
    return out;
  }

  async getPayment(id: string): Promise<SandboxPayment> {
    const p = await repo.findPayment(this.db, id);
    if (!p) throw new AppError('not_found', 'payment not found');
    return p;
  }

  /** Manual capture of an authorized payment; amount defaults to all that was authorized (less = partial capture, rest released). */
  capture(id: string, amount: number | undefined, idempotencyKey?: string): Promise<SandboxPayment> {
    return this.mutate('capture', id, { amount }, idempotencyKey, async (trx, p) => {
      if (p.status === 'succeeded' || p.status === 'refunded') return p; // already captured
      if (p.status !== 'authorized') {
        // open → succeeded is the buyer paying in automatic mode, never a merchant's capture.
        throw new AppError('illegal_transition', `sandbox payment cannot be captured while ${p.status}`, { from: p.status, to: 'succeeded' });
      }
      const capture = amount ?? p.authorizedAmount;
      if (capture > p.authorizedAmount) {
        throw new AppError('unprocessable', `capture amount ${capture} exceeds the authorized ${p.authorizedAmount}`);
      }
      return this.transition(trx, p, 'succeeded', { capturedAmount: capture }, capture);
    });
  }

  /** Releases an authorization, or cancels an open payment so the buyer can no longer pay it. */
  void(id: string, idempotencyKey?: string): Promise<SandboxPayment> {
    return this.mutate('void', id, {}, idempotencyKey, async (trx, p) => {
      if (p.status === 'voided') return p;
      return this.transition(trx, p, 'voided', {}, p.status === 'authorized' ? p.authorizedAmount : p.amount);
    });
  }

  /** Refunds captured money; amount defaults to all that is left. The event carries the total refunded so far. */
  refund(id: string, amount: number | undefined, idempotencyKey?: string): Promise<SandboxPayment> {
    return this.mutate('refund', id, { amount }, idempotencyKey, async (trx, p) => {
      const left = p.capturedAmount - p.refundedAmount;
      if (p.status === 'refunded' && left === 0) return p; // fully refunded already
      if (p.status !== 'succeeded' && p.status !== 'refunded') {
        assertTransition('sandbox payment', SANDBOX_TRANSITIONS, p.status, 'refunded');
      }
      const refund = amount ?? left;
      if (refund > left) throw new AppError('unprocessable', `refund amount ${refund} exceeds the ${left} left to refund`);
      const total = p.refundedAmount + refund;
      return this.transition(trx, p, 'refunded', { refundedAmount: total }, total);
    });
  }

  /**
   * The buyer pressed Pay or Decline on the hosted page. Only an open payment changes;
   * a second click finds it final and changes nothing (no second event).
   */
  async completeCheckout(id: string, action: 'pay' | 'decline', card?: string): Promise<{ payment: SandboxPayment; changed: boolean }> {
    const out = await this.db.tx(async (trx) => {
      let p = await repo.findPayment(trx, id, { forUpdate: true });
      if (!p) throw new AppError('not_found', 'payment not found');
      if (p.status !== 'open') return { payment: p, changed: false };
      const method = cardMethod(card);
      if (!method) throw new AppError('validation_failed', 'that card number is not valid');
      await repo.setPaymentMethod(trx, p.id, { ...method });
      p = { ...p, paymentMethod: { ...method } };
      if (action === 'decline') return { payment: await this.transition(trx, p, 'failed', {}, p.amount, { failureReason: 'card_declined' }), changed: true };
      const next = p.captureMode === 'manual'
        ? await this.transition(trx, p, 'authorized', { authorizedAmount: p.amount }, p.amount)
        : await this.transition(trx, p, 'succeeded', { capturedAmount: p.amount }, p.amount);
      return { payment: next, changed: true };
    });
    if (out.changed) this.onEvent();
    return out;
  }

  listEvents(filter: { paymentId?: string }, limit?: number): Promise<repo.SandboxEventRow[]> {
    const key = filter.paymentId;
    if (!key) return repo.listEvents(this.db, {}, limit);
    return repo.listEvents(this.db, key.startsWith('sbx_') ? { paymentId: key } : { merchantRef: key }, limit);
  }

  // ---- internals ----

  private async mutate(
    op: string, id: string, body: Record<string, unknown>, idempotencyKey: string | undefined,
    act: (trx: Sql, p: SandboxPayment) => Promise<SandboxPayment>,
  ): Promise<SandboxPayment> {
    let changed = false;
    const out = await this.db.tx(async (trx) => {
      if (idempotencyKey) {
        const hash = requestHash(op, id, body);
        const claim = await repo.claimIdempotencyKey(trx, idempotencyKey, hash, id);
        if (!claim.fresh) return this.replay(trx, claim, hash);
      }
      const p = await repo.findPayment(trx, id, { forUpdate: true });
      if (!p) throw new AppError('not_found', 'payment not found');
      const next = await act(trx, p);
      changed = next !== p;
      return next;
    });
    if (changed) this.onEvent();
    return out;
  }

  private async replay(trx: Sql, claim: { requestHash: string; paymentId: string }, hash: string): Promise<SandboxPayment> {
    if (claim.requestHash !== hash) throw new AppError('idempotency_key_reused', 'Idempotency-Key was already used for a different request');
    const p = await repo.findPayment(trx, claim.paymentId);
    if (!p) throw new AppError('not_found', 'payment not found');
    return p;
  }

  /** One state change: check it against the table, apply it, write its webhook event in the same transaction. */
  private async transition(
    trx: Sql, p: SandboxPayment, to: Exclude<SandboxStatus, 'open'>, change: Omit<repo.PaymentChange, 'status'>,
    eventAmount: number, extra: { failureReason?: string } = {},
  ): Promise<SandboxPayment> {
    assertTransition('sandbox payment', SANDBOX_TRANSITIONS, p.status, to);
    const updated = await repo.updatePayment(trx, p.id, p.status, { status: to, ...change });
    if (!updated) throw new AppError('conflict', 'payment changed concurrently, retry');
    const eventId = newId('evt');
    const type = EVENT_FOR_STATUS[to];
    const body = JSON.stringify({
      id: eventId,
      type,
      created: Math.floor(Date.now() / 1000),
      data: { paymentId: p.merchantRef, gatewayPaymentId: p.id, amount: eventAmount, currency: p.currency, ...(p.paymentMethod ? { paymentMethod: p.paymentMethod } : {}), ...extra },
    });
    await repo.insertEvent(trx, { id: eventId, paymentId: p.id, type, body });
    return updated;
  }
}

function requestHash(op: string, id: string, body: Record<string, unknown>): string {
  const sorted = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b)));
  return sha256Hex(JSON.stringify([op, id, sorted]));
}
