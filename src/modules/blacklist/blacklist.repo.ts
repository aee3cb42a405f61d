import type { Sql } from '../../platform/db/db.ts';

export type BlacklistKind = 'platform_user' | 'email' | 'ip' | 'phone';
export interface BlacklistEntry { id: string; kind: BlacklistKind; value: string; reason: string; expiresAt: Date | null; createdBy: string; createdAt: Date }
interface Row { id: string; kind: BlacklistKind; value: string; reason: string; expires_at: Date | null; created_by: string; created_at: Date }
const toEntry = (r: Row): BlacklistEntry => ({ id: r.id, kind: r.kind, value: r.value, reason: r.reason, expiresAt: r.expires_at, createdBy: r.created_by, createdAt: r.created_at });

export async function insert(sql: Sql, e: Omit<BlacklistEntry, 'createdAt'>): Promise<void> {
  await sql.query(`INSERT INTO blacklist (id, kind, value, reason, expires_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)`, [e.id, e.kind, e.value, e.reason, e.expiresAt, e.createdBy]);
}

export async function listActive(sql: Sql): Promise<BlacklistEntry[]> {
  return (await sql.query<Row>(`SELECT * FROM blacklist WHERE removed_at IS NULL AND (expires_at IS NULL OR expires_at > now()) ORDER BY created_at DESC`)).map(toEntry);
}

export async function remove(sql: Sql, id: string, by: string): Promise<BlacklistEntry | null> {
  const rows = await sql.query<Row>(`UPDATE blacklist SET removed_at = now(), removed_by = $2 WHERE id = $1 AND removed_at IS NULL RETURNING *`, [id, by]);
  return rows[0] ? toEntry(rows[0]) : null;
}

export async function findMatch(sql: Sql, pairs: Array<{ kind: BlacklistKind; value: string }>): Promise<BlacklistEntry | null> {
  if (pairs.length === 0) return null;
  const rows = await sql.query<Row>(
    `SELECT b.* FROM blacklist b JOIN unnest($1::text[], $2::text[]) AS q(kind, value) ON b.kind = q.kind AND b.value = q.value
      WHERE b.removed_at IS NULL AND (b.expires_at IS NULL OR b.expires_at > now()) LIMIT 1`,
    [pairs.map((p) => p.kind), pairs.map((p) => p.value)],
  );
  return rows[0] ? toEntry(rows[0]) : null;
}
