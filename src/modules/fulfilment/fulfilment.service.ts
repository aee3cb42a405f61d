import type { Db, Sql } from '../../platform/db/db.ts';
import type { Logger } from '../../platform/logger.ts';
import type { FieldCipher } from '../../platform/crypto.ts';
import { lockOrderScope, type DomainEvents } from '../../platform/events.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import * as jobs from '../../platform/jobs/queue.ts';
import { JobFailure, type JobContext } from '../../platform/jobs/worker.ts';
import type { CatalogService } from '../catalog/index.ts';
import { PlatformRefused, type PlatformTransfers } from '../platforms/directory.ts';
import { audit } from '../staff/index.ts';
import * as repo from './fulfilment.repo.ts';
import type { Fulfilment } from './fulfilment.repo.ts';

export const DELIVER_JOB = 'fulfilment.deliver';
export const queueFor = (driver: string) => `fulfilment.${driver}`;

/** What the job (or an agent) needs to deliver one order line. */
export interface DeliverPayload {
  fulfilmentId: string; orderId: string; driver: string; reference: string; productId: string; quantity: number;
  platform: string | null; platformUserId: string | null; coins: number | null;
}

export interface Delivered { codes?: string[]; coins?: number; platformUserId?: string; note?: string }

export interface StartLine { id: string; productId: string; fulfilmentDriver: string; quantity: number; coins: number | null }

export interface FulfilmentDeps { db: Db; log: Logger; cipher: FieldCipher; events: DomainEvents; catalog: CatalogService; transfers: Map<string, PlatformTransfers>; maxAttempts: number; wake: () => void }

export function createFulfilmentService({ db, log, cipher, events, catalog, transfers, maxAttempts, wake }: FulfilmentDeps) {
  async function markDelivered(trx: Sql, f: Fulfilment, proof: Record<string, unknown>, delivered: Delivered, actor: string): Promise<boolean> {
    if (f.status === 'delivered') return false;
    await repo.setStatus(trx, f.id, 'delivered', { proof, payloadEnc: cipher.encrypt(JSON.stringify(delivered)), error: null });
    await events.emit(trx, 'fulfilment.delivered', { orderId: f.orderId, fulfilmentId: f.id, actor });
    return true;
  }

  async function enqueueDelivery(trx: Sql, payload: DeliverPayload, attemptTag: string): Promise<void> {
    if (payload.driver === 'manual') return; // an operator completes it in the console
    const jobId = await jobs.enqueue(trx, { queue: queueFor(payload.driver), kind: DELIVER_JOB, payload: { ...payload }, maxAttempts, dedupeKey: `deliver:${payload.fulfilmentId}:${attemptTag}` });
    await repo.setJob(trx, payload.fulfilmentId, jobId);
  }

  /** Key stock: the codes reserved at checkout become delivered (caller holds the order lock). Idempotent. */
  async function deliverKeys(trx: Sql, payload: DeliverPayload): Promise<unknown> {
    const cur = (await repo.get(trx, payload.fulfilmentId, true))!;
    if (cur.status === 'delivered') return { skipped: 'already delivered' };
    const codes = await catalog.deliverKeys(trx, payload.orderId, payload.productId);
    if (codes.length !== payload.quantity) throw new JobFailure(`expected ${payload.quantity} reserved codes, found ${codes.length}`, false);
    await markDelivered(trx, cur, { keyIds: codes.length }, { codes }, 'system');
    return { delivered: codes.length };
  }

  const service = {
    listForOrder: (sql: Sql, orderId: string) => repo.listForOrder(sql, orderId),

    /** The delivered items of an order, decrypted (for the order page and e-mail). */
    async deliveredFor(sql: Sql, orderId: string): Promise<Array<Fulfilment & { delivered: Delivered | null }>> {
      const list = await repo.listForOrder(sql, orderId);
      return list.map((f) => ({ ...f, delivered: f.deliveredPayloadEnc ? (JSON.parse(cipher.decrypt(f.deliveredPayloadEnc)) as Delivered) : null }));
    },

    /**
     * Starts delivery of every line, inside the order's transaction. Key stock is delivered right here (a
     * database change, no outside call); the other drivers get a job (or, manual, wait for an operator).
     * All fulfilment rows exist before anything is delivered, so "all delivered" is never judged early.
     */
    async start(trx: Sql, order: { id: string; platform: string | null; platformUserId: string | null }, lines: StartLine[]): Promise<void> {
      const existing = await repo.listForOrder(trx, order.id);
      const todo: DeliverPayload[] = [];
      for (const line of lines) {
        const prior = existing.find((f) => f.orderLineId === line.id);
        if (prior && prior.status !== 'failed') continue;
        const fulfilmentId = prior?.id ?? newId('ful');
        if (prior) await repo.setStatus(trx, prior.id, 'pending', { error: null });
        else await repo.insert(trx, { id: fulfilmentId, orderId: order.id, orderLineId: line.id, driver: line.fulfilmentDriver, reference: fulfilmentId });
        todo.push({
          fulfilmentId, orderId: order.id, driver: line.fulfilmentDriver, reference: prior?.reference ?? fulfilmentId, productId: line.productId,
          quantity: line.quantity, platform: order.platform, platformUserId: order.platformUserId, coins: line.coins === null ? null : line.coins * line.quantity,
        });
      }
      let queued = false;
      for (const p of todo) {
        if (p.driver === 'key-stock') {
          try {
            await deliverKeys(trx, p);
          } catch (err) {
            if (!(err instanceof JobFailure)) throw err;
            await repo.setStatus(trx, p.fulfilmentId, 'failed', { error: err.message });
            await events.emit(trx, 'fulfilment.failed', { orderId: p.orderId, fulfilmentId: p.fulfilmentId, error: err.message, actor: 'system' });
          }
        }
        else if (p.driver !== 'manual') {
          await enqueueDelivery(trx, p, newId('job'));
          queued = true;
        }
      }
      if (queued) wake();
    },

    async allDelivered(sql: Sql, orderId: string): Promise<boolean> {
      const list = await repo.listForOrder(sql, orderId);
      return list.length > 0 && list.every((f) => f.status === 'delivered');
    },

    /** In-process job handler for every driver except manual. Idempotent: a delivered fulfilment is never delivered again. */
    async runDelivery(payload: DeliverPayload, ctx: JobContext | null): Promise<unknown> {
      const f = await repo.get(db, payload.fulfilmentId);
      if (!f) throw new JobFailure('fulfilment not found', false);
      if (f.status === 'delivered') return { skipped: 'already delivered' };
      if (f.status === 'pending') await db.tx((trx) => repo.setStatus(trx, f.id, 'in_progress'));

      if (payload.driver === 'key-stock') {
        return db.tx(async (trx) => {
          await lockOrderScope(trx, payload.orderId);
          return deliverKeys(trx, payload);
        });
      }

      const t = transfers.get(payload.driver);
      if (!t) throw new JobFailure(`no transfer adapter for driver ${payload.driver}`, false);
      if (!payload.platformUserId || !payload.coins) throw new JobFailure('order has no platform user or coins', false);
      await ctx?.heartbeat();
      let result;
      try {
        result = await t.sendCoins({ toUserId: payload.platformUserId, coins: payload.coins, reference: payload.reference });
      } catch (err) {
        if (err instanceof PlatformRefused) throw new JobFailure(`platform refused the transfer: ${err.message}`, false);
        throw err;
      }
      return db.tx(async (trx) => {
        await lockOrderScope(trx, payload.orderId);
        const cur = (await repo.get(trx, f.id, true))!;
        await markDelivered(trx, cur, { transferId: result.transferId, replayed: result.replayed, driver: payload.driver }, { coins: payload.coins!, platformUserId: payload.platformUserId! }, 'system');
        return { transferId: result.transferId, replayed: result.replayed };
      });
    },

    /** After the last retry: the fulfilment fails, the order fails and an alert is raised (by the orders module). */
    async onDeliveryDead(payload: DeliverPayload, error: string): Promise<void> {
      await db.tx(async (trx) => {
        await lockOrderScope(trx, payload.orderId);
        const f = await repo.get(trx, payload.fulfilmentId, true);
        if (!f || f.status === 'delivered' || f.status === 'failed') return;
        await repo.setStatus(trx, f.id, 'failed', { error });
        await events.emit(trx, 'fulfilment.failed', { orderId: f.orderId, fulfilmentId: f.id, error, actor: 'system' });
      });
    },

    /** An operator completes a manual (or stuck) fulfilment with a note. */
    async completeManually(actor: string, orderId: string, fulfilmentId: string, note: string, ip?: string | null): Promise<void> {
      await db.tx(async (trx) => {
        await lockOrderScope(trx, orderId);
        const f = await repo.get(trx, fulfilmentId, true);
        if (!f || f.orderId !== orderId) throw new AppError('not_found', 'fulfilment not found');
        if (f.status === 'delivered') throw new AppError('conflict', 'already delivered');
        if (f.driver !== 'manual' && f.status !== 'failed') throw new AppError('conflict', 'only manual or failed fulfilments can be completed by hand');
        await audit(trx, { actor, action: 'fulfilment.completed_manually', subjectId: orderId, details: { fulfilmentId, note }, ip });
        await markDelivered(trx, f, { manual: true, by: actor, note }, { note }, actor);
      });
    },

    /** Agent API: complete with proof. Completing twice is harmless (returns already_done). */
    async completeByAgent(agentId: string, jobId: string, proof: Record<string, unknown>): Promise<'done' | 'already_done'> {
      return db.tx(async (trx) => {
        const job = await jobs.getJob(trx, jobId);
        if (!job || job.kind !== DELIVER_JOB) throw new AppError('not_found', 'job not found');
        const payload = job.payload as unknown as DeliverPayload;
        await lockOrderScope(trx, payload.orderId);
        const f = (await repo.get(trx, payload.fulfilmentId, true))!;
        if (job.status === 'done' || f.status === 'delivered') {
          if (job.status !== 'done') await jobs.complete(trx, jobId, { proof, duplicate: true });
          return 'already_done';
        }
        if (job.status !== 'running' || job.lockedBy !== agentId) throw new AppError('conflict', 'this job is not leased to you (lease expired?)');
        await markDelivered(trx, f, { ...proof, agentId }, { coins: payload.coins ?? undefined, platformUserId: payload.platformUserId ?? undefined }, `agent:${agentId}`);
        await jobs.complete(trx, jobId, { proof });
        return 'done';
      });
    },

    async failByAgent(agentId: string, jobId: string, reason: string, retryable: boolean): Promise<'retry' | 'dead'> {
      const outcome = await db.tx(async (trx) => {
        const job = await jobs.getJob(trx, jobId);
        if (!job || job.kind !== DELIVER_JOB) throw new AppError('not_found', 'job not found');
        if (job.status !== 'running' || job.lockedBy !== agentId) throw new AppError('conflict', 'this job is not leased to you (lease expired?)');
        return { r: await jobs.fail(trx, jobId, `agent ${agentId}: ${reason}`, { retryable }), payload: job.payload as unknown as DeliverPayload };
      });
      if (outcome.r === 'dead') await service.onDeliveryDead(outcome.payload, reason);
      return outcome.r === 'dead' ? 'dead' : 'retry';
    },

    async claimForAgent(agentId: string, queues: string[], limit: number, leaseSeconds: number) {
      const claimed = await db.tx((trx) => jobs.claim(trx, queues, agentId, limit, leaseSeconds));
      for (const j of claimed) {
        const p = j.payload as unknown as DeliverPayload;
        await db.tx((trx) => repo.setStatus(trx, p.fulfilmentId, 'in_progress')).catch((err) => log.warn({ err }, 'could not mark in_progress'));
      }
      return claimed;
    },

    async heartbeatAgent(agentId: string, jobId: string, leaseSeconds: number): Promise<boolean> {
      return db.tx((trx) => jobs.heartbeat(trx, jobId, agentId, leaseSeconds));
    },
  };
  return service;
}
export type FulfilmentService = ReturnType<typeof createFulfilmentService>;
