import type { Db, Sql } from '../../platform/db/db.ts';
import { AppError, isAppError } from '../../platform/errors.ts';
import { hasPrefix } from '../../platform/ids.ts';
import { enqueue } from '../../platform/jobs/queue.ts';
import type { Job } from '../../platform/jobs/queue.ts';
import type { DomainEvents } from '../../platform/events.ts';
import { raiseAlert } from '../../platform/alerts.ts';
import { assertTransition } from '../../platform/states.ts';
import type { Logger } from '../../platform/logger.ts';
import * as repo from './bill-postings.repo.ts';
import { BILL_POSTING_TRANSITIONS, type BillPostingStatus } from './bill-postings.states.ts';
import { isPermanentRefusal, type AccountingConnector } from './connector.ts';
import type { Gateway } from './gateway.ts';

export type { BillPosting, BillPostingHistory } from './bill-postings.repo.ts';

/**
 * Durable posting of bill payments to the internal accounting system (an outbox).
 *
 * The personal area calls enqueueBillPosting INSIDE the transaction that debits the wallet: the debit, the
 * posting row and its job commit together or not at all. The job posts the payment through the gateway
 * (breaker + timeout, as the system) with idempotency key = the posting id and paidAt = the posting's creation
 * time, so every retry is the same request and the internal system records it once, even when an earlier
 * attempt timed out after the system had recorded it. Success → posted (once). A 4xx refusal → failed + alert
 * + 'bill_posting.failed' event (the personal area refunds the wallet in that transaction). Anything else →
 * the job retries with backoff; after its last attempt a critical alert asks a human (the posting stays queued).
 */

export const BILL_POSTINGS_QUEUE = 'internal';
export const BILL_POSTING_JOB = 'bill_posting.post';
/** ~2^n s backoff capped at 10 min: 30 attempts span about 3.5 hours of outage. */
export const BILL_POSTING_MAX_ATTEMPTS = 30;

export interface EnqueueBillPostingInput {
  /** A `bpy_…` id made by the caller (newId('bpy')), so its ledger entry can name the posting. */
  id: string;
  customerId: string;
  /** The internal system's bill id. */
  billId: string;
  amount: number;
  currency: string;
  /** Shown in the internal system's books (e.g. the wallet transfer id or a receipt number). */
  reference: string;
  /** Who asked (default `customer:<customerId>`), for the history. */
  actor?: string;
}

/**
 * Records a bill payment to post, and its job, in the caller's transaction. Idempotent for the same id and
 * contents; a second live posting for the same bill (queued or posted) is refused with 409 conflict.
 */
export async function enqueueBillPosting(trx: Sql, input: EnqueueBillPostingInput): Promise<repo.BillPosting> {
  if ('tx' in trx) throw new Error('enqueueBillPosting needs the caller\'s transaction, not the database');
  if (!hasPrefix(input.id, 'bpy')) throw new AppError('validation_failed', 'a bill posting id is a bpy_ id');
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) throw new AppError('validation_failed', 'amount must be a positive integer of minor units');
  if (!/^[A-Z]{3}$/.test(input.currency)) throw new AppError('validation_failed', 'currency must be an ISO 4217 code');
  if (!input.billId || input.billId.length > 100) throw new AppError('validation_failed', 'billId must be 1-100 characters');
  if (!input.reference || input.reference.length > 200) throw new AppError('validation_failed', 'reference must be 1-200 characters');
  const created = await repo.insert(trx, input);
  if (!created) {
    const existing = await repo.find(trx, input.id);
    if (existing && existing.customerId === input.customerId && existing.billId === input.billId && existing.amount === input.amount && existing.currency === input.currency) return existing;
    if (existing) throw new AppError('conflict', `bill posting ${input.id} exists with different contents`);
    throw new AppError('conflict', 'this bill is already paid or being paid', { billId: input.billId });
  }
  await repo.addHistory(trx, created.id, null, 'queued', input.actor ?? `customer:${input.customerId}`, null);
  await enqueue(trx, { queue: BILL_POSTINGS_QUEUE, kind: BILL_POSTING_JOB, payload: { postingId: created.id }, dedupeKey: created.id, maxAttempts: BILL_POSTING_MAX_ATTEMPTS });
  return created;
}

export interface BillPostingsDeps {
  db: Db;
  events: DomainEvents;
  gateway: Gateway;
  connector: AccountingConnector;
  log?: Logger;
}

const ACTOR = 'system:bill-postings';

export type BillPostingsService = ReturnType<typeof createBillPostingsService>;

export function createBillPostingsService(deps: BillPostingsDeps) {
  const { db, events, gateway, connector } = deps;

  /** The job: post one payment. Returns what happened; throws (so the job retries) on transient trouble. */
  async function runPosting(postingId: string): Promise<Record<string, unknown>> {
    const p = await repo.find(db, postingId);
    if (!p) return { skipped: 'unknown posting' };
    if (p.status !== 'queued') return { skipped: p.status };
    await repo.countAttempt(db, p.id);
    let result;
    try {
      result = await gateway.system('postPayment', (signal) => connector.postPayment({
        idempotencyKey: p.id, billId: p.billId, amount: { amount: p.amount, currency: p.currency }, reference: p.reference, paidAt: p.createdAt,
      }, signal));
    } catch (err) {
      if (isPermanentRefusal(err)) {
        const reason = `${String(err.details?.upstreamCode ?? err.code)}: ${err.message}`;
        const moved = await db.tx((trx) => fail(trx, p.id, reason));
        return { failed: reason, moved };
      }
      await repo.recordError(db, p.id, describe(err)).catch(() => undefined);
      throw err;
    }
    const moved = await db.tx((trx) => markPosted(trx, p.id, result.payment.id));
    if (result.payment.billId !== p.billId || result.payment.amount.amount !== p.amount || result.payment.amount.currency !== p.currency) {
      // cannot happen with an honest system (the key is ours alone); a human must look
      await db.tx((trx) => raiseAlert(trx, { severity: 'critical', kind: 'bill_posting.mismatch', message: `Bill posting ${p.id}: the accounting system's payment ${result.payment.id} does not match it`, subjectId: p.id, details: { payment: result.payment } }));
    }
    return { posted: result.payment.id, replayed: result.replayed, moved };
  }

  async function markPosted(trx: Sql, id: string, internalPaymentId: string): Promise<boolean> {
    const p = await repo.find(trx, id, { forUpdate: true });
    if (!p || p.status === 'posted') return false; // another attempt got there first
    assertTransition('bill posting', BILL_POSTING_TRANSITIONS, p.status, 'posted');
    await repo.setPosted(trx, id, internalPaymentId);
    await repo.addHistory(trx, id, p.status, 'posted', ACTOR, `internal payment ${internalPaymentId}`);
    return true;
  }

  /** queued → failed, with an alert and the event the personal area refunds on, all in one transaction. */
  async function fail(trx: Sql, id: string, reason: string): Promise<boolean> {
    const p = await repo.find(trx, id, { forUpdate: true });
    if (!p || p.status !== 'queued') return false;
    assertTransition('bill posting', BILL_POSTING_TRANSITIONS, p.status, 'failed');
    await repo.setFailed(trx, id, reason);
    await repo.addHistory(trx, id, 'queued', 'failed', ACTOR, reason);
    await raiseAlert(trx, {
      severity: 'critical', kind: 'bill_posting.failed', subjectId: id,
      message: `The accounting system refused bill payment ${id} (bill ${p.billId}, ${p.amount} ${p.currency} minor units): ${reason}`,
      details: { postingId: id, customerId: p.customerId, billId: p.billId, amount: p.amount, currency: p.currency, reason },
    });
    await events.emit(trx, 'bill_posting.failed', { postingId: id, customerId: p.customerId, billId: p.billId, amount: p.amount, currency: p.currency, reason, actor: ACTOR });
    return true;
  }

  /** The job's last attempt failed (the system stayed unreachable): the posting stays queued; a human decides. */
  async function onPostingDead(job: Job, error: string): Promise<void> {
    const postingId = String(job.payload.postingId ?? '');
    await db.tx((trx) => raiseAlert(trx, {
      severity: 'critical', kind: 'bill_posting.stuck', subjectId: postingId,
      message: `Bill payment ${postingId} could not be posted to the accounting system after ${job.attempts} attempts (${error}). It stays queued: retry job ${job.id} from the console once the system is back.`,
      details: { postingId, jobId: job.id, error },
    }));
  }

  async function getPosting(id: string): Promise<(repo.BillPosting & { history: repo.BillPostingHistory[] }) | null> {
    const p = await repo.find(db, id);
    return p ? { ...p, history: await repo.history(db, id) } : null;
  }

  /** A customer's postings, newest first. */
  async function listPostings(customerId: string, opts: { limit?: number; before?: string } = {}): Promise<repo.BillPosting[]> {
    return repo.list(db, { customerId, limit: Math.min(opts.limit ?? 50, 200), before: opts.before });
  }

  async function search(f: { status?: BillPostingStatus; customerId?: string; billId?: string; before?: string; limit?: number }): Promise<repo.BillPosting[]> {
    return repo.list(db, { ...f, limit: Math.min(f.limit ?? 100, 500) });
  }

  return { enqueueBillPosting, runPosting, onPostingDead, getPosting, listPostings, search };
}

function describe(err: unknown): string {
  if (isAppError(err)) {
    const cause = (err as { cause?: unknown }).cause;
    return `${err.code}: ${err.message}${cause instanceof Error ? ` (${cause.message})` : ''}`;
  }
  return err instanceof Error ? err.message : String(err);
}
