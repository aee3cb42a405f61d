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

/** What the decision path keeps in memory about one card (card-state.ts): the card, its program, and its spend. */
export interface CardState {
  card: {
    id: string; processorCardId: string; cardholderId: string; status: CardStatus; currency: string; bin: string; last4: string; expMonth: number; expYear: number;
    controls: Controls; programId: string | null; programControls: Controls | null; programName: string | null; fallback: Fallback | null;
    /** updated_at of the card and of its program, as text (the multi-node change check compares them exactly). */
    version: string; programVersion: string | null;
  };
  /** Approved spend since the start of the day / month in the controls' time zone, and where those windows lie (ms). */
  spend: { day: number; month: number; dayStart: number; dayEnd: number; monthStart: number };
}

/**
 * Spend = approved authorizations of the card since the start of the day / month in the card's time zone,
 * counted at their final amount once cleared (refunds deducted), at the authorized amount before; reversed ones
 * count 0. The partial index card_authorizations_spend_idx covers it. (card-state.ts spendOf is the same rule.)
 */
const SPEND = `CASE WHEN a.status = 'reversed' THEN 0 ELSE GREATEST(COALESCE(a.final_amount, a.amount), 0) END`;

/**
 * A card's decision state in ONE round trip: the card (by Tollgate id or processor id) with its program, and
 * today's and this month's approved spend with the window bounds. Null when no such card.
 */
export async function loadCardState(sql: Sql, cardRef: string, now: Date): Promise<CardState | null> {
  const rows = await sql.query<{
    id: string; processor_card_id: string; cardholder_id: string; status: CardStatus; currency: string; bin: string; last4: string; exp_month: number; exp_year: number;
    controls: Controls; program_id: string | null; program_controls: Controls | null; program_name: string | null; fallback: Fallback | null; version: string; program_version: string | null;
    spent_day: number | string; spent_month: number | string; day_start: Date | string; day_end: Date | string; month_start: Date | string;
  }>(
    `WITH c AS (
       SELECT c.id, c.processor_card_id, c.cardholder_id, c.status, c.currency, c.bin, c.last4, c.exp_month, c.exp_year, c.controls, c.program_id,
              p.controls AS program_controls, p.name AS program_name, p.fallback, c.updated_at::text AS version, p.updated_at::text AS program_version,
              COALESCE(c.controls->>'timezone', p.controls->>'timezone', 'UTC') AS tz
         FROM cards c LEFT JOIN card_programs p ON p.id = c.program_id
        WHERE c.id = $1 OR c.processor_card_id = $1
        ORDER BY (c.id = $1) DESC LIMIT 1
     ), w AS (
       SELECT c.*, date_trunc('day', $2::timestamptz AT TIME ZONE c.tz) AT TIME ZONE c.tz AS day_start,
                   (date_trunc('day', $2::timestamptz AT TIME ZONE c.tz) + interval '1 day') AT TIME ZONE c.tz AS day_end,
                   date_trunc('month', $2::timestamptz AT TIME ZONE c.tz) AT TIME ZONE c.tz AS month_start
         FROM c
     )
     SELECT w.id, w.processor_card_id, w.cardholder_id, w.status, w.currency, w.bin, w.last4, w.exp_month, w.exp_year, w.controls, w.program_id,
            w.program_controls, w.program_name, w.fallback, w.version, w.program_version, w.day_start, w.day_end, w.month_start,
            (COALESCE(sum(${SPEND}) FILTER (WHERE a.created_at >= w.day_start), 0))::bigint AS spent_day, (COALESCE(sum(${SPEND}), 0))::bigint AS spent_month
       FROM w LEFT JOIN card_authorizations a ON a.approved AND a.card_id = w.id AND a.created_at >= w.month_start
      GROUP BY w.id, w.processor_card_id, w.cardholder_id, w.status, w.currency, w.bin, w.last4, w.exp_month, w.exp_year, w.controls, w.program_id,
            w.program_controls, w.program_name, w.fallback, w.version, w.program_version, w.day_start, w.day_end, w.month_start`,
    [cardRef, now],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    card: {
      id: r.id, processorCardId: r.processor_card_id, cardholderId: r.cardholder_id, status: r.status, currency: r.currency, bin: r.bin, last4: r.last4,
      expMonth: r.exp_month, expYear: r.exp_year, controls: r.controls ?? {}, programId: r.program_id, programControls: r.program_controls, programName: r.program_name,
      fallback: r.fallback, version: r.version, programVersion: r.program_version,
    },
    spend: {
      day: Number(r.spent_day), month: Number(r.spent_month),
      dayStart: new Date(r.day_start).getTime(), dayEnd: new Date(r.day_end).getTime(), monthStart: new Date(r.month_start).getTime(),
    },
  };
}

/** Cards and programs changed since `since` (updated_at as text), and the database's clock: the multi-node change check. */
export async function changedCardsSince(sql: Sql, since: Date): Promise<{ now: Date; cards: Array<{ id: string; processorCardId: string; version: string }>; programs: Array<{ id: string; version: string }> }> {
  const [r] = await sql.query<{ now: Date | string; cards: Array<[string, string, string]> | null; programs: Array<[string, string]> | null }>(
    `SELECT now() AS now,
            (SELECT json_agg(json_build_array(id, processor_card_id, updated_at::text)) FROM cards WHERE updated_at > $1) AS cards,
            (SELECT json_agg(json_build_array(id, updated_at::text)) FROM card_programs WHERE updated_at > $1) AS programs`, [since]);
  return {
    now: new Date(r.now),
    cards: (r.cards ?? []).map(([id, processorCardId, version]) => ({ id, processorCardId, version })),
    programs: (r.programs ?? []).map(([id, version]) => ({ id, version })),
  };
}

export interface NewAuthorization {
  id: string; cardRef: string; cardId: string | null; cardholderId: string | null;
  /** Normally left out: the statement finds the cardholder's open spend assignment itself. */
  assignmentId?: string | null;
  amount: number; currency: string;
  merchant: { name: string; mcc: string; city: string | null; country: string }; approved: boolean; reason: string; stage: StoredAuthorization['stage'];
  score: number; decisionId: string | null; fallback: boolean; decisionMs: number; source: string; occurredAt: Date; createdAt: Date;
}

const INSERT_AUTHORIZATIONS = `INSERT INTO card_authorizations (id, card_ref, card_id, cardholder_id, assignment_id, amount, currency, merchant_name, merchant_mcc, merchant_city, merchant_country,
        approved, reason, stage, score, decision_id, fallback, decision_ms, source, status, occurred_at, created_at, updated_at)
     SELECT x.id, x.card_ref, x.card_id, x.cardholder_id,
            COALESCE(x.assignment_id, (SELECT g.id FROM card_assignments g WHERE g.cardholder_id = x.cardholder_id AND g.window_start <= x.occurred_at AND g.window_end > x.occurred_at
              ORDER BY g.window_start DESC, g.id DESC LIMIT 1)),
            x.amount, x.currency, x.merchant_name, x.merchant_mcc, x.merchant_city, x.merchant_country, x.approved, x.reason, x.stage, x.score, x.decision_id,
            x.fallback, x.decision_ms, x.source, CASE WHEN x.approved THEN 'approved' ELSE 'declined' END, x.occurred_at, x.created_at, x.created_at
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, card_ref text, card_id text, cardholder_id text, assignment_id text, amount bigint, currency text, merchant_name text, merchant_mcc text,
            merchant_city text, merchant_country text, approved boolean, reason text, stage text, score int, decision_id text, fallback boolean, decision_ms int, source text,
            occurred_at timestamptz, created_at timestamptz)
     ON CONFLICT (id) DO NOTHING RETURNING id, decision_id`;

/**
 * The group commit's write: many authorization rows in ONE statement (one JSON parameter), each `ON CONFLICT (id)
 * DO NOTHING` — the PRIMARY KEY is the idempotency key. Returns the ids this statement inserted (a missing id lost
 * to a row already there: another node's, or an earlier copy). The open spend assignment of the cardholder is
 * looked up here, in the statement, so the decision needs no read for it and sees assignments made a moment ago.
 */
export async function insertAuthorizations(sql: Sql, as: readonly NewAuthorization[]): Promise<Set<string>> {
  if (as.length === 0) return new Set();
  const rows = await sql.query<{ id: string }>(INSERT_AUTHORIZATIONS, [authorizationsJson(as)]);
  return new Set(rows.map((r) => r.id));
}

const authorizationsJson = (as: readonly NewAuthorization[]): string => JSON.stringify(as.map((a) => ({
  id: a.id, card_ref: a.cardRef, card_id: a.cardId, cardholder_id: a.cardholderId, assignment_id: a.assignmentId ?? null, amount: a.amount, currency: a.currency, merchant_name: a.merchant.name,
  merchant_mcc: a.merchant.mcc, merchant_city: a.merchant.city, merchant_country: a.merchant.country.toUpperCase(), approved: a.approved, reason: a.reason, stage: a.stage,
  score: a.score, decision_id: a.decisionId, fallback: a.fallback, decision_ms: a.decisionMs, source: a.source, occurred_at: a.occurredAt, created_at: a.createdAt,
})));

/** The rows' risk decisions, as the risk module's INSERT reading a JSON parameter (RiskService.decisionsInsert). */
export interface DecisionsInsert { json: string; statement: (param: string, where?: string) => string }
const withDecisionsSql = new WeakMap<DecisionsInsert['statement'], string>();

/**
 * insertAuthorizations and their risk decisions in ONE statement (one round trip, one COMMIT): a data-modifying
 * CTE inserts the authorization rows, and the risk module's INSERT writes the decisions of the rows that were
 * inserted — a copy of an id that lost (ON CONFLICT) leaves its risk decision unwritten.
 */
export async function insertAuthorizationsWithDecisions(sql: Sql, as: readonly NewAuthorization[], decisions: DecisionsInsert): Promise<Set<string>> {
  if (as.length === 0) return new Set();
  const rows = await sql.query<{ id: string }>(withDecisions(decisions.statement), [authorizationsJson(as), decisions.json]);
  return new Set(rows.map((r) => r.id));
}

function withDecisions(statement: DecisionsInsert['statement']): string {
  let text = withDecisionsSql.get(statement);
  if (!text) {
    text = `WITH a AS (${INSERT_AUTHORIZATIONS}), r AS (${statement('$2', 'WHERE x.id IN (SELECT a.decision_id FROM a)')}) SELECT a.id FROM a`;
    withDecisionsSql.set(statement, text);
  }
  return text;
}

/**
 * Runs the decision path's statements once with nothing to find or insert, so the first real authorization does
 * not pay for planning them (and, on PGlite, for loading the JSON and time-zone code: ~0.1–0.3 s on a busy machine).
 */
export async function warmDecisionStatements(sql: Sql, decisions?: DecisionsInsert['statement']): Promise<void> {
  await loadCardState(sql, 'warm-up: no such card', new Date());
  await sql.query(INSERT_AUTHORIZATIONS, ['[]']);
  if (decisions) await sql.query(withDecisions(decisions), ['[]', '[]']);
  await sql.query(`SELECT date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS day_start`);
}

/** One authorization row (tests and tools; the decision path writes through insertAuthorizations in batches). False when the id exists. */
export async function insertAuthorization(sql: Sql, a: NewAuthorization): Promise<boolean> {
  return (await insertAuthorizations(sql, [a])).has(a.id);
}

/** Stored authorizations by id (the answers of ids that lost an insert). */
export async function getAuthorizations(sql: Sql, ids: readonly string[]): Promise<Map<string, StoredAuthorization>> {
  if (ids.length === 0) return new Map();
  const rows = await sql.query<RawAuth>(`SELECT * FROM card_authorizations WHERE id = ANY($1::text[])`, [[...ids]]);
  return new Map(rows.map((r) => [r.id, toAuth(r)]));
}

/** After a fallback answer: the decision that finished late is linked for the analyst (and the card filled in if it was unknown).
 * The answer given (approved, reason) stays as it was: a replay must say the same. */
export async function attachLateDecision(sql: Sql, id: string, late: { decisionId: string | null; cardId: string | null; cardholderId: string | null; note: string }): Promise<void> {
  await sql.query(
    `UPDATE card_authorizations x SET late_decision_id = $2, card_id = COALESCE(x.card_id, $3), cardholder_id = COALESCE(x.cardholder_id, $4),
            assignment_id = COALESCE(x.assignment_id, (SELECT g.id FROM card_assignments g WHERE g.cardholder_id = COALESCE(x.cardholder_id, $4)
              AND g.window_start <= x.occurred_at AND g.window_end > x.occurred_at ORDER BY g.window_start DESC, g.id DESC LIMIT 1)),
            late_reason = $5, updated_at = now() WHERE x.id = $1`,
    [id, late.decisionId, late.cardId, late.cardholderId, late.note]);
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

/** Spend of one card today / this month (for the console; the decision keeps it in memory, loaded by loadCardState). */
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
