import type { Sql } from '../../platform/db/db.ts';
import { newId } from '../../platform/ids.ts';
import type { CustomerStatus } from './customers.schema.ts';

/** SQL of customers, their status history, failure counters, passkeys and recovery codes. Row types stay here. */

export interface CustomerRecord {
  id: string; emailBidx: string; emailEnc: string; phoneBidx: string; phoneEnc: string; phoneVerifiedAt: Date | null;
  nameEnc: string | null; addressEnc: string | null; documentEnc: string | null; passwordHash: string; status: CustomerStatus;
  externalRef: string | null; totpSecretEnc: string | null; totpConfirmedAt: Date | null; totpLastStep: number | null;
  totpPendingEnc: string | null; totpPendingAttempts: number; passkeys: number; recoveryLeft: number; createdAt: Date; updatedAt: Date;
}

interface RawCustomer {
  id: string; email_bidx: string; email_enc: string; phone_bidx: string; phone_enc: string; phone_verified_at: Date | null;
  name_enc: string | null; address_enc: string | null; document_enc: string | null; password_hash: string; status: CustomerStatus;
  external_ref: string | null; totp_secret_enc: string | null; totp_confirmed_at: Date | null; totp_last_step: number | string | null;
  totp_pending_enc: string | null; totp_pending_attempts: number; passkeys: number; recovery_left: number; created_at: Date; updated_at: Date;
}

const toCustomer = (r: RawCustomer): CustomerRecord => ({
  id: r.id, emailBidx: r.email_bidx, emailEnc: r.email_enc, phoneBidx: r.phone_bidx, phoneEnc: r.phone_enc, phoneVerifiedAt: r.phone_verified_at,
  nameEnc: r.name_enc, addressEnc: r.address_enc, documentEnc: r.document_enc, passwordHash: r.password_hash, status: r.status,
  externalRef: r.external_ref, totpSecretEnc: r.totp_secret_enc, totpConfirmedAt: r.totp_confirmed_at,
  totpLastStep: r.totp_last_step === null ? null : Number(r.totp_last_step), totpPendingEnc: r.totp_pending_enc,
  totpPendingAttempts: r.totp_pending_attempts, passkeys: r.passkeys, recoveryLeft: r.recovery_left, createdAt: r.created_at, updatedAt: r.updated_at,
});

const SELECT_CUSTOMER = `SELECT c.*,
    (SELECT count(*)::int FROM customer_passkeys p WHERE p.customer_id = c.id) AS passkeys,
    (SELECT count(*)::int FROM customer_recovery_codes r WHERE r.customer_id = c.id AND r.used_at IS NULL) AS recovery_left
  FROM customers c`;

export async function insertCustomer(sql: Sql, c: { id: string; emailBidx: string; emailEnc: string; phoneBidx: string; phoneEnc: string; passwordHash: string; now: Date }): Promise<void> {
  await sql.query(
    `INSERT INTO customers (id, email_bidx, email_enc, phone_bidx, phone_enc, password_hash, password_changed_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $7)`,
    [c.id, c.emailBidx, c.emailEnc, c.phoneBidx, c.phoneEnc, c.passwordHash, c.now],
  );
}

export async function getCustomer(sql: Sql, id: string, forUpdate = false): Promise<CustomerRecord | null> {
  const rows = await sql.query<RawCustomer>(`${SELECT_CUSTOMER} WHERE c.id = $1 ${forUpdate ? 'FOR UPDATE OF c' : ''}`, [id]);
  return rows[0] ? toCustomer(rows[0]) : null;
}

export async function findByBlindIndex(sql: Sql, kind: 'email' | 'phone', bidx: string): Promise<CustomerRecord | null> {
  const rows = await sql.query<RawCustomer>(`${SELECT_CUSTOMER} WHERE c.${kind === 'email' ? 'email_bidx' : 'phone_bidx'} = $1`, [bidx]);
  return rows[0] ? toCustomer(rows[0]) : null;
}

export async function findByExternalRef(sql: Sql, ref: string): Promise<CustomerRecord | null> {
  const rows = await sql.query<RawCustomer>(`${SELECT_CUSTOMER} WHERE c.external_ref = $1`, [ref]);
  return rows[0] ? toCustomer(rows[0]) : null;
}

export async function listCustomers(sql: Sql, limit: number, before?: string): Promise<CustomerRecord[]> {
  const rows = await sql.query<RawCustomer>(`${SELECT_CUSTOMER} WHERE ($2::text IS NULL OR c.id < $2) ORDER BY c.id DESC LIMIT $1`, [limit, before ?? null]);
  return rows.map(toCustomer);
}

export async function markPhoneVerified(sql: Sql, id: string, now: Date): Promise<void> {
  await sql.query(`UPDATE customers SET phone_verified_at = COALESCE(phone_verified_at, $2), updated_at = $2 WHERE id = $1`, [id, now]);
}

export async function updatePassword(sql: Sql, id: string, hash: string, now: Date): Promise<void> {
  await sql.query(`UPDATE customers SET password_hash = $2, password_changed_at = $3, updated_at = $3 WHERE id = $1`, [id, hash, now]);
}

export async function updateEmail(sql: Sql, id: string, bidx: string, enc: string, now: Date): Promise<void> {
  await sql.query(`UPDATE customers SET email_bidx = $2, email_enc = $3, updated_at = $4 WHERE id = $1`, [id, bidx, enc, now]);
}

export async function updatePhone(sql: Sql, id: string, bidx: string, enc: string, now: Date): Promise<void> {
  await sql.query(`UPDATE customers SET phone_bidx = $2, phone_enc = $3, phone_verified_at = $4, updated_at = $4 WHERE id = $1`, [id, bidx, enc, now]);
}

/** Profile fields: undefined leaves a field as it is, null clears it. */
export async function updateProfile(sql: Sql, id: string, p: { nameEnc?: string | null; addressEnc?: string | null; documentEnc?: string | null }, now: Date): Promise<void> {
  await sql.query(
    `UPDATE customers SET
       name_enc = CASE WHEN $2::boolean THEN $3 ELSE name_enc END,
       address_enc = CASE WHEN $4::boolean THEN $5 ELSE address_enc END,
       document_enc = CASE WHEN $6::boolean THEN $7 ELSE document_enc END,
       updated_at = $8
     WHERE id = $1`,
    [id, p.nameEnc !== undefined, p.nameEnc ?? null, p.addressEnc !== undefined, p.addressEnc ?? null, p.documentEnc !== undefined, p.documentEnc ?? null, now],
  );
}

export async function setStatus(sql: Sql, id: string, from: CustomerStatus, to: CustomerStatus, actor: string, reason: string | null, now: Date): Promise<boolean> {
  const rows = await sql.query(`UPDATE customers SET status = $3, updated_at = $4 WHERE id = $1 AND status = $2 RETURNING id`, [id, from, to, now]);
  if (rows.length === 0) return false;
  await sql.query(
    `INSERT INTO customer_status_history (id, customer_id, from_status, to_status, actor, reason, at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [newId('hst'), id, from, to, actor, reason, now],
  );
  return true;
}

export async function insertHistory(sql: Sql, id: string, to: CustomerStatus, actor: string, reason: string | null, now: Date): Promise<void> {
  await sql.query(
    `INSERT INTO customer_status_history (id, customer_id, from_status, to_status, actor, reason, at) VALUES ($1, $2, NULL, $3, $4, $5, $6)`,
    [newId('hst'), id, to, actor, reason, now],
  );
}

export async function statusHistory(sql: Sql, id: string): Promise<Array<{ from: CustomerStatus | null; to: CustomerStatus; actor: string; reason: string | null; at: Date }>> {
  const rows = await sql.query<{ from_status: CustomerStatus | null; to_status: CustomerStatus; actor: string; reason: string | null; at: Date }>(
    `SELECT from_status, to_status, actor, reason, at FROM customer_status_history WHERE customer_id = $1 ORDER BY at, id`, [id]);
  return rows.map((r) => ({ from: r.from_status, to: r.to_status, actor: r.actor, reason: r.reason, at: r.at }));
}

export async function setExternalRef(sql: Sql, id: string, ref: string | null, now: Date): Promise<boolean> {
  return (await sql.query(`UPDATE customers SET external_ref = $2, updated_at = $3 WHERE id = $1 RETURNING id`, [id, ref, now])).length > 0;
}

// ---------- TOTP ----------
export async function setTotpPending(sql: Sql, id: string, secretEnc: string, now: Date): Promise<void> {
  await sql.query(`UPDATE customers SET totp_pending_enc = $2, totp_pending_attempts = 0, updated_at = $3 WHERE id = $1`, [id, secretEnc, now]);
}

/** One attempt at confirming a pending enrolment; false when there is none or its 5 attempts are used. */
export async function takeTotpPendingAttempt(sql: Sql, id: string, max: number): Promise<string | null> {
  const rows = await sql.query<{ totp_pending_enc: string }>(
    `UPDATE customers SET totp_pending_attempts = totp_pending_attempts + 1
      WHERE id = $1 AND totp_pending_enc IS NOT NULL AND totp_pending_attempts < $2 RETURNING totp_pending_enc`, [id, max]);
  return rows[0]?.totp_pending_enc ?? null;
}

/** Moves the pending secret in place (only if it is still the one that was checked). */
export async function confirmTotp(sql: Sql, id: string, pendingEnc: string, step: number, now: Date): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE customers SET totp_secret_enc = totp_pending_enc, totp_confirmed_at = $3, totp_last_step = $4, totp_pending_enc = NULL,
            totp_pending_attempts = 0, updated_at = $3
      WHERE id = $1 AND totp_pending_enc = $2 RETURNING id`, [id, pendingEnc, now, step]);
  return rows.length > 0;
}

/** Single use: accepts the time step only if it is later than the last one accepted. */
export async function useTotpStep(sql: Sql, id: string, step: number): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE customers SET totp_last_step = $2 WHERE id = $1 AND totp_secret_enc IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING id`,
    [id, step]);
  return rows.length > 0;
}

export async function clearTotp(sql: Sql, id: string, now: Date): Promise<void> {
  await sql.query(
    `UPDATE customers SET totp_secret_enc = NULL, totp_confirmed_at = NULL, totp_last_step = NULL, totp_pending_enc = NULL, totp_pending_attempts = 0, updated_at = $2
      WHERE id = $1`, [id, now]);
}

// ---------- failure counter / lockout ----------
export async function getFailures(sql: Sql, subject: string): Promise<{ failures: number; lockedUntil: Date | null; lastFailureAt: Date } | null> {
  const rows = await sql.query<{ failures: number; locked_until: Date | null; last_failure_at: Date }>(
    `SELECT failures, locked_until, last_failure_at FROM customer_auth_failures WHERE subject = $1`, [subject]);
  return rows[0] ? { failures: rows[0].failures, lockedUntil: rows[0].locked_until, lastFailureAt: rows[0].last_failure_at } : null;
}

/** Counts one failure (the counter starts over after `resetBefore` without failures); returns the new count. */
export async function addFailure(sql: Sql, subject: string, now: Date, resetBefore: Date): Promise<number> {
  const rows = await sql.query<{ failures: number }>(
    `INSERT INTO customer_auth_failures AS f (subject, failures, last_failure_at) VALUES ($1, 1, $2)
     ON CONFLICT (subject) DO UPDATE SET
       failures = CASE WHEN f.last_failure_at < $3 THEN 1 ELSE f.failures + 1 END,
       last_failure_at = $2
     RETURNING failures`, [subject, now, resetBefore]);
  return rows[0].failures;
}

export async function lockUntil(sql: Sql, subject: string, until: Date): Promise<void> {
  await sql.query(`UPDATE customer_auth_failures SET locked_until = GREATEST(COALESCE(locked_until, $2), $2) WHERE subject = $1`, [subject, until]);
}

export async function clearFailures(sql: Sql, subject: string): Promise<void> {
  await sql.query(`DELETE FROM customer_auth_failures WHERE subject = $1`, [subject]);
}

// ---------- passkeys ----------
export interface Passkey {
  id: string; customerId: string; credentialId: string; publicKey: string; counter: number; transports: string[]; name: string;
  deviceType: string | null; backedUp: boolean; createdAt: Date; lastUsedAt: Date | null;
}
interface RawPasskey {
  id: string; customer_id: string; credential_id: string; public_key: string; counter: number | string; transports: string[]; name: string;
  device_type: string | null; backed_up: boolean; created_at: Date; last_used_at: Date | null;
}
const toPasskey = (r: RawPasskey): Passkey => ({
  id: r.id, customerId: r.customer_id, credentialId: r.credential_id, publicKey: r.public_key, counter: Number(r.counter), transports: r.transports ?? [],
  name: r.name, deviceType: r.device_type, backedUp: r.backed_up, createdAt: r.created_at, lastUsedAt: r.last_used_at,
});

export async function listPasskeys(sql: Sql, customerId: string): Promise<Passkey[]> {
  return (await sql.query<RawPasskey>(`SELECT * FROM customer_passkeys WHERE customer_id = $1 ORDER BY created_at, id`, [customerId])).map(toPasskey);
}

export async function insertPasskey(sql: Sql, p: Omit<Passkey, 'createdAt' | 'lastUsedAt'> & { now: Date }): Promise<void> {
  await sql.query(
    `INSERT INTO customer_passkeys (id, customer_id, credential_id, public_key, counter, transports, name, device_type, backed_up, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [p.id, p.customerId, p.credentialId, p.publicKey, p.counter, JSON.stringify(p.transports), p.name, p.deviceType, p.backedUp, p.now],
  );
}

/** Records a use; refuses a counter that did not move forward (a cloned authenticator), unless both are 0 (no counter). */
export async function usePasskey(sql: Sql, id: string, newCounter: number, now: Date): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE customer_passkeys SET counter = $2, last_used_at = $3 WHERE id = $1 AND (counter < $2 OR ($2 = 0 AND counter = 0)) RETURNING id`,
    [id, newCounter, now]);
  return rows.length > 0;
}

export async function deletePasskey(sql: Sql, customerId: string, id: string): Promise<boolean> {
  return (await sql.query(`DELETE FROM customer_passkeys WHERE id = $1 AND customer_id = $2 RETURNING id`, [id, customerId])).length > 0;
}

/** The customer a passkey belongs to (null: no such passkey). */
export async function passkeyOwner(sql: Sql, id: string): Promise<string | null> {
  const rows = await sql.query<{ customer_id: string }>(`SELECT customer_id FROM customer_passkeys WHERE id = $1`, [id]);
  return rows[0]?.customer_id ?? null;
}

export async function deletePasskeys(sql: Sql, customerId: string): Promise<void> {
  await sql.query(`DELETE FROM customer_passkeys WHERE customer_id = $1`, [customerId]);
}

// ---------- recovery codes ----------
export async function replaceRecoveryCodes(sql: Sql, customerId: string, hashes: string[], now: Date): Promise<void> {
  await sql.query(`DELETE FROM customer_recovery_codes WHERE customer_id = $1`, [customerId]);
  await sql.query(
    `INSERT INTO customer_recovery_codes (customer_id, code_hash, created_at) SELECT $1, h, $3 FROM unnest($2::text[]) AS h`,
    [customerId, hashes, now]);
}

/** Single use: true only for the one caller that marks an unused code used. */
export async function useRecoveryCode(sql: Sql, customerId: string, hash: string, now: Date): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE customer_recovery_codes SET used_at = $3 WHERE customer_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING code_hash`,
    [customerId, hash, now]);
  return rows.length > 0;
}

export async function deleteRecoveryCodes(sql: Sql, customerId: string): Promise<void> {
  await sql.query(`DELETE FROM customer_recovery_codes WHERE customer_id = $1`, [customerId]);
}
