import type { Sql } from '../../platform/db/db.ts';

/** All SQL of the demo platform. Row types stay here; callers get the camelCase shapes below. */
export interface DemoUser {
  userId: string;
  displayName: string;
  coins: number;
}

export interface DemoTransfer {
  transferId: string;
  fromUserId: string;
  toUserId: string;
  toDisplayName: string;
  coins: number;
  note: string;
  createdAt: string;
}

interface UserRow {
  user_id: string;
  display_name: string;
  coins: number | string;
}

interface TransferRow {
  id: string;
  from_user_id: string;
  to_user_id: string;
  to_display_name: string;
  coins: number | string;
  note: string;
  idempotency_key: string | null;
  created_at: Date | string;
}

const toUser = (r: UserRow): DemoUser => ({ userId: r.user_id, displayName: r.display_name, coins: Number(r.coins) });

const toTransfer = (r: TransferRow): DemoTransfer => ({
  transferId: r.id,
  fromUserId: r.from_user_id,
  toUserId: r.to_user_id,
  toDisplayName: r.to_display_name,
  coins: Number(r.coins),
  note: r.note,
  createdAt: new Date(r.created_at).toISOString(),
});

const TRANSFER_COLS = `t.id, t.from_user_id, t.to_user_id, u.display_name AS to_display_name, t.coins, t.note, t.idempotency_key, t.created_at`;

/** Escapes LIKE wildcards so user input matches literally. */
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function findUser(sql: Sql, userId: string): Promise<DemoUser | undefined> {
  const rows = await sql.query<UserRow>(`SELECT user_id, display_name, coins FROM demo_platform_users WHERE user_id = $1`, [userId]);
  return rows[0] && toUser(rows[0]);
}

/** Users whose id starts with q or whose display name contains q (case-insensitive), at most `limit`. */
export async function searchUsers(sql: Sql, q: string, limit: number): Promise<DemoUser[]> {
  const pattern = likeEscape(q.toLowerCase());
  const rows = await sql.query<UserRow>(
    `SELECT user_id, display_name, coins FROM demo_platform_users
      WHERE NOT is_seller AND (user_id LIKE $1 || '%' OR lower(display_name) LIKE '%' || $1 || '%')
      ORDER BY (user_id = $2) DESC, user_id
      LIMIT $3`,
    [pattern, q.toLowerCase(), limit],
  );
  return rows.map(toUser);
}

export async function findPasswordHash(sql: Sql, userId: string): Promise<string | undefined> {
  const rows = await sql.query<{ password_hash: string | null }>(`SELECT password_hash FROM demo_platform_users WHERE user_id = $1`, [userId]);
  return rows[0]?.password_hash ?? undefined;
}

export async function upsertUser(sql: Sql, u: { userId: string; displayName: string; coins: number; isSeller?: boolean; passwordHash?: string }): Promise<void> {
  // Existing accounts keep their balance (seeding is idempotent); only the seller's password follows the config.
  await sql.query(
    `INSERT INTO demo_platform_users (user_id, display_name, coins, is_seller, password_hash)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (user_id) DO UPDATE SET password_hash = COALESCE(EXCLUDED.password_hash, demo_platform_users.password_hash)`,
    [u.userId, u.displayName, u.coins, u.isSeller ?? false, u.passwordHash ?? null],
  );
}

/** Atomic debit: succeeds only when the balance covers the amount. Returns the new balance, or undefined. */
export async function debit(sql: Sql, userId: string, coins: number): Promise<number | undefined> {
  const rows = await sql.query<{ coins: number | string }>(
    `UPDATE demo_platform_users SET coins = coins - $2 WHERE user_id = $1 AND coins >= $2 RETURNING coins`,
    [userId, coins],
  );
  return rows[0] ? Number(rows[0].coins) : undefined;
}

export async function credit(sql: Sql, userId: string, coins: number): Promise<boolean> {
  const rows = await sql.query(`UPDATE demo_platform_users SET coins = coins + $2 WHERE user_id = $1 RETURNING 1`, [userId, coins]);
  return rows.length === 1;
}

/**
 * Inserts the transfer unless its idempotency key exists. Returns false on a duplicate key: a concurrent
 * insert with the same key waits for the other transaction and then reports the conflict.
 */
export async function insertTransfer(
  sql: Sql,
  t: { id: string; fromUserId: string; toUserId: string; coins: number; note: string; idempotencyKey: string | null },
): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO demo_platform_transfers (id, from_user_id, to_user_id, coins, note, idempotency_key)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (idempotency_key) DO NOTHING RETURNING 1`,
    [t.id, t.fromUserId, t.toUserId, t.coins, t.note, t.idempotencyKey],
  );
  return rows.length === 1;
}

export async function findTransfer(sql: Sql, fromUserId: string, transferId: string): Promise<DemoTransfer | undefined> {
  const rows = await sql.query<TransferRow>(
    `SELECT ${TRANSFER_COLS} FROM demo_platform_transfers t JOIN demo_platform_users u ON u.user_id = t.to_user_id
      WHERE t.id = $1 AND t.from_user_id = $2`,
    [transferId, fromUserId],
  );
  return rows[0] && toTransfer(rows[0]);
}

export async function findTransferByKey(sql: Sql, idempotencyKey: string): Promise<DemoTransfer | undefined> {
  const rows = await sql.query<TransferRow>(
    `SELECT ${TRANSFER_COLS} FROM demo_platform_transfers t JOIN demo_platform_users u ON u.user_id = t.to_user_id
      WHERE t.idempotency_key = $1`,
    [idempotencyKey],
  );
  return rows[0] && toTransfer(rows[0]);
}

/** A sender's transfers, newest first; `noteContains` filters by substring, `noteEquals` by exact note. */
export async function listTransfers(
  sql: Sql,
  fromUserId: string,
  filter: { noteContains?: string; noteEquals?: string; limit: number },
): Promise<DemoTransfer[]> {
  const params: unknown[] = [fromUserId];
  let where = `t.from_user_id = $1`;
  if (filter.noteEquals !== undefined) {
    params.push(filter.noteEquals);
    where += ` AND t.note = $${params.length}`;
  }
  if (filter.noteContains) {
    params.push(likeEscape(filter.noteContains.toLowerCase()));
    where += ` AND lower(t.note) LIKE '%' || $${params.length} || '%'`;
  }
  params.push(filter.limit);
  const rows = await sql.query<TransferRow>(
    `SELECT ${TRANSFER_COLS} FROM demo_platform_transfers t JOIN demo_platform_users u ON u.user_id = t.to_user_id
      WHERE ${where} ORDER BY t.created_at DESC, t.id DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map(toTransfer);
}

export async function insertSession(sql: Sql, tokenHash: string, userId: string, ttlSeconds: number): Promise<void> {
  await sql.query(`DELETE FROM demo_platform_sessions WHERE expires_at < now()`);
  await sql.query(
    `INSERT INTO demo_platform_sessions (token_hash, user_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))`,
    [tokenHash, userId, ttlSeconds],
  );
}

export async function findSessionUser(sql: Sql, tokenHash: string): Promise<DemoUser | undefined> {
  const rows = await sql.query<UserRow>(
    `SELECT u.user_id, u.display_name, u.coins FROM demo_platform_sessions s JOIN demo_platform_users u ON u.user_id = s.user_id
      WHERE s.token_hash = $1 AND s.expires_at > now()`,
    [tokenHash],
  );
  return rows[0] && toUser(rows[0]);
}

export async function deleteSession(sql: Sql, tokenHash: string): Promise<void> {
  await sql.query(`DELETE FROM demo_platform_sessions WHERE token_hash = $1`, [tokenHash]);
}
