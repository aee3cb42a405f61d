import type { Db, Sql } from '../../platform/db/db.ts';
import type { Logger } from '../../platform/logger.ts';
import type { DomainEvents } from '../../platform/events.ts';
import { lockOrderScope } from '../../platform/events.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { assertTransition, canTransition } from '../../platform/states.ts';
import { enqueue, type Job } from '../../platform/jobs/queue.ts';
import { JobFailure } from '../../platform/jobs/worker.ts';
import { raiseAlert } from '../../platform/alerts.ts';
import { recordInbound, lockUnprocessed, markProcessed, pendingInbox, recordFailure } from '../../platform/webhooks-in/inbox.ts';
import { InlineQueue } from '../../platform/inline-queue.ts';
import { GatewayRefused, type GatewayEvent, type PaymentGateway } from './gateway.ts';
import * as repo from './payments.repo.ts';
import type { PaymentPurpose } from './payments.repo.ts';
import { PAYMENT_TRANSITIONS, type PaymentStatus } from './payments.states.ts';

export const PAYMENTS_QUEUE = 'payments';
const MAX_ATTEMPTS = 10;

const EVENT_TARGET: Partial<Record<GatewayEvent['type'], PaymentStatus>> = {
  'payment.succeeded': 'captured',
  'payment.authorized': 'authorized',
  'payment.failed': 'failed',
  'payment.voided': 'voided',
  'payment.refunded': 'refunded',
};

export interface PaymentsDeps { db: Db; log: Logger; events: DomainEvents; gateways: Map<string, PaymentGateway>; concurrency?: number }

export function createPaymentsService({ db, log, events, gateways, concurrency = 8 }: PaymentsDeps) {
  function gateway(name: string): PaymentGateway {
    const g = gateways.get(name);
    if (!g) throw new AppError('unprocessable', `payment gateway ${name} is not configured`);
    return g;
  }

  /** One transition: checked against the table, written with its history row. */
  async function transition(trx: Sql, paymentId: string, from: PaymentStatus, to: PaymentStatus, actor: string, reason: string | null, extra: Parameters<typeof repo.setStatus>[3] = {}, eventId?: string) {
    assertTransition('payment', PAYMENT_TRANSITIONS, from, to);
    await repo.setStatus(trx, paymentId, to, extra);
    await repo.insertHistory(trx, { paymentId, from, to, actor, reason, eventId });
  }

  /** Processes one inbox event; on failure counts the attempt, and after MAX_ATTEMPTS closes it with an alert. */
  async function safeProcess(inboxId: string): Promise<boolean> {
    try {
      await service.processEvent(inboxId);
      return true;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log.error({ err, inboxId }, 'processing a gateway event failed');
      const attempts = await recordFailure(db, inboxId, message).catch(() => 0);
      if (attempts >= MAX_ATTEMPTS) {
        await db.tx(async (trx) => {
          await markProcessed(trx, inboxId, `failed after ${attempts} attempts: ${message}`);
          await raiseAlert(trx, { severity: 'critical', kind: 'webhook.failed', message: `Gateway event ${inboxId} could not be processed: ${message}`, subjectId: inboxId });
        }).catch((e) => log.error({ err: e }, 'could not close a failing event'));
      }
      return false;
    }
  }

  // Events are processed right after they are stored, a few at a time, without waiting for the job worker.
  const inline = new InlineQueue<string>(concurrency, async (id) => { await safeProcess(id); });

  const service = {
    gatewayNames: () => [...gateways.keys()],
    get: (id: string) => repo.get(db, id),
    listForOrder: (sql: Sql, orderId: string) => repo.listForOrder(sql, orderId),
    listForOrders: (sql: Sql, orderIds: string[]) => repo.listForOrders(sql, orderIds),
    history: (id: string) => repo.history(db, id),

    /**
     * Creates the payment record inside the caller's transaction (no gateway call yet). `orderId` is the id of
     * what is paid for; `purpose` says what that is (default: a storefront order).
     */
    async createPending(trx: Sql, input: { orderId: string; purpose?: PaymentPurpose; amount: number; currency: string; gateway: string; actor: string }): Promise<string> {
      gateway(input.gateway);
      const id = newId('pay');
      await repo.insert(trx, { id, ...input, purpose: input.purpose ?? 'order' });
      return id;
    },

    /** Opens the payment at the gateway (outside call, outside any transaction), then records its reference. */
    async openAtGateway(input: { paymentId: string; orderId: string; amount: number; currency: string; gateway: string; description: string; email: string; returnUrl: string; captureMethod: 'automatic' | 'manual' }) {
      const created = await gateway(input.gateway).createPayment({
        paymentId: input.paymentId, orderId: input.orderId, amount: { amount: input.amount, currency: input.currency },
        description: input.description, email: input.email, returnUrl: input.returnUrl, captureMethod: input.captureMethod,
      });
      await repo.setGatewayRef(db, input.paymentId, created.gatewayRef, created.checkoutUrl); // one atomic UPDATE
      return created;
    },

    /** The gateway could not open the payment: the payment fails (the order use case cancels the order). */
    async markOpenFailed(trx: Sql, paymentId: string, reason: string) {
      const p = await repo.get(trx, paymentId, true);
      if (p && canTransition(PAYMENT_TRANSITIONS, p.status, 'failed')) await transition(trx, paymentId, p.status, 'failed', 'system', reason, { failureReason: reason });
    },

    /**
     * Inbound webhook: verify the signature on the raw bytes and store the event once (inbox). The caller
     * answers 2xx and then calls processSoon(); a sweeper picks up whatever a crash or an error left behind.
     */
    async ingestWebhook(provider: string, rawBody: Buffer, headers: Record<string, string | string[] | undefined>) {
      const g = gateways.get(provider);
      if (!g) throw new AppError('not_found', `unknown webhook provider ${provider}`);
      const v = g.verifyWebhook(rawBody, headers);
      if (!v.ok) throw new AppError('invalid_signature', `webhook signature check failed: ${v.reason}`);
      const e = v.event;
      const rec = await recordInbound(db, { provider, eventId: e.eventId, eventType: e.type, payload: { ...e, raw: undefined, created: e.created.toISOString(), raw_event: e.raw } });
      return { eventId: e.eventId, inboxId: rec.id, duplicate: !rec.fresh };
    },

    /** Resolves when no event is being processed in the background (graceful shutdown). */
    drain: () => inline.idle(),

    /** Processes a stored event now, in the background, with bounded concurrency; never throws. */
    processSoon(inboxId: string): void {
      inline.push(inboxId);
    },

    /** Retries events stored but not processed (after a crash or an error); gives up after MAX_ATTEMPTS with an alert. */
    async processPending(olderThanSeconds = 5): Promise<number> {
      let n = 0;
      for (const id of await pendingInbox(db, olderThanSeconds, 200)) {
        if (await safeProcess(id)) n++;
      }
      return n;
    },

    /** Applies one stored gateway event under the order's lock. Safe to run any number of times. */
    async processEvent(inboxId: string): Promise<string> {
      return db.tx(async (trx) => {
        const row = await lockUnprocessed(trx, inboxId);
        if (!row) return 'already_processed';
        const e = row.payload as { type: GatewayEvent['type']; paymentId: string | null; gatewayRef: string | null; amount: { amount: number; currency: string } | null; failureReason?: string; eventId: string; paymentMethod?: GatewayEvent['paymentMethod'] };
        let payment = e.paymentId ? await repo.get(trx, e.paymentId) : null;
        if (!payment && e.gatewayRef) payment = await repo.findByGatewayRef(trx, row.provider, e.gatewayRef);
        if (!payment || payment.gateway !== row.provider) {
          log.warn({ provider: row.provider, eventId: row.event_id }, 'webhook for an unknown payment ignored');
          await markProcessed(trx, inboxId, 'ignored: unknown payment');
          return 'unknown_payment';
        }
        await lockOrderScope(trx, payment.orderId);
        payment = (await repo.get(trx, payment.id, true))!;
        if (e.paymentId && e.gatewayRef && e.gatewayRef !== payment.gatewayRef) await repo.addRef(trx, row.provider, e.gatewayRef, payment.id);
        if (e.paymentMethod && !payment.method.type) await repo.setMethod(trx, payment.id, e.paymentMethod);
        const target = EVENT_TARGET[e.type];
        const actor = `gateway:${row.provider}`;
        let outcome: string;
        if (!target) outcome = `ignored: event type ${e.type}`;
        else if (payment.status === target) outcome = `no-op: already ${target}`;
        else if (!canTransition(PAYMENT_TRANSITIONS, payment.status, target)) {
          outcome = `ignored: ${payment.status} -> ${target} not allowed (late or out of order)`;
          log.info({ paymentId: payment.id, eventId: row.event_id, from: payment.status, to: target }, 'late or out-of-order payment event ignored');
          if (target === 'captured') {
            await raiseAlert(trx, { severity: 'critical', kind: 'payment.unexpected_capture', message: `Gateway reports a capture on payment ${payment.id} which is ${payment.status}`, subjectId: payment.orderId, details: { paymentId: payment.id, eventId: row.event_id } });
          }
        } else {
          const amount = e.amount ?? { amount: payment.amount, currency: payment.currency };
          if (target === 'captured') {
            await transition(trx, payment.id, payment.status, 'captured', actor, e.type, { capturedAmount: amount.amount, capturedCurrency: amount.currency }, row.event_id);
            await events.emit(trx, 'payment.captured', { paymentId: payment.id, orderId: payment.orderId, purpose: payment.purpose, amount: amount.amount, currency: amount.currency, actor });
          } else if (target === 'authorized') {
            await transition(trx, payment.id, payment.status, 'authorized', actor, e.type, {}, row.event_id);
            await events.emit(trx, 'payment.authorized', { paymentId: payment.id, orderId: payment.orderId, purpose: payment.purpose, amount: amount.amount, currency: amount.currency, actor });
          } else if (target === 'failed') {
            await transition(trx, payment.id, payment.status, 'failed', actor, e.failureReason ?? e.type, { failureReason: e.failureReason ?? 'declined' }, row.event_id);
            await events.emit(trx, 'payment.failed', { paymentId: payment.id, orderId: payment.orderId, purpose: payment.purpose, reason: e.failureReason ?? 'declined', actor });
          } else if (target === 'voided') {
            await transition(trx, payment.id, payment.status, 'voided', actor, e.type, {}, row.event_id);
            await events.emit(trx, 'payment.voided', { paymentId: payment.id, orderId: payment.orderId, purpose: payment.purpose, actor });
          } else {
            await transition(trx, payment.id, payment.status, 'refunded', actor, e.type, {}, row.event_id);
            await events.emit(trx, 'payment.refunded', { paymentId: payment.id, orderId: payment.orderId, purpose: payment.purpose, actor });
          }
          outcome = `applied: ${payment.status} -> ${target}`;
        }
        await markProcessed(trx, inboxId, outcome);
        return outcome;
      });
    },

    /** Queue a gateway action (capture/void/refund) in the caller's transaction; a job makes the call. */
    async request(trx: Sql, action: 'capture' | 'void' | 'refund', paymentId: string, reason: string) {
      await enqueue(trx, { queue: PAYMENTS_QUEUE, kind: `payments.${action}`, payload: { paymentId, reason }, dedupeKey: `${action}:${paymentId}`, maxAttempts: 8 });
    },

    async runAction(job: Job): Promise<unknown> {
      const action = job.kind.split('.')[1] as 'capture' | 'void' | 'refund';
      const p = await repo.get(db, String(job.payload.paymentId));
      if (!p) throw new JobFailure('payment not found', false);
      if (!p.gatewayRef) throw new JobFailure('payment was never opened at the gateway', false);
      const g = gateway(p.gateway);
      const key = `${action}_${p.id}`;
      try {
        if (action === 'capture') {
          if (p.status === 'captured') return { skipped: 'already captured' };
          await g.capture(p.gatewayRef, { amount: p.amount, currency: p.currency }, key);
        } else if (action === 'void') {
          if (p.status === 'voided' || p.status === 'failed') return { skipped: `already ${p.status}` };
          await g.void(p.gatewayRef, key);
        } else {
          if (p.status === 'refunded') return { skipped: 'already refunded' };
          await g.refund(p.gatewayRef, { amount: p.capturedAmount ?? p.amount, currency: p.capturedCurrency ?? p.currency }, key);
        }
      } catch (err) {
        if (err instanceof GatewayRefused) throw new JobFailure(`gateway refused ${action}: ${err.message}`, false);
        throw err;
      }
      return { requested: action };
    },

    async onActionDead(job: Job, error: string) {
      await db.tx((trx) => raiseAlert(trx, {
        severity: 'critical', kind: `payment.${job.kind.split('.')[1]}_failed`, message: `Could not ${job.kind.split('.')[1]} payment ${job.payload.paymentId}: ${error}`,
        subjectId: String(job.payload.paymentId), details: { jobId: job.id },
      }));
    },
  };
  return service;
}
export type PaymentsService = ReturnType<typeof createPaymentsService>;
