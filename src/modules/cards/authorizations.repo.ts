import type { Sql } from '../../platform/db/db.ts';
import type { AuthorizationStatus, CardStatus, Controls, Fallback, TransactionType } from './cards.schema.ts';

/** SQL of authorization decisions and after-transaction events. */

export interface StoredAuthorization {
  id: string; cardRef: string; cardId: string | null; cardholderId: string | null; assignmentId: string | null;
  amount: number; currency: string; merchantName: string | null; merchantMcc: string | null; merchantCity: string | null; merchantCountry: string | null;
  approved: boolean; reason: string; stage: 'card' | 'controls' | 'rules' | 'fallback'; score: number; decisionId: string | null; lateDecisionId: string | null; lateReason: string | null;
  fallback: boolean; decisionMs: number | null; source: string; status: AuthorizationStatus; finalAmount: number | null; occurredAt: Date; createdAt: Date; updatedAt: Date;
}
interface RawAuth {
  id: string; card_ref: string; card_id: string | null; cardholder_id: string | null; assignment_id: string | null; amount: number | string; currency: string;
  merchant_name: string | null; merchant_mcc: string | null; merchant_city: string | null; merchant_country: string | null; approved: boolean; reason: string;
  stage: StoredAuthorization['stage']; score: number; decision_id: string | null; late_decision_id: string | null; late_reason: string | null; fallback: boolean; decision_ms: number | null; source: string;
  status: AuthorizationStatus; final_amount: number | string | null; occurred_at: Date | string; created_at: Date | string; updated_at: Date | string;
}
const toAuth = (r: RawAuth): StoredAuthorization => ({
  id: r.id, cardRef: r.card_ref, cardId: r.card_id, cardholderId: r.cardholder_id, assignmentId: r.assignment_id, amount: Number(r.amount), currency: r.currency,
  merchantName: r.merchant_name, merchantMcc: r.merchant_mcc, merchantCity: r.merchant_city, merchantCountry: r.merchant_country, approved: r.approved, reason: r.reason,
  stage: r.stage, score: r.score, decisionId: r.decision_id, lateDecisionId: r.late_decision_id, lateReason: r.late_reason, fallback: r.fallback, decisionMs: r.decision_ms, source: r.source,
  status: r.status, finalAmount: r.final_amount === null ? null : Number(r.final_amount), occurredAt: new Date(r.occurred_at), createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at),
});

/** What one decision needs, read in ONE round trip: a stored answer for this id, the card with its program, spend, assignment. */
export interface DecisionContext {
  existing: StoredAuthorization | null;
  card: {
    id: string; cardholderId: string; status: CardStatus; currency: string; bin: string; last4: string; expMonth: number; expYear: number;
    controls: Controls; programControls: Controls | null; programName: string | null; fallback: Fallback | null;
  } | null;
  spentDay: number;
  spentMonth: number;
  assignmentId: string | null;
}

/**
 * Spend = approved authorizations of the card since the start of the day / month in the card's time zone,
 * counted at their final amount once cleared (refunds deducted), at the authorized amount before; reversed ones
 * count 0. The partial index card_authorizations_spend_idx covers it.
 */
const SPEND = `CASE WHEN a.status = 'reversed' THEN 0 ELSE GREATEST(COALESCE(a.final_amount, a.amount), 0) END`;

export async function loadDecisionContext(sql: Sql, authId: string, cardRef: string, now: Date, occurredAt: Date): Promise<DecisionContext> {
  const rows = await sql.query<{
    existing: RawAuth | null; id: string | null; cardholder_id: string; status: CardStatus; currency: string; bin: string; last4: string; exp_month: number; exp_year: number;
    controls: Controls; program_controls: Controls | null; program_name: string | null; fallback: Fallback | null; spent_day: number | string | null; spent_month: number | string | null; assignment_id: string | null;
  }>(
    `WITH c AS (
       SELECT c.id, c.cardholder_id, c.status, c.currency, c.bin, c.last4, c.exp_month, c.exp_year, c.controls,
              p.controls AS program_controls, p.name AS program_name, p.fallback,
              COALESCE(c.controls->>'timezone', p.controls->>'timezone', 'UTC') AS tz
         FROM cards c LEFT JOIN card_programs p ON p.id = c.program_id
        WHERE c.id = $2 OR c.processor_card_id = $2
        ORDER BY (c.id = $2) DESC LIMIT 1
     ), w AS (
       SELECT c.*, date_trunc('day', $3::timestamptz AT TIME ZONE c.tz) AT TIME ZONE c.tz AS day_start,
                   date_trunc('month', $3::timestamptz AT TIME ZONE c.tz) AT TIME ZONE c.tz AS month_start
         FROM c
     )
     SELECT (SELECT to_jsonb(x) FROM card_authorizations x WHERE x.id = $1) AS existing,
            w.id, w.cardholder_id, w.status, w.currency, w.bin, w.last4, w.exp_month, w.exp_year, w.controls, w.program_controls, w.program_name, w.fallback,
            s.spent_day, s.spent_month,
            (SELECT g.id FROM card_assignments g WHERE g.cardholder_id = w.cardholder_id AND g.window_start <= $4 AND g.window_end > $4
              ORDER BY g.window_start DESC, g.id DESC LIMIT 1) AS assignment_id
       FROM (SELECT 1) one
       LEFT JOIN w ON true
       LEFT JOIN LATERAL (
         SELECT (COALESCE(sum(${SPEND}) FILTER (WHERE a.created_at >= w.day_start), 0))::bigint AS spent_day, (COALESCE(sum(${SPEND}), 0))::bigint AS spent_month
           FROM card_authorizations a
          WHERE a.approved AND a.card_id = w.id AND a.created_at >= w.month_start
       ) s ON true`,
    [authId, cardRef, now, occurredAt],
  );
  const r = rows[0];
  return {
    existing: r?.existing ? toAuth(r.existing) : null,
    card: r?.id ? {
      id: r.id, cardholderId: r.cardholder_id, status: r.status, currency: r.currency, bin: r.bin, last4: r.last4, expMonth: r.exp_month, expYear: r.exp_year,
      controls: r.controls ?? {}, programControls: r.program_controls, programName: r.program_name, fallback: r.fallback,
    } : null,
    spentDay: Number(r?.spent_day ?? 0),
    spentMonth: Number(r?.spent_month ?? 0),
    assignmentId: r?.assignment_id ?? null,
  };
}

export interface NewAuthorization {
  id: string; cardRef: string; cardId: string | null; cardholderId: string | null; assignmentId: string | null; amount: number; currency: string;
  merchant: { name: string; mcc: string; city: string | null; country: string }; approved: boolean; reason: string; stage: StoredAuthorization['stage'];
  score: number; decisionId: string | null; fallback: boolean; decisionMs: number; source: string; occurredAt: Date; createdAt: Date;
}

/** The decision's one durable write. False when a row with this id exists already (a concurrent duplicate won). */
export async function insertAuthorization(sql: Sql, a: NewAuthorization): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO card_authorizations (id, card_ref, card_id, cardholder_id, assignment_id, amount, currency, merchant_name, merchant_mcc, merchant_city, merchant_country,
        approved, reason, stage, score, decision_id, fallback, decision_ms, source, status, occurred_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $22)
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [a.id, a.cardRef, a.cardId, a.cardholderId, a.assignmentId, a.amount, a.currency, a.merchant.name, a.merchant.mcc, a.merchant.city, a.merchant.country.toUpperCase(),
      a.approved, a.reason, a.stage, a.score, a.decisionId, a.fallback, a.decisionMs, a.source, a.approved ? 'approved' : 'declined', a.occurredAt, a.createdAt],
  );
  return rows.length === 1;
}

/** After a fallback answer: the decision that finished late is linked for the analyst (and the card filled in if it was unknown).
 * The answer given (approved, reason) stays as it was: a replay must say the same. */
export async function attachLateDecision(sql: Sql, id: string, late: { decisionId: string | null; cardId: string | null; cardholderId: string | null; assignmentId: string | null; note: string }): Promise<void> {
  await sql.query(
    `UPDATE card_authorizations SET late_decision_id = $2, card_id = COALESCE(card_id, $3), cardholder_id = COALESCE(cardholder_id, $4),
            assignment_id = COALESCE(assignment_id, $5), late_reason = $6, updated_at = now() WHERE id = $1`,
    [id, late.decisionId, late.cardId, late.cardholderId, late.assignmentId, late.note]);
}

export async function getAuthorization(sql: Sql, id: string, forUpdate = false): Promise<StoredAuthorization | null> {
  const rows = await sql.query<RawAuth>(`SELECT * FROM card_authorizations WHERE id = $1 ${forUpdate ? 'FOR UPDATE' : ''}`, [id]);
  return rows[0] ? toAuth(rows[0]) : null;
}

export interface AuthorizationFilter { cardId?: string; cardholderId?: string; approved?: boolean; from?: string; to?: string; limit: number }
export async function listAuthorizations(sql: Sql, f: AuthorizationFilter): Promise<StoredAuthorization[]> {
  const rows = await sql.query<RawAuth>(
    `SELECT * FROM card_authorizations
      WHERE ($1::text IS NULL OR card_id = $1) AND ($2::text IS NULL OR cardholder_id = $2) AND ($3::boolean IS NULL OR approved = $3)
        AND ($4::timestamptz IS NULL OR created_at >= $4) AND ($5::timestamptz IS NULL OR created_at < $5) 
      ORDER BY created_at DESC, id DESC LIMIT $6`,
    [f.cardId ?? null, f.cardholderId ?? null, f.approved ?? null, f.from ?? null, f.to ?? null, f.limit]);
  return rows.map(toAuth);
}

/** Spend of one card today / this month (for the console; the decision reads it inside loadDecisionContext). */
export async function cardSpend(sql: Sql, cardId: string, tz: string, now: Date): Promise<{ day: number; month: number }> {
  const rows = await sql.query<{ day: number | string; month: number | string }>(
    `WITH w AS (SELECT date_trunc('day', $2::timestamptz AT TIME ZONE $3) AT TIME ZONE $3 AS day_start, date_trunc('month', $2::timestamptz AT TIME ZONE $3) AT TIME ZONE $3 AS month_start)
     SELECT (COALESCE(sum(${SPEND}) FILTER (WHERE a.created_at >= w.day_start), 0))::bigint AS day, (COALESCE(sum(${SPEND}), 0))::bigint AS month
       FROM w LEFT JOIN card_authorizations a ON a.approved AND a.card_id = $1 AND a.created_at >= w.month_start
      GROUP BY w.day_start`, [cardId, now, tz]);
  return { day: Number(rows[0]?.day ?? 0), month: Number(rows[0]?.month ?? 0) };
}

// ---------- after-transaction events ----------
export async function insertTransaction(sql: Sql, t: { id: string; authorizationId: string; type: TransactionType; amount: number; currency: string; occurredAt: Date; outcome: string }): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO card_transactions (id, authorization_id, type, amount, currency, occurred_at, outcome) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING RETURNING id`,
    [t.id, t.authorizationId, t.type, t.amount, t.currency, t.occurredAt, t.outcome]);
  return rows.length === 1;
}

export async function getTransaction(sql: Sql, id: string): Promise<{ id: string; authorizationId: string; type: TransactionType; amount: number; currency: string; outcome: string } | null> {
  const rows = await sql.query<{ id: string; authorization_id: string; type: TransactionType; amount: number | string; currency: string; outcome: string }>(
    `SELECT id, authorization_id, type, amount, currency, outcome FROM card_transactions WHERE id = $1`, [id]);
  const r = rows[0];
  return r ? { id: r.id, authorizationId: r.authorization_id, type: r.type, amount: Number(r.amount), currency: r.currency, outcome: r.outcome } : null;
}

export async function transactionsOf(sql: Sql, authorizationId: string) {
  const rows = await sql.query<{ id: string; type: TransactionType; amount: number | string; currency: string; occurred_at: Date; outcome: string }>(
    `SELECT id, type, amount, currency, occurred_at, outcome FROM card_transactions WHERE authorization_id = $1 ORDER BY occurred_at, id`, [authorizationId]);
  return rows.map((r) => ({ id: r.id, type: r.type, amount: Number(r.amount), currency: r.currency, occurredAt: r.occurred_at, outcome: r.outcome }));
}

export async function setAuthorizationOutcome(sql: Sql, id: string, status: AuthorizationStatus, finalAmount: number | null): Promise<void> {
  await sql.query(`UPDATE card_authorizations SET status = $2, final_amount = $3, updated_at = now() WHERE id = $1`, [id, status, finalAmount]);
}
