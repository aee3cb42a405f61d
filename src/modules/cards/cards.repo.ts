import type { Sql } from '../../platform/db/db.ts';
import { newId } from '../../platform/ids.ts';
import type { CardStatus, Controls, Fallback, TransactionType } from './cards.schema.ts';

/** SQL of cardholders, programs, cards and their status history. Row types stay in this file. */

export interface Cardholder { id: string; nameEnc: string; emailEnc: string | null; phoneEnc: string | null; createdAt: Date; cards: number }
export interface Program { id: string; name: string; controls: Controls; fallback: Fallback; createdAt: Date; updatedAt: Date }
export interface Card {
  id: string; cardholderId: string; programId: string | null; processorCardId: string; bin: string; last4: string; expMonth: number; expYear: number;
  currency: string; status: CardStatus; controls: Controls; createdAt: Date; updatedAt: Date;
}
export interface HistoryEntry { from: CardStatus | null; to: CardStatus; actor: string; reason: string | null; at: Date }

interface RawCard {
  id: string; cardholder_id: string; program_id: string | null; processor_card_id: string; bin: string; last4: string; exp_month: number; exp_year: number;
  currency: string; status: CardStatus; controls: Controls; created_at: Date; updated_at: Date;
}
const toCard = (r: RawCard): Card => ({
  id: r.id, cardholderId: r.cardholder_id, programId: r.program_id, processorCardId: r.processor_card_id, bin: r.bin, last4: r.last4,
  expMonth: r.exp_month, expYear: r.exp_year, currency: r.currency, status: r.status, controls: r.controls ?? {}, createdAt: r.created_at, updatedAt: r.updated_at,
});
interface RawProgram { id: string; name: string; controls: Controls; fallback: Fallback; created_at: Date; updated_at: Date }
const toProgram = (r: RawProgram): Program => ({ id: r.id, name: r.name, controls: r.controls ?? {}, fallback: r.fallback, createdAt: r.created_at, updatedAt: r.updated_at });

// ---------- cardholders ----------
export async function insertCardholder(sql: Sql, c: { id: string; nameEnc: string; emailEnc: string | null; phoneEnc: string | null; createdBy: string }): Promise<void> {
  await sql.query(`INSERT INTO cardholders (id, name_enc, email_enc, phone_enc, created_by) VALUES ($1, $2, $3, $4, $5)`, [c.id, c.nameEnc, c.emailEnc, c.phoneEnc, c.createdBy]);
}

export async function listCardholders(sql: Sql, limit: number, before?: string): Promise<Cardholder[]> {
  const rows = await sql.query<{ id: string; name_enc: string; email_enc: string | null; phone_enc: string | null; created_at: Date; cards: number }>(
    `SELECT h.id, h.name_enc, h.email_enc, h.phone_enc, h.created_at, (SELECT count(*)::int FROM cards c WHERE c.cardholder_id = h.id) AS cards
       FROM cardholders h WHERE ($2::text IS NULL OR h.id < $2) ORDER BY h.id DESC LIMIT $1`, [limit, before ?? null]);
  return rows.map((r) => ({ id: r.id, nameEnc: r.name_enc, emailEnc: r.email_enc, phoneEnc: r.phone_enc, createdAt: r.created_at, cards: r.cards }));
}

export async function getCardholders(sql: Sql, ids: readonly string[]): Promise<Cardholder[]> {
  if (ids.length === 0) return [];
  const rows = await sql.query<{ id: string; name_enc: string; email_enc: string | null; phone_enc: string | null; created_at: Date }>(
    `SELECT id, name_enc, email_enc, phone_enc, created_at FROM cardholders WHERE id = ANY($1::text[])`, [[...ids]]);
  return rows.map((r) => ({ id: r.id, nameEnc: r.name_enc, emailEnc: r.email_enc, phoneEnc: r.phone_enc, createdAt: r.created_at, cards: 0 }));
}

// ---------- programs ----------
export async function insertProgram(sql: Sql, p: { id: string; name: string; controls: Controls; fallback: Fallback }): Promise<void> {
  await sql.query(`INSERT INTO card_programs (id, name, controls, fallback) VALUES ($1, $2, $3, $4)`, [p.id, p.name, JSON.stringify(p.controls), p.fallback]);
}

export async function updateProgram(sql: Sql, id: string, p: { name: string; controls: Controls; fallback: Fallback }): Promise<void> {
  await sql.query(`UPDATE card_programs SET name = $2, controls = $3, fallback = $4, updated_at = now() WHERE id = $1`, [id, p.name, JSON.stringify(p.controls), p.fallback]);
}

export async function getProgram(sql: Sql, id: string, forUpdate = false): Promise<Program | null> {
  const rows = await sql.query<RawProgram>(`SELECT * FROM card_programs WHERE id = $1 ${forUpdate ? 'FOR UPDATE' : ''}`, [id]);
  return rows[0] ? toProgram(rows[0]) : null;
}

export async function programNameTaken(sql: Sql, name: string, exceptId?: string): Promise<boolean> {
  return (await sql.query(`SELECT 1 FROM card_programs WHERE lower(name) = lower($1) AND ($2::text IS NULL OR id <> $2)`, [name, exceptId ?? null])).length > 0;
}

export async function listPrograms(sql: Sql): Promise<Program[]> {
  return (await sql.query<RawProgram>(`SELECT * FROM card_programs ORDER BY lower(name)`)).map(toProgram);
}

// ---------- cards ----------
export async function insertCard(sql: Sql, c: Omit<Card, 'createdAt' | 'updatedAt' | 'status'>): Promise<void> {
  await sql.query(
    `INSERT INTO cards (id, cardholder_id, program_id, processor_card_id, bin, last4, exp_month, exp_year, currency, controls)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [c.id, c.cardholderId, c.programId, c.processorCardId, c.bin, c.last4, c.expMonth, c.expYear, c.currency, JSON.stringify(c.controls)],
  );
}

export async function getCard(sql: Sql, id: string, forUpdate = false): Promise<Card | null> {
  const rows = await sql.query<RawCard>(`SELECT * FROM cards WHERE id = $1 ${forUpdate ? 'FOR UPDATE' : ''}`, [id]);
  return rows[0] ? toCard(rows[0]) : null;
}

export async function processorCardIdTaken(sql: Sql, processorCardId: string): Promise<boolean> {
  return (await sql.query(`SELECT 1 FROM cards WHERE processor_card_id = $1`, [processorCardId])).length > 0;
}

export interface CardFilter { status?: CardStatus; cardholderId?: string; programId?: string; last4?: string; before?: string; limit: number }
export async function listCards(sql: Sql, f: CardFilter): Promise<Card[]> {
  const rows = await sql.query<RawCard>(
    `SELECT * FROM cards WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR cardholder_id = $2) AND ($3::text IS NULL OR id < $3)
        AND ($5::text IS NULL OR program_id = $5) AND ($6::text IS NULL OR last4 = $6)
      ORDER BY id DESC LIMIT $4`, [f.status ?? null, f.cardholderId ?? null, f.before ?? null, f.limit, f.programId ?? null, f.last4 ?? null]);
  return rows.map(toCard);
}

export async function cardsOfHolder(sql: Sql, cardholderId: string): Promise<Card[]> {
  return (await sql.query<RawCard>(`SELECT * FROM cards WHERE cardholder_id = $1 ORDER BY id`, [cardholderId])).map(toCard);
}

export async function setControls(sql: Sql, id: string, controls: Controls): Promise<void> {
  await sql.query(`UPDATE cards SET controls = $2, updated_at = now() WHERE id = $1`, [id, JSON.stringify(controls)]);
}

export async function setStatus(sql: Sql, id: string, status: CardStatus): Promise<void> {
  await sql.query(`UPDATE cards SET status = $2, updated_at = now() WHERE id = $1`, [id, status]);
}

export async function appendHistory(sql: Sql, cardId: string, from: CardStatus | null, to: CardStatus, actor: string, reason: string | null): Promise<void> {
  await sql.query(`INSERT INTO card_status_history (id, card_id, from_status, to_status, actor, reason) VALUES ($1, $2, $3, $4, $5, $6)`, [newId('hst'), cardId, from, to, actor, reason]);
}

export async function history(sql: Sql, cardId: string): Promise<HistoryEntry[]> {
  const rows = await sql.query<{ from_status: CardStatus | null; to_status: CardStatus; actor: string; reason: string | null; at: Date }>(
    `SELECT from_status, to_status, actor, reason, at FROM card_status_history WHERE card_id = $1 ORDER BY at, id`, [cardId]);
  return rows.map((r) => ({ from: r.from_status, to: r.to_status, actor: r.actor, reason: r.reason, at: r.at }));
}

// ---------- console listings: the authorization feed and a card's transactions ----------
// (read-only queries for the console; the decision path's reads and writes live in authorizations.repo.ts)

export interface FeedRow {
  id: string; cardRef: string; cardId: string | null; cardholderId: string | null; assignmentId: string | null; bin: string | null; last4: string | null;
  amount: number; currency: string; merchantName: string | null; merchantMcc: string | null; merchantCity: string | null; merchantCountry: string | null;
  approved: boolean; reason: string; stage: string; score: number; decisionId: string | null; lateDecisionId: string | null; lateReason: string | null;
  fallback: boolean; decisionMs: number | null; source: string; status: string; finalAmount: number | null; occurredAt: Date; createdAt: Date; updatedAt: Date;
  /** Keyset position of the row: created_at in epoch microseconds (a JS Date would lose the microseconds). */
  positionUs: string;
}
interface RawFeed {
  id: string; card_ref: string; card_id: string | null; cardholder_id: string | null; assignment_id: string | null; bin: string | null; last4: string | null;
  amount: number | string; currency: string; merchant_name: string | null; merchant_mcc: string | null; merchant_city: string | null; merchant_country: string | null;
  approved: boolean; reason: string; stage: string; score: number; decision_id: string | null; late_decision_id: string | null; late_reason: string | null;
  fallback: boolean; decision_ms: number | null; source: string; status: string; final_amount: number | string | null; occurred_at: Date; created_at: Date; updated_at: Date;
  position_us: string | number;
}

export interface FeedFilter {
  cardId?: string; cardholderId?: string; approved?: boolean; fallback?: boolean; stage?: string; from?: string; to?: string;
  /** Rows strictly after this keyset position (newest first). */
  after?: { us: string; id: string }; limit: number;
}

/** Authorizations newest first, with the card's BIN and last4 (for the masked number), paged by (created_at, id). */
export async function authorizationFeed(sql: Sql, f: FeedFilter): Promise<FeedRow[]> {
  const rows = await sql.query<RawFeed>(
    `SELECT a.id, a.card_ref, a.card_id, a.cardholder_id, a.assignment_id, c.bin, c.last4, a.amount, a.currency, a.merchant_name, a.merchant_mcc, a.merchant_city,
            a.merchant_country, a.approved, a.reason, a.stage, a.score, a.decision_id, a.late_decision_id, a.late_reason, a.fallback, a.decision_ms, a.source, a.status,
            a.final_amount, a.occurred_at, a.created_at, a.updated_at, ((extract(epoch FROM a.created_at) * 1000000)::bigint)::text AS position_us
       FROM card_authorizations a LEFT JOIN cards c ON c.id = a.card_id
      WHERE ($1::text IS NULL OR a.card_id = $1) AND ($2::text IS NULL OR a.cardholder_id = $2) AND ($3::boolean IS NULL OR a.approved = $3)
        AND ($4::boolean IS NULL OR a.fallback = $4) AND ($5::text IS NULL OR a.stage = $5)
        AND ($6::timestamptz IS NULL OR a.created_at >= $6) AND ($7::timestamptz IS NULL OR a.created_at < $7)
        AND ($8::bigint IS NULL OR (a.created_at, a.id) < ('epoch'::timestamptz + $8::bigint * interval '1 microsecond', $9::text))
      ORDER BY a.created_at DESC, a.id DESC LIMIT $10`,
    [f.cardId ?? null, f.cardholderId ?? null, f.approved ?? null, f.fallback ?? null, f.stage ?? null, f.from ?? null, f.to ?? null,
      f.after?.us ?? null, f.after?.id ?? null, f.limit]);
  return rows.map((r) => ({
    id: r.id, cardRef: r.card_ref, cardId: r.card_id, cardholderId: r.cardholder_id, assignmentId: r.assignment_id, bin: r.bin, last4: r.last4,
    amount: Number(r.amount), currency: r.currency, merchantName: r.merchant_name, merchantMcc: r.merchant_mcc, merchantCity: r.merchant_city, merchantCountry: r.merchant_country,
    approved: r.approved, reason: r.reason, stage: r.stage, score: r.score, decisionId: r.decision_id, lateDecisionId: r.late_decision_id, lateReason: r.late_reason,
    fallback: r.fallback, decisionMs: r.decision_ms, source: r.source, status: r.status, finalAmount: r.final_amount === null ? null : Number(r.final_amount),
    occurredAt: new Date(r.occurred_at), createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at), positionUs: String(r.position_us),
  }));
}

export interface CardTransactionRow {
  id: string; authorizationId: string; type: TransactionType; amount: number; currency: string; occurredAt: Date; outcome: string;
  merchantName: string | null; authorizedAmount: number; finalAmount: number | null; authorizationStatus: string;
}

/** A card's after-transaction events (cleared, reversed, refunded) with their authorization's merchant and final amount, newest first. */
export async function cardTransactions(sql: Sql, cardId: string, limit: number): Promise<CardTransactionRow[]> {
  const rows = await sql.query<{
    id: string; authorization_id: string; type: TransactionType; amount: number | string; currency: string; occurred_at: Date; outcome: string;
    merchant_name: string | null; authorized_amount: number | string; final_amount: number | string | null; authorization_status: string;
  }>(
    `SELECT t.id, t.authorization_id, t.type, t.amount, t.currency, t.occurred_at, t.outcome,
            a.merchant_name, a.amount AS authorized_amount, a.final_amount, a.status AS authorization_status
       FROM card_authorizations a JOIN card_transactions t ON t.authorization_id = a.id
      WHERE a.card_id = $1 AND a.approved
      ORDER BY t.occurred_at DESC, t.id DESC LIMIT $2`, [cardId, limit]);
  return rows.map((r) => ({
    id: r.id, authorizationId: r.authorization_id, type: r.type, amount: Number(r.amount), currency: r.currency, occurredAt: new Date(r.occurred_at), outcome: r.outcome,
    merchantName: r.merchant_name, authorizedAmount: Number(r.authorized_amount), finalAmount: r.final_amount === null ? null : Number(r.final_amount), authorizationStatus: r.authorization_status,
  }));
}
