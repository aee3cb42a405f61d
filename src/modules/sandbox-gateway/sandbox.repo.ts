import type { Sql } from '../../platform/db/db.ts';
import type { SandboxStatus } from './sandbox.states.ts';

/** All SQL of the sandbox gateway. Row types stay here; callers get the camelCase views. */

export interface SandboxPayment {
  id: string;
  merchantRef: string;
  amount: number;
  currency: string;
  status: SandboxStatus;
  captureMode: 'automatic' | 'manual';
  description: string;
  returnUrl: string;
  authorizedAmount: number;
  capturedAmount: number;
  refundedAmount: number;
  /** The card the buyer paid with (BIN, last 4, fingerprint), once they paid. */
  paymentMethod: Record<string, unknown> | null;
  createdAt: Date;
  updatedAt: Date;
}

interface PaymentRow {
  id: string; merchant_ref: string; amount: number; currency: string; status: SandboxStatus;
  capture_mode: 'automatic' | 'manual'; description: string; return_url: string;
  authorized_amount: number; captured_amount: number; refunded_amount: number; payment_method: Record<string, unknown> | null; created_at: Date; updated_at: Date;
}

const toPayment = (r: PaymentRow): SandboxPayment => ({
  id: r.id, merchantRef: r.merchant_ref, amount: Number(r.amount), currency: r.currency, status: r.status,
  captureMode: r.capture_mode, description: r.description, returnUrl: r.return_url,
  authorizedAmount: Number(r.authorized_amount), capturedAmount: Number(r.captured_amount), refundedAmount: Number(r.refunded_amount),
  paymentMethod: r.payment_method ?? null, createdAt: r.created_at, updatedAt: r.updated_at,
});

export async function setPaymentMethod(sql: Sql, id: string, method: Record<string, unknown>): Promise<void> {
  await sql.query(`UPDATE sandbox_payments SET payment_method = $2 WHERE id = $1`, [id, JSON.stringify(method)]);
}

export interface NewPayment {
  id: string; merchantRef: string; amount: number; currency: string; captureMode: 'automatic' | 'manual'; description: string; returnUrl: string;
}

/** Inserts unless the merchantRef exists; returns null on that conflict. */
export async function insertPayment(trx: Sql, p: NewPayment): Promise<SandboxPayment | null> {
  const rows = await trx.query<PaymentRow>(
    `INSERT INTO sandbox_payments (id, merchant_ref, amount, currency, status, capture_mode, description, return_url)
     VALUES ($1, $2, $3, $4, 'open', $5, $6, $7)
     ON CONFLICT (merchant_ref) DO NOTHING RETURNING *`,
    [p.id, p.merchantRef, p.amount, p.currency, p.captureMode, p.description, p.returnUrl],
  );
  return rows[0] ? toPayment(rows[0]) : null;
}

export async function findPayment(sql: Sql, id: string, opts: { forUpdate?: boolean } = {}): Promise<SandboxPayment | null> {
  const rows = await sql.query<PaymentRow>(`SELECT * FROM sandbox_payments WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] ? toPayment(rows[0]) : null;
}

export async function findPaymentByMerchantRef(sql: Sql, merchantRef: string): Promise<SandboxPayment | null> {
  const rows = await sql.query<PaymentRow>(`SELECT * FROM sandbox_payments WHERE merchant_ref = $1`, [merchantRef]);
  return rows[0] ? toPayment(rows[0]) : null;
}

export interface PaymentChange {
  status: SandboxStatus;
  authorizedAmount?: number;
  capturedAmount?: number;
  refundedAmount?: number;
}

/** Moves a payment from `from` to a new state; null if it was no longer in `from` (lost a race). */
export async function updatePayment(trx: Sql, id: string, from: SandboxStatus, change: PaymentChange): Promise<SandboxPayment | null> {
  const rows = await trx.query<PaymentRow>(
    `UPDATE sandbox_payments
        SET status = $3,
            authorized_amount = COALESCE($4, authorized_amount),
            captured_amount = COALESCE($5, captured_amount),
            refunded_amount = COALESCE($6, refunded_amount),
            updated_at = now()
      WHERE id = $1 AND status = $2
      RETURNING *`,
    [id, from, change.status, change.authorizedAmount ?? null, change.capturedAmount ?? null, change.refundedAmount ?? null],
  );
  return rows[0] ? toPayment(rows[0]) : null;
}

// ---- idempotency keys ----

/**
 * Claims an Idempotency-Key. On PostgreSQL a concurrent claim of the same key waits for the first
 * transaction and then sees its row, so exactly one request acts per key.
 */
export async function claimIdempotencyKey(trx: Sql, key: string, requestHash: string, paymentId: string): Promise<{ fresh: true } | { fresh: false; requestHash: string; paymentId: string }> {
  const ins = await trx.query(
    `INSERT INTO sandbox_idempotency_keys (key, request_hash, payment_id) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING RETURNING key`,
    [key, requestHash, paymentId],
  );
  if (ins.length === 1) return { fresh: true };
  const rows = await trx.query<{ request_hash: string; payment_id: string }>(`SELECT request_hash, payment_id FROM sandbox_idempotency_keys WHERE key = $1`, [key]);
  return { fresh: false, requestHash: rows[0].request_hash, paymentId: rows[0].payment_id };
}

// ---- events (outbox of webhooks) ----

export interface SandboxEventRow {
  id: string;
  paymentId: string;
  type: string;
  body: string;
  createdAt: Date;
  attempts: number;
  nextAttemptAt: Date;
  deliveredAt: Date | null;
  givenUpAt: Date | null;
  lastStatus: number | null;
  lastError: string | null;
}

interface EventRow {
  id: string; payment_id: string; type: string; body: string; created_at: Date; attempts: number; next_attempt_at: Date;
  delivered_at: Date | null; given_up_at: Date | null; last_status: number | null; last_error: string | null;
}

const toEvent = (r: EventRow): SandboxEventRow => ({
  id: r.id, paymentId: r.payment_id, type: r.type, body: r.body, createdAt: r.created_at, attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at, deliveredAt: r.delivered_at, givenUpAt: r.given_up_at, lastStatus: r.last_status, lastError: r.last_error,
});

export async function insertEvent(trx: Sql, e: { id: string; paymentId: string; type: string; body: string }): Promise<void> {
  await trx.query(`INSERT INTO sandbox_events (id, payment_id, type, body) VALUES ($1, $2, $3, $4)`, [e.id, e.paymentId, e.type, e.body]);
}

export async function listEvents(sql: Sql, filter: { paymentId?: string; merchantRef?: string }, limit = 200): Promise<SandboxEventRow[]> {
  const rows = await sql.query<EventRow>(
    `SELECT e.* FROM sandbox_events e JOIN sandbox_payments p ON p.id = e.payment_id
      WHERE ($1::text IS NULL OR e.payment_id = $1) AND ($2::text IS NULL OR p.merchant_ref = $2)
      ORDER BY e.id LIMIT $3`,
    [filter.paymentId ?? null, filter.merchantRef ?? null, limit],
  );
  return rows.map(toEvent);
}

/**
 * Claims due, undelivered events for one delivery attempt: counts the attempt and pushes
 * next_attempt_at ahead by the lease, so no other node (or pass) sends them meanwhile.
 * A node that dies mid-attempt leaves the row to be retried when the lease runs out.
 */
export async function claimDueEvents(trx: Sql, limit: number, leaseMs: number): Promise<SandboxEventRow[]> {
  const rows = await trx.query<EventRow>(
    `UPDATE sandbox_events
        SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $2::double precision / 1000)
      WHERE id IN (
        SELECT id FROM sandbox_events
         WHERE delivered_at IS NULL AND given_up_at IS NULL AND next_attempt_at <= now()
         ORDER BY next_attempt_at, id
         LIMIT $1
         FOR UPDATE SKIP LOCKED)
      RETURNING *`,
    [limit, leaseMs],
  );
  return rows.map(toEvent).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export async function markDelivered(sql: Sql, id: string, status: number): Promise<void> {
  await sql.query(`UPDATE sandbox_events SET delivered_at = COALESCE(delivered_at, now()), last_status = $2, last_error = NULL WHERE id = $1`, [id, status]);
}

/** Schedules the next attempt, or gives up when the event is older than the retry window. */
export async function markFailed(sql: Sql, id: string, r: { status: number | null; error: string; retryInMs: number; giveUpAfterMs: number }): Promise<void> {
  await sql.query(
    `UPDATE sandbox_events
        SET last_status = $2, last_error = $3,
            next_attempt_at = now() + make_interval(secs => $4::double precision / 1000),
            given_up_at = CASE WHEN created_at < now() - make_interval(secs => $5::double precision / 1000) THEN now() END
      WHERE id = $1 AND delivered_at IS NULL`,
    [id, r.status, r.error.slice(0, 500), r.retryInMs, r.giveUpAfterMs],
  );
}

/** The event just before `eventId` for the same payment (chaos mode re-sends it as a stale event). */
export async function previousEvent(sql: Sql, paymentId: string, eventId: string): Promise<SandboxEventRow | null> {
  const rows = await sql.query<EventRow>(
    `SELECT * FROM sandbox_events WHERE payment_id = $1 AND id < $2 ORDER BY id DESC LIMIT 1`,
    [paymentId, eventId],
  );
  return rows[0] ? toEvent(rows[0]) : null;
}
