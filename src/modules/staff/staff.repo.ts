import type { Sql } from '../../platform/db/db.ts';
import type { Role } from './staff.permissions.ts';

export interface StaffUser { id: string; email: string; name: string; role: Role; active: boolean; createdAt: Date; lastLoginAt: Date | null }
interface StaffRow { id: string; email: string; name: string; role: Role; active: boolean; created_at: Date; last_login_at: Date | null; password_hash: string }

const toStaff = (r: StaffRow): StaffUser => ({ id: r.id, email: r.email, name: r.name, role: r.role, active: r.active, createdAt: r.created_at, lastLoginAt: r.last_login_at });

export async function insertStaff(sql: Sql, s: { id: string; email: string; name: string; role: Role; passwordHash: string }): Promise<void> {
  await sql.query(`INSERT INTO staff_users (id, email, name, role, password_hash) VALUES ($1, $2, $3, $4, $5)`, [s.id, s.email, s.name, s.role, s.passwordHash]);
}

export async function findStaffByEmail(sql: Sql, email: string): Promise<(StaffUser & { passwordHash: string }) | null> {
  const rows = await sql.query<StaffRow>(`SELECT * FROM staff_users WHERE email = $1`, [email]);
  return rows[0] ? { ...toStaff(rows[0]), passwordHash: rows[0].password_hash } : null;
}

export async function getStaff(sql: Sql, id: string, forUpdate = false): Promise<StaffUser | null> {
  const rows = await sql.query<StaffRow>(`SELECT * FROM staff_users WHERE id = $1 ${forUpdate ? 'FOR UPDATE' : ''}`, [id]);
  return rows[0] ? toStaff(rows[0]) : null;
}

export async function listStaff(sql: Sql): Promise<StaffUser[]> {
  return (await sql.query<StaffRow>(`SELECT * FROM staff_users ORDER BY created_at`)).map(toStaff);
}

export async function countStaff(sql: Sql): Promise<number> {
  return (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM staff_users`))[0].n;
}

export async function updateStaff(sql: Sql, id: string, patch: { role?: Role; active?: boolean }): Promise<void> {
  await sql.query(`UPDATE staff_users SET role = COALESCE($2, role), active = COALESCE($3, active) WHERE id = $1`, [id, patch.role ?? null, patch.active ?? null]);
}

export async function touchLogin(sql: Sql, id: string): Promise<void> {
  await sql.query(`UPDATE staff_users SET last_login_at = now() WHERE id = $1`, [id]);
}

export async function insertSession(sql: Sql, s: { id: string; staffId: string; tokenHash: string; expiresAt: Date; ip: string | null }): Promise<void> {
  await sql.query(`INSERT INTO staff_sessions (id, staff_id, token_hash, expires_at, ip) VALUES ($1, $2, $3, $4, $5)`, [s.id, s.staffId, s.tokenHash, s.expiresAt, s.ip]);
}

export async function findSessionStaff(sql: Sql, tokenHash: string): Promise<{ sessionId: string; staff: StaffUser } | null> {
  const rows = await sql.query<StaffRow & { session_id: string }>(
    `SELECT u.*, s.id AS session_id FROM staff_sessions s JOIN staff_users u ON u.id = s.staff_id
      WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.active`,
    [tokenHash],
  );
  return rows[0] ? { sessionId: rows[0].session_id, staff: toStaff(rows[0]) } : null;
}

export async function revokeSession(sql: Sql, sessionId: string): Promise<void> {
  await sql.query(`UPDATE staff_sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, [sessionId]);
}

export async function revokeAllSessions(sql: Sql, staffId: string): Promise<void> {
  await sql.query(`UPDATE staff_sessions SET revoked_at = now() WHERE staff_id = $1 AND revoked_at IS NULL`, [staffId]);
}

// --- audit log (append-only; the table refuses updates and deletes) ---
export interface AuditEntry { id: string; actor: string; action: string; subjectId: string | null; details: Record<string, unknown>; ip: string | null; at: Date }

export async function insertAudit(sql: Sql, e: { id: string; actor: string; action: string; subjectId?: string | null; details?: Record<string, unknown>; ip?: string | null }): Promise<void> {
  await sql.query(`INSERT INTO audit_log (id, actor, action, subject_id, details, ip) VALUES ($1, $2, $3, $4, $5, $6)`, [e.id, e.actor, e.action, e.subjectId ?? null, JSON.stringify(e.details ?? {}), e.ip ?? null]);
}

export async function listAudit(sql: Sql, opts: { before?: string; limit: number; subjectId?: string }): Promise<AuditEntry[]> {
  const rows = await sql.query<{ id: string; actor: string; action: string; subject_id: string | null; details: Record<string, unknown>; ip: string | null; at: Date }>(
    `SELECT * FROM audit_log WHERE ($1::text IS NULL OR id < $1) AND ($2::text IS NULL OR subject_id = $2) ORDER BY id DESC LIMIT $3`,
    [opts.before ?? null, opts.subjectId ?? null, opts.limit],
  );
  return rows.map((r) => ({ id: r.id, actor: r.actor, action: r.action, subjectId: r.subject_id, details: r.details, ip: r.ip, at: r.at }));
}

// --- agents (fulfilment workers outside Tollgate) ---
export interface Agent { id: string; name: string; queues: string[]; active: boolean; createdAt: Date; lastSeenAt: Date | null }
interface AgentRow { id: string; name: string; queues: string[]; active: boolean; created_at: Date; last_seen_at: Date | null }
const toAgent = (r: AgentRow): Agent => ({ id: r.id, name: r.name, queues: r.queues, active: r.active, createdAt: r.created_at, lastSeenAt: r.last_seen_at });

export async function insertAgent(sql: Sql, a: { id: string; name: string; tokenHash: string; queues: string[] }): Promise<void> {
  await sql.query(`INSERT INTO agents (id, name, token_hash, queues) VALUES ($1, $2, $3, $4)`, [a.id, a.name, a.tokenHash, a.queues]);
}
export async function findAgentByToken(sql: Sql, tokenHash: string): Promise<Agent | null> {
  const rows = await sql.query<AgentRow>(`UPDATE agents SET last_seen_at = now() WHERE token_hash = $1 AND active RETURNING *`, [tokenHash]);
  return rows[0] ? toAgent(rows[0]) : null;
}
export async function listAgents(sql: Sql): Promise<Agent[]> {
  return (await sql.query<AgentRow>(`SELECT * FROM agents ORDER BY created_at`)).map(toAgent);
}
export async function setAgentActive(sql: Sql, id: string, active: boolean): Promise<boolean> {
  return (await sql.query(`UPDATE agents SET active = $2 WHERE id = $1 RETURNING id`, [id, active])).length === 1;
}
