import type { Sql } from '../../platform/db/db.ts';
import type { ChallengePurpose, Method } from './customers.schema.ts';

/** SQL of customer sessions and second-factor challenges. Row types stay here. */

// ---------- sessions ----------
export interface SessionRecord {
  id: string; customerId: string; ip: string | null; userAgent: string | null; createdAt: Date; lastSeenAt: Date; expiresAt: Date;
  stepUpAt: Date | null; endedAt: Date | null; endReason: string | null;
}
interface RawSession {
  id: string; customer_id: string; ip: string | null; user_agent: string | null; created_at: Date; last_seen_at: Date; expires_at: Date;
  step_up_at: Date | null; ended_at: Date | null; end_reason: string | null;
}
const toSession = (r: RawSession): SessionRecord => ({
  id: r.id, customerId: r.customer_id, ip: r.ip, userAgent: r.user_agent, createdAt: r.created_at, lastSeenAt: r.last_seen_at, expiresAt: r.expires_at,
  stepUpAt: r.step_up_at, endedAt: r.ended_at, endReason: r.end_reason,
});
const SESSION_COLS = 'id, customer_id, ip, user_agent, created_at, last_seen_at, expires_at, step_up_at, ended_at, end_reason';

export async function insertSession(sql: Sql, s: { id: string; customerId: string; tokenHash: string; ip: string | null; userAgent: string | null; now: Date; expiresAt: Date }): Promise<void> {
  await sql.query(
    `INSERT INTO customer_sessions (id, customer_id, token_hash, ip, user_agent, created_at, last_seen_at, expires_at, step_up_at)
     VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $6)`,
    [s.id, s.customerId, s.tokenHash, s.ip, s.userAgent, s.now, s.expiresAt],
  );
}

export async function sessionByTokenHash(sql: Sql, tokenHash: string): Promise<(SessionRecord & { customerStatus: string }) | null> {
  const rows = await sql.query<RawSession & { customer_status: string }>(
    `SELECT s.id, s.customer_id, s.ip, s.user_agent, s.created_at, s.last_seen_at, s.expires_at, s.step_up_at, s.ended_at, s.end_reason, c.status AS customer_status
       FROM customer_sessions s JOIN customers c ON c.id = s.customer_id WHERE s.token_hash = $1`, [tokenHash]);
  return rows[0] ? { ...toSession(rows[0]), customerStatus: rows[0].customer_status } : null;
}

export async function getSession(sql: Sql, id: string): Promise<SessionRecord | null> {
  const rows = await sql.query<RawSession>(`SELECT ${SESSION_COLS} FROM customer_sessions WHERE id = $1`, [id]);
  return rows[0] ? toSession(rows[0]) : null;
}

/** Updates last seen at most once per `minGapMs` (not a write per request). */
export async function touchSession(sql: Sql, id: string, now: Date, minGapMs: number): Promise<void> {
  await sql.query(`UPDATE customer_sessions SET last_seen_at = $2 WHERE id = $1 AND last_seen_at < $3 AND ended_at IS NULL`, [id, now, new Date(now.getTime() - minGapMs)]);
}

export async function activeSessions(sql: Sql, customerId: string, now: Date): Promise<SessionRecord[]> {
  const rows = await sql.query<RawSession>(
    `SELECT ${SESSION_COLS} FROM customer_sessions WHERE customer_id = $1 AND ended_at IS NULL AND expires_at > $2 ORDER BY created_at DESC, id DESC LIMIT 200`,
    [customerId, now]);
  return rows.map(toSession);
}

export async function countActiveSessions(sql: Sql, customerId: string, now: Date): Promise<number> {
  const rows = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM customer_sessions WHERE customer_id = $1 AND ended_at IS NULL AND expires_at > $2`, [customerId, now]);
  return rows[0].n;
}

export async function endSession(sql: Sql, customerId: string, id: string, reason: string, now: Date): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE customer_sessions SET ended_at = $4, end_reason = $3 WHERE id = $1 AND customer_id = $2 AND ended_at IS NULL RETURNING id`,
    [id, customerId, reason, now]);
  return rows.length > 0;
}

/** Ends every open session of the customer except `keep` (null: all of them); returns how many. */
export async function endSessions(sql: Sql, customerId: string, keep: string | null, reason: string, now: Date): Promise<number> {
  const rows = await sql.query(
    `UPDATE customer_sessions SET ended_at = $4, end_reason = $3 WHERE customer_id = $1 AND ended_at IS NULL AND ($2::text IS NULL OR id <> $2) RETURNING id`,
    [customerId, keep, reason, now]);
  return rows.length;
}

export async function setStepUp(sql: Sql, sessionId: string, now: Date): Promise<boolean> {
  return (await sql.query(`UPDATE customer_sessions SET step_up_at = $2 WHERE id = $1 AND ended_at IS NULL RETURNING id`, [sessionId, now])).length > 0;
}

// ---------- challenges ----------
export interface ChallengeRecord {
  id: string; customerId: string; purpose: ChallengePurpose; sessionId: string | null; methods: Method[]; codeHash: string | null; codeExpiresAt: Date | null;
  smsSent: number; lastSmsAt: Date | null; webauthnChallenge: string | null; newPhoneEnc: string | null; newPhoneBidx: string | null;
  attempts: number; ip: string | null; createdAt: Date; expiresAt: Date; completedAt: Date | null; completedMethod: string | null;
}
interface RawChallenge {
  id: string; customer_id: string; purpose: ChallengePurpose; session_id: string | null; methods: Method[]; code_hash: string | null; code_expires_at: Date | null;
  sms_sent: number; last_sms_at: Date | null; webauthn_challenge: string | null; new_phone_enc: string | null; new_phone_bidx: string | null;
  attempts: number; ip: string | null; created_at: Date; expires_at: Date; completed_at: Date | null; completed_method: string | null;
}
const toChallenge = (r: RawChallenge): ChallengeRecord => ({
  id: r.id, customerId: r.customer_id, purpose: r.purpose, sessionId: r.session_id, methods: r.methods ?? [], codeHash: r.code_hash, codeExpiresAt: r.code_expires_at,
  smsSent: r.sms_sent, lastSmsAt: r.last_sms_at, webauthnChallenge: r.webauthn_challenge, newPhoneEnc: r.new_phone_enc, newPhoneBidx: r.new_phone_bidx,
  attempts: r.attempts, ip: r.ip, createdAt: r.created_at, expiresAt: r.expires_at, completedAt: r.completed_at, completedMethod: r.completed_method,
});

export async function insertChallenge(sql: Sql, c: {
  id: string; customerId: string; purpose: ChallengePurpose; sessionId: string | null; methods: Method[]; ip: string | null; now: Date; expiresAt: Date;
  webauthnChallenge?: string | null; newPhoneEnc?: string | null; newPhoneBidx?: string | null;
}): Promise<void> {
  await sql.query(
    `INSERT INTO customer_challenges (id, customer_id, purpose, session_id, methods, ip, created_at, expires_at, webauthn_challenge, new_phone_enc, new_phone_bidx)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [c.id, c.customerId, c.purpose, c.sessionId, JSON.stringify(c.methods), c.ip, c.now, c.expiresAt, c.webauthnChallenge ?? null, c.newPhoneEnc ?? null, c.newPhoneBidx ?? null],
  );
}

export async function getChallenge(sql: Sql, id: string): Promise<ChallengeRecord | null> {
  const rows = await sql.query<RawChallenge>(`SELECT * FROM customer_challenges WHERE id = $1`, [id]);
  return rows[0] ? toChallenge(rows[0]) : null;
}

/**
 * Issues a new SMS code on an open challenge (the previous code stops working), at most `maxSends` times and
 * not within `minGapMs` of the last one. Null when refused.
 */
export async function issueSmsCode(sql: Sql, id: string, codeHash: string, now: Date, codeExpiresAt: Date, maxSends: number, minGapMs: number): Promise<ChallengeRecord | null> {
  const rows = await sql.query<RawChallenge>(
    `UPDATE customer_challenges SET code_hash = $2, code_expires_at = $4, sms_sent = sms_sent + 1, last_sms_at = $3
      WHERE id = $1 AND completed_at IS NULL AND expires_at > $3 AND sms_sent < $5 AND (last_sms_at IS NULL OR last_sms_at <= $6)
      RETURNING *`,
    [id, codeHash, now, codeExpiresAt, maxSends, new Date(now.getTime() - minGapMs)]);
  return rows[0] ? toChallenge(rows[0]) : null;
}

export async function setWebauthnChallenge(sql: Sql, id: string, challenge: string, now: Date): Promise<boolean> {
  return (await sql.query(`UPDATE customer_challenges SET webauthn_challenge = $2 WHERE id = $1 AND completed_at IS NULL AND expires_at > $3 RETURNING id`, [id, challenge, now])).length > 0;
}

/**
 * Takes one verification attempt, atomically: at most `max` attempts ever succeed, however many requests race
 * (the row lock serializes them; the WHERE re-checks the count). Null: no attempt left, expired or completed.
 */
export async function takeAttempt(sql: Sql, id: string, now: Date, max: number): Promise<ChallengeRecord | null> {
  const rows = await sql.query<RawChallenge>(
    `UPDATE customer_challenges SET attempts = attempts + 1
      WHERE id = $1 AND attempts < $3 AND completed_at IS NULL AND expires_at > $2 RETURNING *`, [id, now, max]);
  return rows[0] ? toChallenge(rows[0]) : null;
}

/** Completes the challenge once: true only for the caller that completed it. */
export async function completeChallenge(sql: Sql, id: string, method: Method, now: Date): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE customer_challenges SET completed_at = $3, completed_method = $2, code_hash = NULL, webauthn_challenge = NULL
      WHERE id = $1 AND completed_at IS NULL AND expires_at > $3 RETURNING id`, [id, method, now]);
  return rows.length > 0;
}
