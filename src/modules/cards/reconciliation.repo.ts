import type { Sql } from '../../platform/db/db.ts';

/** SQL of spend assignments (card spend ↔ orders) and the reconciliation report. */

export interface Assignment {
  id: string; externalOrderRef: string; cardholderId: string; expectedAmount: number; currency: string; windowStart: Date; windowEnd: Date; createdBy: string; createdAt: Date;
}
interface RawAssignment {
  id: string; external_order_ref: string; cardholder_id: string; expected_amount: number | string; currency: string; window_start: Date; window_end: Date; created_by: string; created_at: Date;
}
const toAssignment = (r: RawAssignment): Assignment => ({
  id: r.id, externalOrderRef: r.external_order_ref, cardholderId: r.cardholder_id, expectedAmount: Number(r.expected_amount), currency: r.currency,
  windowStart: new Date(r.window_start), windowEnd: new Date(r.window_end), createdBy: r.created_by, createdAt: new Date(r.created_at),
});

/** False when the external order reference is taken (the caller compares and answers idempotently). */
export async function insertAssignment(sql: Sql, a: Omit<Assignment, 'createdAt'>): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO card_assignments (id, external_order_ref, cardholder_id, expected_amount, currency, window_start, window_end, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (external_order_ref) DO NOTHING RETURNING id`,
    [a.id, a.externalOrderRef, a.cardholderId, a.expectedAmount, a.currency, a.windowStart, a.windowEnd, a.createdBy]);
  return rows.length === 1;
}

export async function getAssignmentByRef(sql: Sql, ref: string): Promise<Assignment | null> {
  const rows = await sql.query<RawAssignment>(`SELECT * FROM card_assignments WHERE external_order_ref = $1`, [ref]);
  return rows[0] ? toAssignment(rows[0]) : null;
}

/**
 * Matches the cardholder's authorizations in the assignment's window to it. An authorization belongs to the
 * assignment whose window contains it; with overlapping windows, to the one that started last (the same rule
 * the decision applies when it records an authorization). Returns how many were (re)matched.
 */
export async function matchAuthorizations(sql: Sql, a: Assignment): Promise<number> {
  const rows = await sql.query(
    `UPDATE card_authorizations x SET assignment_id = $1, updated_at = now()
      WHERE x.cardholder_id = $2 AND x.occurred_at >= $3 AND x.occurred_at < $4
        AND (x.assignment_id IS NULL OR EXISTS (SELECT 1 FROM card_assignments o WHERE o.id = x.assignment_id AND (o.window_start, o.id) < ($3::timestamptz, $1::text)))
      RETURNING x.id`,
    [a.id, a.cardholderId, a.windowStart, a.windowEnd]);
  return rows.length;
}

export interface ReconciliationRow extends Assignment { slipTotal: number; transactions: number; pending: number; declined: number }

/** Assignments whose window overlaps [from, to), with the final amounts of their approved authorizations. */
export async function reconciliation(sql: Sql, from: Date, to: Date): Promise<ReconciliationRow[]> {
  const rows = await sql.query<RawAssignment & { slip_total: number | string; transactions: number; pending: number; declined: number }>(
    `SELECT g.*,
            (COALESCE(sum(CASE WHEN a.status = 'reversed' THEN 0 ELSE COALESCE(a.final_amount, a.amount) END) FILTER (WHERE a.approved AND a.currency = g.currency), 0))::bigint AS slip_total,
            (count(a.id) FILTER (WHERE a.approved AND a.status <> 'reversed'))::int AS transactions,
            (count(a.id) FILTER (WHERE a.approved AND a.status = 'approved'))::int AS pending,
            (count(a.id) FILTER (WHERE NOT a.approved))::int AS declined
       FROM card_assignments g LEFT JOIN card_authorizations a ON a.assignment_id = g.id
      WHERE g.window_start < $2 AND g.window_end > $1
      GROUP BY g.id ORDER BY g.window_start, g.id`, [from, to]);
  return rows.map((r) => ({ ...toAssignment(r), slipTotal: Number(r.slip_total), transactions: r.transactions, pending: r.pending, declined: r.declined }));
}

export interface UnmatchedSpend { id: string; cardId: string | null; cardholderId: string | null; amount: number; currency: string; merchantName: string | null; occurredAt: Date; status: string }

/** Approved card spend in [from, to) that no assignment explains: the first place to look for theft. */
export async function unmatchedSpend(sql: Sql, from: Date, to: Date, limit = 1000): Promise<UnmatchedSpend[]> {
  const rows = await sql.query<{ id: string; card_id: string | null; cardholder_id: string | null; amount: number | string; final_amount: number | string | null; currency: string; merchant_name: string | null; occurred_at: Date; status: string }>(
    `SELECT id, card_id, cardholder_id, amount, final_amount, currency, merchant_name, occurred_at, status FROM card_authorizations
      WHERE approved AND assignment_id IS NULL AND status <> 'reversed' AND occurred_at >= $1 AND occurred_at < $2 ORDER BY occurred_at, id LIMIT $3`, [from, to, limit]);
  return rows.map((r) => ({
    id: r.id, cardId: r.card_id, cardholderId: r.cardholder_id, amount: Number(r.final_amount ?? r.amount), currency: r.currency,
    merchantName: r.merchant_name, occurredAt: new Date(r.occurred_at), status: r.status,
  }));
}

export interface AssignmentListRow extends Assignment { transactions: number; slipTotal: number; declined: number }
export interface AssignmentFilter { cardholderId?: string; ref?: string; before?: string; limit: number }

/** Spend assignments newest first, each with its matched card transactions (approved, not reversed), their final total and its declines. */
export async function listAssignments(sql: Sql, f: AssignmentFilter): Promise<AssignmentListRow[]> {
  const rows = await sql.query<RawAssignment & { transactions: number; slip_total: number | string; declined: number }>(
    `SELECT g.*, m.transactions, m.slip_total, m.declined
       FROM card_assignments g
       LEFT JOIN LATERAL (
         SELECT (count(a.id) FILTER (WHERE a.approved AND a.status <> 'reversed'))::int AS transactions,
                (COALESCE(sum(CASE WHEN a.status = 'reversed' THEN 0 ELSE COALESCE(a.final_amount, a.amount) END) FILTER (WHERE a.approved AND a.currency = g.currency), 0))::bigint AS slip_total,
                (count(a.id) FILTER (WHERE NOT a.approved))::int AS declined
           FROM card_authorizations a WHERE a.assignment_id = g.id
       ) m ON true
      WHERE ($1::text IS NULL OR g.cardholder_id = $1) AND ($2::text IS NULL OR starts_with(g.external_order_ref, $2)) AND ($3::text IS NULL OR g.id < $3)
      ORDER BY g.id DESC LIMIT $4`, [f.cardholderId ?? null, f.ref ?? null, f.before ?? null, f.limit]);
  return rows.map((r) => ({ ...toAssignment(r), transactions: r.transactions, slipTotal: Number(r.slip_total), declined: r.declined }));
}
