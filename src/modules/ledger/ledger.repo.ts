import type { Sql } from '../../platform/db/db.ts';
import type { Account, AccountTransfer, HoldState, NormalSide, Transfer, TransferKind, TransferQuery, TransferType } from './ledger.schema.ts';

/** All SQL of the ledger. Row types stay in this file. */

interface AccountRow {
  id: string; owner_type: 'customer' | 'system'; owner_id: string; code: string; currency: string; normal_side: NormalSide;
  debits_must_not_exceed_credits: boolean; credits_must_not_exceed_debits: boolean; allow_overdraft: boolean; overdraft_limit: number | string;
  status: 'open' | 'closed'; debits_posted: number | string; credits_posted: number | string; debits_pending: number | string; credits_pending: number | string;
  created_at: Date; updated_at: Date;
}

interface TransferRow {
  id: string; client_id: string; type: TransferType; debit_account_id: string; credit_account_id: string; amount: number | string; currency: string;
  kind: TransferKind; description: string; metadata: Record<string, unknown> | null; pending_id: string | null; timeout_seconds: number | null;
  expires_at: Date | null; link_id: string | null; link_size: number; created_at: Date;
}

/** What the in-memory validation needs of a locked account. */
export interface AccountState {
  id: string;
  currency: string;
  status: 'open' | 'closed';
  dmnec: boolean;
  cmned: boolean;
  allowOverdraft: boolean;
  overdraftLimit: number;
  dp: number;
  cp: number;
  dpe: number;
  cpe: number;
}

/** A stored transfer with the size of its linked group (kept internal: it is only needed for replays). */
export type StoredTransfer = Transfer & { linkSize: number };

const n = (v: number | string) => {
  const x = Number(v);
  if (!Number.isSafeInteger(x)) throw new Error(`ledger value ${v} is beyond the safe integer range`);
  return x;
};

export function toAccount(r: AccountRow): Account {
  const dp = n(r.debits_posted), cp = n(r.credits_posted), dpe = n(r.debits_pending), cpe = n(r.credits_pending);
  const credit = r.normal_side === 'credit';
  const posted = credit ? cp - dp : dp - cp;
  const available = credit ? cp - dp - dpe : dp - cp - cpe;
  const overdraft = r.allow_overdraft ? n(r.overdraft_limit) : 0;
  return {
    id: r.id, ownerType: r.owner_type, ownerId: r.owner_id === '' ? null : r.owner_id, code: r.code, currency: r.currency, normalSide: r.normal_side,
    status: r.status, debitsMustNotExceedCredits: r.debits_must_not_exceed_credits, creditsMustNotExceedDebits: r.credits_must_not_exceed_debits,
    allowOverdraft: r.allow_overdraft, overdraftLimit: n(r.overdraft_limit),
    balance: { debitsPosted: dp, creditsPosted: cp, debitsPending: dpe, creditsPending: cpe, posted, available, spendable: available + overdraft },
    createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

export function toTransfer(r: TransferRow): StoredTransfer {
  return {
    id: r.id, clientId: r.client_id, type: r.type, debitAccountId: r.debit_account_id, creditAccountId: r.credit_account_id, amount: n(r.amount),
    currency: r.currency, kind: r.kind, description: r.description, metadata: r.metadata ?? null, pendingId: r.pending_id,
    timeoutSeconds: r.timeout_seconds, expiresAt: r.expires_at ? new Date(r.expires_at) : null, linkId: r.link_id, linkSize: r.link_size,
    createdAt: new Date(r.created_at),
  };
}

const ACCOUNT_COLS = `id, owner_type, owner_id, code, currency, normal_side, debits_must_not_exceed_credits, credits_must_not_exceed_debits,
  allow_overdraft, overdraft_limit, status, debits_posted, credits_posted, debits_pending, credits_pending, created_at, updated_at`;
const TRANSFER_COLS = `id, client_id, type, debit_account_id, credit_account_id, amount, currency, kind, description, metadata, pending_id,
  timeout_seconds, expires_at, link_id, link_size, created_at`;

// --- accounts ---

export interface NewAccount {
  id: string; ownerType: 'customer' | 'system'; ownerId: string; code: string; currency: string; normalSide: NormalSide;
  dmnec: boolean; cmned: boolean; allowOverdraft: boolean; overdraftLimit: number;
}

/** Inserts the account unless one exists for (owner, currency, code); returns the one that exists either way. */
export async function openAccount(trx: Sql, a: NewAccount): Promise<Account> {
  const ins = await trx.query<AccountRow>(
    `INSERT INTO ledger_accounts (id, owner_type, owner_id, code, currency, normal_side, debits_must_not_exceed_credits, credits_must_not_exceed_debits, allow_overdraft, overdraft_limit)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (owner_type, owner_id, currency, code) DO NOTHING RETURNING ${ACCOUNT_COLS}`,
    [a.id, a.ownerType, a.ownerId, a.code, a.currency, a.normalSide, a.dmnec, a.cmned, a.allowOverdraft, a.overdraftLimit],
  );
  if (ins[0]) return toAccount(ins[0]);
  const [r] = await trx.query<AccountRow>(
    `SELECT ${ACCOUNT_COLS} FROM ledger_accounts WHERE owner_type = $1 AND owner_id = $2 AND currency = $3 AND code = $4`,
    [a.ownerType, a.ownerId, a.currency, a.code],
  );
  return toAccount(r);
}

export async function getAccount(sql: Sql, id: string): Promise<Account | null> {
  const [r] = await sql.query<AccountRow>(`SELECT ${ACCOUNT_COLS} FROM ledger_accounts WHERE id = $1`, [id]);
  return r ? toAccount(r) : null;
}

export async function lockAccount(trx: Sql, id: string): Promise<Account | null> {
  const [r] = await trx.query<AccountRow>(`SELECT ${ACCOUNT_COLS} FROM ledger_accounts WHERE id = $1 FOR UPDATE`, [id]);
  return r ? toAccount(r) : null;
}

export async function findAccount(sql: Sql, ownerType: string, ownerId: string, currency: string, code: string): Promise<Account | null> {
  const [r] = await sql.query<AccountRow>(
    `SELECT ${ACCOUNT_COLS} FROM ledger_accounts WHERE owner_type = $1 AND owner_id = $2 AND currency = $3 AND code = $4`,
    [ownerType, ownerId, currency, code],
  );
  return r ? toAccount(r) : null;
}

export async function accountsOf(sql: Sql, ownerType: string, ownerId: string): Promise<Account[]> {
  const rows = await sql.query<AccountRow>(
    `SELECT ${ACCOUNT_COLS} FROM ledger_accounts WHERE owner_id = $2 AND owner_type = $1 ORDER BY currency, code, id`,
    [ownerType, ownerId],
  );
  return rows.map(toAccount);
}

export async function listAccounts(
  sql: Sql, f: { ownerType?: string; ownerId?: string; currency?: string; code?: string; status?: string; afterId?: string | null; limit: number },
): Promise<Account[]> {
  const rows = await sql.query<AccountRow>(
    `SELECT ${ACCOUNT_COLS} FROM ledger_accounts
      WHERE ($1::text IS NULL OR owner_type = $1) AND ($2::text IS NULL OR owner_id = $2) AND ($3::text IS NULL OR currency = $3)
        AND ($4::text IS NULL OR code = $4) AND ($5::text IS NULL OR status = $5) AND ($6::text IS NULL OR id > $6)
      ORDER BY id LIMIT $7`,
    [f.ownerType ?? null, f.ownerId ?? null, f.currency ?? null, f.code ?? null, f.status ?? null, f.afterId ?? null, f.limit],
  );
  return rows.map(toAccount);
}

/**
 * Locks the accounts a batch touches, in one fixed order (sorted ids): two batches locking overlapping
 * sets wait for each other instead of deadlocking.
 */
export async function lockAccounts(trx: Sql, sortedIds: string[]): Promise<AccountState[]> {
  if (sortedIds.length === 0) return [];
  const rows = await trx.query<AccountRow>(
    `SELECT id, currency, status, debits_must_not_exceed_credits, credits_must_not_exceed_debits, allow_overdraft, overdraft_limit,
            debits_posted, credits_posted, debits_pending, credits_pending
       FROM ledger_accounts WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`,
    [arrayLiteral(sortedIds)],
  );
  return rows.map((r) => ({
    id: r.id, currency: r.currency, status: r.status, dmnec: r.debits_must_not_exceed_credits, cmned: r.credits_must_not_exceed_debits,
    allowOverdraft: r.allow_overdraft, overdraftLimit: n(r.overdraft_limit),
    dp: n(r.debits_posted), cp: n(r.credits_posted), dpe: n(r.debits_pending), cpe: n(r.credits_pending),
  }));
}

export async function setAccountStatus(trx: Sql, id: string, status: 'open' | 'closed'): Promise<void> {
  await trx.query(`UPDATE ledger_accounts SET status = $2, updated_at = now() WHERE id = $1`, [id, status]);
}

export async function setOverdraft(trx: Sql, id: string, allow: boolean, limit: number): Promise<void> {
  await trx.query(`UPDATE ledger_accounts SET allow_overdraft = $2, overdraft_limit = $3, updated_at = now() WHERE id = $1`, [id, allow, limit]);
}

/** Adds each account's deltas to its balances (one statement for the whole batch). */
export async function applyDeltas(trx: Sql, d: { ids: string[]; dp: number[]; cp: number[]; dpe: number[]; cpe: number[] }): Promise<number> {
  if (d.ids.length === 0) return 0;
  const [r] = await trx.query<{ n: number }>(
    `WITH u AS (
       UPDATE ledger_accounts a
          SET debits_posted = a.debits_posted + d.dp, credits_posted = a.credits_posted + d.cp,
              debits_pending = a.debits_pending + d.dpe, credits_pending = a.credits_pending + d.cpe, updated_at = now()
         FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[]) AS d(id, dp, cp, dpe, cpe)
        WHERE a.id = d.id RETURNING 1)
     SELECT count(*)::int AS n FROM u`,
    [arrayLiteral(d.ids), arrayLiteral(d.dp), arrayLiteral(d.cp), arrayLiteral(d.dpe), arrayLiteral(d.cpe)],
  );
  return r.n;
}

// --- transfers ---

export async function transfersByClientIds(sql: Sql, clientIds: string[]): Promise<StoredTransfer[]> {
  if (clientIds.length === 0) return [];
  const rows = await sql.query<TransferRow>(`SELECT ${TRANSFER_COLS} FROM ledger_transfers WHERE client_id = ANY($1::text[])`, [arrayLiteral(clientIds)]);
  return rows.map(toTransfer);
}

export async function transfersByIds(sql: Sql, ids: string[]): Promise<StoredTransfer[]> {
  if (ids.length === 0) return [];
  const rows = await sql.query<TransferRow>(`SELECT ${TRANSFER_COLS} FROM ledger_transfers WHERE id = ANY($1::text[])`, [ids]);
  return rows.map(toTransfer);
}

export async function getTransfer(sql: Sql, idOrClientId: string): Promise<StoredTransfer | null> {
  const rows = await sql.query<TransferRow>(
    `SELECT ${TRANSFER_COLS} FROM ledger_transfers WHERE id = $1 UNION ALL SELECT ${TRANSFER_COLS} FROM ledger_transfers WHERE client_id = $1 LIMIT 1`,
    [idOrClientId],
  );
  return rows[0] ? toTransfer(rows[0]) : null;
}

/** Transfers of one linked group, in the order they were written. */
export async function transfersOfLink(sql: Sql, linkId: string): Promise<StoredTransfer[]> {
  const rows = await sql.query<TransferRow>(`SELECT ${TRANSFER_COLS} FROM ledger_transfers WHERE link_id = $1 ORDER BY id`, [linkId]);
  return rows.map(toTransfer);
}

/**
 * A PostgreSQL array literal, built directly: pg's generic array serialization (a regex escape per element)
 * was a tenth of the batch path's Node CPU. Every element is quoted (so that a value 'NULL' stays a string);
 * only free text needs escaping.
 */
function arrayLiteral(values: ReadonlyArray<string | number | null>, free = false): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i) out += ',';
    if (v === null) out += 'NULL';
    else if (typeof v === 'number') out += v;
    else out += '"' + (free || /["\\]/.test(v) ? v.replace(/[\\"]/g, '\\$&') : v) + '"';
  }
  return out + '}';
}

/** Writes a batch of transfers with one statement. */
export async function insertTransfers(trx: Sql, ts: StoredTransfer[]): Promise<void> {
  if (ts.length === 0) return;
  const n = ts.length;
  const c = {
    id: new Array<string>(n), client: new Array<string>(n), type: new Array<string>(n), debit: new Array<string>(n), credit: new Array<string>(n),
    amount: new Array<number>(n), currency: new Array<string>(n), kind: new Array<string>(n), description: new Array<string>(n),
    metadata: new Array<string | null>(n), pending: new Array<string | null>(n), timeout: new Array<number | null>(n), expires: new Array<string | null>(n),
    link: new Array<string | null>(n), linkSize: new Array<number>(n), created: new Array<string>(n),
  };
  let lastAt: Date | null = null;
  let lastIso = '';
  for (let i = 0; i < n; i++) {
    const t = ts[i];
    c.id[i] = t.id; c.client[i] = t.clientId; c.type[i] = t.type; c.debit[i] = t.debitAccountId; c.credit[i] = t.creditAccountId; c.amount[i] = t.amount;
    c.currency[i] = t.currency; c.kind[i] = t.kind; c.description[i] = t.description; c.metadata[i] = t.metadata == null ? null : JSON.stringify(t.metadata);
    c.pending[i] = t.pendingId; c.timeout[i] = t.timeoutSeconds; c.expires[i] = t.expiresAt ? t.expiresAt.toISOString() : null; c.link[i] = t.linkId;
    c.linkSize[i] = t.linkSize;
    if (t.createdAt !== lastAt) { lastAt = t.createdAt; lastIso = t.createdAt.toISOString(); } // a batch shares one timestamp
    c.created[i] = lastIso;
  }
  await trx.query(
    `INSERT INTO ledger_transfers (id, client_id, type, debit_account_id, credit_account_id, amount, currency, kind, description, metadata, pending_id, timeout_seconds, expires_at, link_id, link_size, created_at)
     SELECT id, client_id, type, debit_account_id, credit_account_id, amount, currency, kind, description, metadata::jsonb, pending_id, timeout_seconds, expires_at, link_id, link_size, created_at
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::int[], $13::timestamptz[], $14::text[], $15::int[], $16::timestamptz[])
         AS x(id, client_id, type, debit_account_id, credit_account_id, amount, currency, kind, description, metadata, pending_id, timeout_seconds, expires_at, link_id, link_size, created_at)`,
    [
      arrayLiteral(c.id), arrayLiteral(c.client), arrayLiteral(c.type), arrayLiteral(c.debit), arrayLiteral(c.credit), arrayLiteral(c.amount), arrayLiteral(c.currency),
      arrayLiteral(c.kind), arrayLiteral(c.description, true), arrayLiteral(c.metadata, true), arrayLiteral(c.pending), arrayLiteral(c.timeout), arrayLiteral(c.expires),
      arrayLiteral(c.link), arrayLiteral(c.linkSize), arrayLiteral(c.created),
    ],
  );
}

export async function listTransfers(sql: Sql, accountId: string, q: TransferQuery & { limit: number; cursorAt?: Date; cursorId?: string }): Promise<AccountTransfer[]> {
  const asc = q.order === 'asc';
  const cmp = asc ? '>' : '<';
  const dir = asc ? 'ASC' : 'DESC';
  // One ordered index scan per side, merged: each side reads at most `limit` rows.
  const side = (col: string) => `(SELECT ${TRANSFER_COLS} FROM ledger_transfers t WHERE t.${col} = $1
      AND ($2::timestamptz IS NULL OR t.created_at >= $2) AND ($3::timestamptz IS NULL OR t.created_at < $3)
      AND ($4::text[] IS NULL OR t.kind = ANY($4)) AND ($5::text[] IS NULL OR t.type = ANY($5))
      AND ($6::bigint IS NULL OR t.amount >= $6) AND ($7::bigint IS NULL OR t.amount <= $7)
      AND ($8::timestamptz IS NULL OR (t.created_at, t.id) ${cmp} ($8::timestamptz, $9::text))
      ORDER BY t.created_at ${dir}, t.id ${dir} LIMIT $10)`;
  const rows = await sql.query<TransferRow>(
    `SELECT * FROM (${side('debit_account_id')} UNION ALL ${side('credit_account_id')}) x ORDER BY created_at ${dir}, id ${dir} LIMIT $10`,
    [accountId, q.from ?? null, q.to ?? null, q.kinds?.length ? q.kinds : null, q.types?.length ? q.types : null, q.minAmount ?? null, q.maxAmount ?? null,
      q.cursorAt ?? null, q.cursorId ?? null, q.limit],
  );
  return rows.map((r) => ({ ...stripLink(toTransfer(r)), direction: r.debit_account_id === accountId ? 'debit' : 'credit' }));
}

export function stripLink(t: StoredTransfer): Transfer {
  const { linkSize: _ignored, ...rest } = t;
  return rest;
}

// --- holds ---

export interface HoldRow { transferId: string; state: HoldState; expiresAt: Date; resolvedBy: string | null; resolvedAt: Date | null }

export async function holdsByIds(sql: Sql, ids: string[]): Promise<HoldRow[]> {
  if (ids.length === 0) return [];
  const rows = await sql.query<{ transfer_id: string; state: HoldState; expires_at: Date; resolved_by: string | null; resolved_at: Date | null }>(
    `SELECT transfer_id, state, expires_at, resolved_by, resolved_at FROM ledger_holds WHERE transfer_id = ANY($1::text[])`,
    [ids],
  );
  return rows.map((r) => ({ transferId: r.transfer_id, state: r.state, expiresAt: new Date(r.expires_at), resolvedBy: r.resolved_by, resolvedAt: r.resolved_at }));
}

export async function insertHolds(trx: Sql, hs: Array<{ id: string; expiresAt: Date }>): Promise<void> {
  if (hs.length === 0) return;
  await trx.query(
    `INSERT INTO ledger_holds (transfer_id, expires_at) SELECT * FROM unnest($1::text[], $2::timestamptz[])`,
    [hs.map((h) => h.id), hs.map((h) => h.expiresAt.toISOString())],
  );
}

/** Resolves open holds; returns how many were still open (the caller checks it resolved all of them). */
export async function resolveHolds(trx: Sql, rs: Array<{ id: string; state: HoldState; by: string }>): Promise<number> {
  if (rs.length === 0) return 0;
  const rows = await trx.query<{ transfer_id: string }>(
    `UPDATE ledger_holds h SET state = r.state, resolved_by = r.by, resolved_at = now()
       FROM unnest($1::text[], $2::text[], $3::text[]) AS r(id, state, by)
      WHERE h.transfer_id = r.id AND h.state = 'pending' RETURNING h.transfer_id`,
    [rs.map((r) => r.id), rs.map((r) => r.state), rs.map((r) => r.by)],
  );
  return rows.length;
}

export async function dueHolds(sql: Sql, now: Date, limit: number): Promise<string[]> {
  const rows = await sql.query<{ transfer_id: string }>(
    `SELECT transfer_id FROM ledger_holds WHERE state = 'pending' AND expires_at <= $1 ORDER BY expires_at, transfer_id LIMIT $2`,
    [now, limit],
  );
  return rows.map((r) => r.transfer_id);
}

// --- notifications ---

export async function notify(trx: Sql, channel: string, payloads: string[]): Promise<void> {
  if (payloads.length === 0) return;
  await trx.query(`SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p`, [channel, payloads]);
}

// --- checks ---

export async function trialBalance(sql: Sql): Promise<Array<{ currency: string; d: string; c: string; dpe: string; cpe: string; accounts: number }>> {
  return sql.query(
    `SELECT currency, sum(debits_posted)::text AS d, sum(credits_posted)::text AS c, sum(debits_pending)::text AS dpe, sum(credits_pending)::text AS cpe,
            count(*)::int AS accounts
       FROM ledger_accounts GROUP BY currency ORDER BY currency`,
  );
}

/**
 * Recomputes every account's four balances from the transfers (the journal) and returns the accounts whose
 * stored balances differ. A full scan: for audits and tests, not for request paths.
 */
export async function reconcile(sql: Sql): Promise<Array<{ id: string; stored: number[]; journal: number[] }>> {
  const rows = await sql.query<{ id: string; dp: string; cp: string; dpe: string; cpe: string; jdp: string; jcp: string; jdpe: string; jcpe: string }>(
    `WITH e AS (
       SELECT t.debit_account_id AS id, CASE WHEN t.type IN ('posted','post_pending') THEN t.amount ELSE 0 END AS dp, 0::bigint AS cp,
              CASE WHEN t.type = 'pending' THEN t.amount WHEN t.type IN ('post_pending','void_pending','expire_pending') THEN -p.amount ELSE 0 END AS dpe, 0::bigint AS cpe
         FROM ledger_transfers t LEFT JOIN ledger_transfers p ON p.id = t.pending_id
       UNION ALL
       SELECT t.credit_account_id, 0, CASE WHEN t.type IN ('posted','post_pending') THEN t.amount ELSE 0 END,
              0, CASE WHEN t.type = 'pending' THEN t.amount WHEN t.type IN ('post_pending','void_pending','expire_pending') THEN -p.amount ELSE 0 END
         FROM ledger_transfers t LEFT JOIN ledger_transfers p ON p.id = t.pending_id
     ), j AS (SELECT id, sum(dp) AS dp, sum(cp) AS cp, sum(dpe) AS dpe, sum(cpe) AS cpe FROM e GROUP BY id)
     SELECT a.id, a.debits_posted::text AS dp, a.credits_posted::text AS cp, a.debits_pending::text AS dpe, a.credits_pending::text AS cpe,
            COALESCE(j.dp, 0)::text AS jdp, COALESCE(j.cp, 0)::text AS jcp, COALESCE(j.dpe, 0)::text AS jdpe, COALESCE(j.cpe, 0)::text AS jcpe
       FROM ledger_accounts a LEFT JOIN j ON j.id = a.id
      WHERE a.debits_posted <> COALESCE(j.dp, 0) OR a.credits_posted <> COALESCE(j.cp, 0)
         OR a.debits_pending <> COALESCE(j.dpe, 0) OR a.credits_pending <> COALESCE(j.cpe, 0)`,
  );
  return rows.map((r) => ({ id: r.id, stored: [r.dp, r.cp, r.dpe, r.cpe].map(Number), journal: [r.jdp, r.jcp, r.jdpe, r.jcpe].map(Number) }));
}
