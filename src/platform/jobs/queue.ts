import type { Sql } from '../db/db.ts';
import { newId } from '../ids.ts';

/**
 * Durable job queue on Postgres (works on PGlite and PostgreSQL).
 * Claiming uses FOR UPDATE SKIP LOCKED and a lease; an expired lease returns the job to the queue.
 * Retries back off exponentially; after max_attempts the job is 'dead' (visible in the console).
 */
export interface Job<P = Record<string, unknown>> {
  id: string;
  queue: string;
  kind: string;
  payload: P;
  status: 'queued' | 'running' | 'done' | 'dead' | 'cancelled';
  attempts: number;
  maxAttempts: number;
  runAt: Date;
  leaseUntil: Date | null;
  lockedBy: string | null;
  lastError: string | null;
  result: unknown;
  createdAt: Date;
  updatedAt: Date;
}

interface JobRow {
  id: string; queue: string; kind: string; payload: Record<string, unknown>; status: Job['status'];
  attempts: number; max_attempts: number; run_at: Date; lease_until: Date | null; locked_by: string | null;
  last_error: string | null; result: unknown; created_at: Date; updated_at: Date;
}

const toJob = (r: JobRow): Job => ({
  id: r.id, queue: r.queue, kind: r.kind, payload: r.payload, status: r.status, attempts: r.attempts,
  maxAttempts: r.max_attempts, runAt: r.run_at, leaseUntil: r.lease_until, lockedBy: r.locked_by,
  lastError: r.last_error, result: r.result, createdAt: r.created_at, updatedAt: r.updated_at,
});

export interface EnqueueInput {
  queue: string;
  kind: string;
  payload?: Record<string, unknown>;
  maxAttempts?: number;
  runAt?: Date;
  /** At most one job ever exists per dedupe key (enqueueing again is a no-op). */
  dedupeKey?: string;
}

/** Enqueue inside the caller's transaction: the job exists iff the business change committed. */
export async function enqueue(trx: Sql, input: EnqueueInput): Promise<string | null> {
  const id = newId('job');
  const rows = await trx.query<{ id: string }>(
    `INSERT INTO jobs (id, queue, kind, payload, max_attempts, run_at, dedupe_key)
     VALUES ($1, $2, $3, $4, $5, COALESCE($6, now()), $7)
     ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
    [id, input.queue, input.kind, JSON.stringify(input.payload ?? {}), input.maxAttempts ?? 5, input.runAt ?? null, input.dedupeKey ?? null],
  );
  return rows[0]?.id ?? null;
}

export async function claim(trx: Sql, queues: string[], workerId: string, limit: number, leaseSeconds: number): Promise<Job[]> {
  const rows = await trx.query<JobRow>(
    `UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_by = $2,
        lease_until = now() + make_interval(secs => $4), updated_at = now()
      WHERE id IN (
        SELECT id FROM jobs
         WHERE queue = ANY($1::text[])
           AND ((status = 'queued' AND run_at <= now()) OR (status = 'running' AND lease_until < now()))
         ORDER BY run_at, id
         LIMIT $3
         FOR UPDATE SKIP LOCKED)
      RETURNING *`,
    [queues, workerId, limit, leaseSeconds],
  );
  return rows.map(toJob);
}

/** Extends the lease of a running job held by this worker. False when the lease was lost. */
export async function heartbeat(trx: Sql, jobId: string, workerId: string, leaseSeconds: number): Promise<boolean> {
  const rows = await trx.query(
    `UPDATE jobs SET lease_until = now() + make_interval(secs => $3), updated_at = now()
      WHERE id = $1 AND locked_by = $2 AND status = 'running' RETURNING id`,
    [jobId, workerId, leaseSeconds],
  );
  return rows.length === 1;
}

/** Marks a job done. Idempotent: completing a job that is already done returns 'already_done'. */
export async function complete(trx: Sql, jobId: string, result: unknown): Promise<'done' | 'already_done' | 'not_running'> {
  const rows = await trx.query<{ status: string }>(`SELECT status FROM jobs WHERE id = $1 FOR UPDATE`, [jobId]);
  if (rows.length === 0) return 'not_running';
  if (rows[0].status === 'done') return 'already_done';
  if (rows[0].status !== 'running' && rows[0].status !== 'queued') return 'not_running';
  await trx.query(
    `UPDATE jobs SET status = 'done', result = $2, lease_until = NULL, last_error = NULL, updated_at = now() WHERE id = $1`,
    [jobId, JSON.stringify(result ?? null)],
  );
  return 'done';
}

export function backoffSeconds(attempts: number): number {
  // 2s, 4s, 8s, ... capped at 10 minutes, with up to 20% jitter.
  const base = Math.min(600, 2 ** attempts);
  return Math.round(base * (1 + Math.random() * 0.2));
}

/** Records a failure: retried later with backoff, or 'dead' after the last attempt. */
export async function fail(trx: Sql, jobId: string, error: string, opts: { retryable?: boolean } = {}): Promise<'retry' | 'dead' | 'not_running'> {
  const rows = await trx.query<{ status: string; attempts: number; max_attempts: number }>(
    `SELECT status, attempts, max_attempts FROM jobs WHERE id = $1 FOR UPDATE`,
    [jobId],
  );
  const row = rows[0];
  if (!row || row.status !== 'running') return 'not_running';
  const dead = opts.retryable === false || row.attempts >= row.max_attempts;
  if (dead) {
    await trx.query(`UPDATE jobs SET status = 'dead', last_error = $2, lease_until = NULL, updated_at = now() WHERE id = $1`, [jobId, error.slice(0, 2000)]);
    return 'dead';
  }
  await trx.query(
    `UPDATE jobs SET status = 'queued', last_error = $2, lease_until = NULL, locked_by = NULL,
        run_at = now() + make_interval(secs => $3), updated_at = now() WHERE id = $1`,
    [jobId, error.slice(0, 2000), backoffSeconds(row.attempts)],
  );
  return 'retry';
}

/** Puts a dead job back in its queue (an operator's "retry"). */
export async function requeue(trx: Sql, jobId: string): Promise<boolean> {
  const rows = await trx.query(
    `UPDATE jobs SET status = 'queued', attempts = 0, run_at = now(), lease_until = NULL, locked_by = NULL, updated_at = now()
      WHERE id = $1 AND status = 'dead' RETURNING id`,
    [jobId],
  );
  return rows.length === 1;
}

export async function getJob(trx: Sql, jobId: string): Promise<Job | null> {
  const rows = await trx.query<JobRow>(`SELECT * FROM jobs WHERE id = $1`, [jobId]);
  return rows[0] ? toJob(rows[0]) : null;
}

export async function listJobs(trx: Sql, filter: { status?: string; queue?: string; limit?: number }): Promise<Job[]> {
  const rows = await trx.query<JobRow>(
    `SELECT * FROM jobs WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR queue = $2)
      ORDER BY updated_at DESC LIMIT $3`,
    [filter.status ?? null, filter.queue ?? null, filter.limit ?? 100],
  );
  return rows.map(toJob);
}

export async function countByStatus(trx: Sql): Promise<Record<string, number>> {
  const rows = await trx.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM jobs GROUP BY status`);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
