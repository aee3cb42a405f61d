import type { Sql } from '../../platform/db/db.ts';
import { newId } from '../../platform/ids.ts';
import type { CardStatus, Controls, Fallback } from './cards.schema.ts';

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

export interface CardFilter { status?: CardStatus; cardholderId?: string; before?: string; limit: number }
export async function listCards(sql: Sql, f: CardFilter): Promise<Card[]> {
  const rows = await sql.query<RawCard>(
    `SELECT * FROM cards WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR cardholder_id = $2) AND ($3::text IS NULL OR id < $3)
      ORDER BY id DESC LIMIT $4`, [f.status ?? null, f.cardholderId ?? null, f.before ?? null, f.limit]);
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
