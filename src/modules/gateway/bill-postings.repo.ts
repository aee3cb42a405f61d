import type { Sql } from '../../platform/db/db.ts';
import { newId } from '../../platform/ids.ts';
import type { BillPostingStatus } from './bill-postings.states.ts';

/** All SQL of bill postings (bill_postings, bill_posting_history). Row types stay here. */

export interface BillPosting {
  id: string; customerId: string; billId: string; amount: number; currency: string; reference: string;
  status: BillPostingStatus; attempts: number; lastError: string | null; internalPaymentId: string | null;
  postedAt: Date | null; failedAt: Date | null; failureReason: string | null; createdAt: Date; updatedAt: Date;
}
export interface BillPostingHistory { from: BillPostingStatus | null; to: BillPostingStatus; actor: string; reason: string | null; at: Date }

interface Row {
  id: string; customer_id: string; bill_id: string; amount: number | string; currency: string; reference: string;
  status: BillPostingStatus; attempts: number; last_error: string | null; internal_payment_id: string | null;
  posted_at: Date | null; failed_at: Date | null; failure_reason: string | null; created_at: Date; updated_at: Date;
}

const toPosting = (r: Row): BillPosting => ({
  id: r.id, customerId: r.customer_id, billId: r.bill_id, amount: Number(r.amount), currency: r.currency, reference: r.reference,
  status: r.status, attempts: r.attempts, lastError: r.last_error, internalPaymentId: r.internal_payment_id,
  postedAt: r.posted_at, failedAt: r.failed_at, failureReason: r.failure_reason, createdAt: r.created_at, updatedAt: r.updated_at,
});

/** Inserts a queued posting; null when the id exists or the bill already has a live (queued/posted) posting. */
export async function insert(sql: Sql, p: { id: string; customerId: string; billId: string; amount: number; currency: string; reference: string }): Promise<BillPosting | null> {
  const rows = await sql.query<Row>(
    `INSERT INTO bill_postings (id, customer_id, bill_id, amount, currency, reference, status)
     VALUES ($1, $2, $3, $4, $5, $6, 'queued')
     ON CONFLICT DO NOTHING RETURNING *`,
    [p.id, p.customerId, p.billId, p.amount, p.currency, p.reference],
  );
  return rows[0] ? toPosting(rows[0]) : null;
}

export async function find(sql: Sql, id: string, opts: { forUpdate?: boolean } = {}): Promise<BillPosting | undefined> {
  const rows = await sql.query<Row>(`SELECT * FROM bill_postings WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] && toPosting(rows[0]);
}

export async function list(sql: Sql, f: { customerId?: string; status?: BillPostingStatus; billId?: string; before?: string; limit: number }): Promise<BillPosting[]> {
  const rows = await sql.query<Row>(
    `SELECT * FROM bill_postings
      WHERE ($1::text IS NULL OR customer_id = $1) AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR bill_id = $3)
        AND ($4::text IS NULL OR id < $4)
      ORDER BY id DESC LIMIT $5`,
    [f.customerId ?? null, f.status ?? null, f.billId ?? null, f.before ?? null, f.limit],
  );
  return rows.map(toPosting);
}

export async function countAttempt(sql: Sql, id: string): Promise<void> {
  await sql.query(`UPDATE bill_postings SET attempts = attempts + 1, updated_at = now() WHERE id = $1 AND status = 'queued'`, [id]);
}

export async function recordError(sql: Sql, id: string, error: string): Promise<void> {
  await sql.query(`UPDATE bill_postings SET last_error = $2, updated_at = now() WHERE id = $1 AND status = 'queued'`, [id, error.slice(0, 1000)]);
}

export async function setPosted(sql: Sql, id: string, internalPaymentId: string): Promise<void> {
  await sql.query(
    `UPDATE bill_postings SET status = 'posted', internal_payment_id = $2, posted_at = now(), last_error = NULL, updated_at = now() WHERE id = $1`,
    [id, internalPaymentId],
  );
}

export async function setFailed(sql: Sql, id: string, reason: string): Promise<void> {
  await sql.query(
    `UPDATE bill_postings SET status = 'failed', failed_at = now(), failure_reason = $2, last_error = $2, updated_at = now() WHERE id = $1`,
    [id, reason.slice(0, 1000)],
  );
}

export async function addHistory(sql: Sql, postingId: string, from: BillPostingStatus | null, to: BillPostingStatus, actor: string, reason: string | null): Promise<void> {
  await sql.query(
    `INSERT INTO bill_posting_history (id, posting_id, from_status, to_status, actor, reason) VALUES ($1, $2, $3, $4, $5, $6)`,
    [newId('hst'), postingId, from, to, actor, reason],
  );
}

export async function history(sql: Sql, postingId: string): Promise<BillPostingHistory[]> {
  const rows = await sql.query<{ from_status: BillPostingStatus | null; to_status: BillPostingStatus; actor: string; reason: string | null; at: Date }>(
    `SELECT from_status, to_status, actor, reason, at FROM bill_posting_history WHERE posting_id = $1 ORDER BY at, id`, [postingId]);
  return rows.map((r) => ({ from: r.from_status, to: r.to_status, actor: r.actor, reason: r.reason, at: r.at }));
}
