import type { Db } from './db/db.ts';
import { DecryptError, type FieldCipher } from './crypto.ts';

/**
 * Encryption-key rotation: re-encrypts every value stored under another key than the cipher's current one.
 * Batches by primary key (keyset), each batch in its own short transaction; every row is updated compare-and-set
 * (only if it still holds the value read), so a concurrent write is never overwritten. Values already under the
 * current key are not touched: running it again changes nothing, and an interrupted run simply resumes.
 * rotate-keys.test.ts fails when a migration adds an `_enc` column that is not listed here.
 */
export const ENCRYPTED_COLUMNS: ReadonlyArray<{ table: string; column: string }> = [
  { table: 'key_codes', column: 'code_enc' },
  { table: 'fulfilments', column: 'delivered_payload_enc' },
  { table: 'orders', column: 'client_secret_enc' },
  { table: 'cardholders', column: 'name_enc' },
  { table: 'cardholders', column: 'email_enc' },
  { table: 'cardholders', column: 'phone_enc' },
  { table: 'customers', column: 'email_enc' },
  { table: 'customers', column: 'phone_enc' },
  { table: 'customers', column: 'name_enc' },
  { table: 'customers', column: 'address_enc' },
  { table: 'customers', column: 'document_enc' },
  { table: 'customers', column: 'totp_secret_enc' },
  { table: 'customers', column: 'totp_pending_enc' },
  { table: 'customer_challenges', column: 'new_phone_enc' },
  { table: 'sms_outbox', column: 'to_enc' },
  { table: 'sms_outbox', column: 'body_enc' },
  { table: 'ia_customers', column: 'name_enc' },
  { table: 'ia_customers', column: 'email_enc' },
  { table: 'pa_payees', column: 'name_enc' },
];

/** Job kinds whose payload carries encrypted fields (top-level string properties). */
export const ENCRYPTED_JOB_PAYLOADS: ReadonlyArray<{ kind: string; fields: string[] }> = [
  { kind: 'sms.send', fields: ['to', 'body'] },
];

export interface RotationTarget { target: string; reencrypted: number; failed: number }
export interface RotationReport {
  currentKeyId: string;
  /** Values now re-encrypted under the current key (or, with dryRun, that would be). */
  reencrypted: number;
  /** Values that could not be decrypted with the configured keys (left as they are). */
  failed: number;
  targets: RotationTarget[];
  /** The first few decryption errors, for the operator. */
  errors: string[];
}

export interface RotateOptions {
  batchSize?: number;
  /** Count what would change, write nothing. */
  dryRun?: boolean;
  /** Progress lines (one per finished table/column). */
  progress?: (line: string) => void;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

export async function rotateKeys(db: Db, cipher: FieldCipher, opts: RotateOptions = {}): Promise<RotationReport> {
  const batchSize = Math.max(1, opts.batchSize ?? 500);
  const prefix = `v1:${cipher.currentKeyId}:`;
  const report: RotationReport = { currentKeyId: cipher.currentKeyId, reencrypted: 0, failed: 0, targets: [], errors: [] };
  const recode = (value: string, t: RotationTarget): string | null => {
    try {
      return cipher.encrypt(cipher.decrypt(value));
    } catch (err) {
      if (!(err instanceof DecryptError)) throw err;
      t.failed++;
      if (report.errors.length < 10) report.errors.push(`${t.target}: ${err.message}`);
      return null;
    }
  };

  for (const { table, column } of ENCRYPTED_COLUMNS) {
    if (!IDENT.test(table) || !IDENT.test(column)) throw new Error(`bad identifier ${table}.${column}`);
    const t: RotationTarget = { target: `${table}.${column}`, reencrypted: 0, failed: 0 };
    let after = '';
    for (;;) {
      const rows = await db.query<{ id: string; v: string }>(
        `SELECT id, ${column} AS v FROM ${table}
         WHERE id > $1 AND ${column} IS NOT NULL AND substr(${column}, 1, $2) <> $3
         ORDER BY id LIMIT $4`,
        [after, prefix.length, prefix, batchSize],
      );
      if (rows.length === 0) break;
      after = rows[rows.length - 1].id;
      const updates = rows.map((r) => ({ id: r.id, old: r.v, next: recode(r.v, t) })).filter((u) => u.next !== null);
      if (opts.dryRun) { t.reencrypted += updates.length; continue; }
      if (updates.length === 0) continue;
      await db.tx(async (trx) => {
        for (const u of updates) {
          const done = await trx.query(`UPDATE ${table} SET ${column} = $1 WHERE id = $2 AND ${column} = $3 RETURNING id`, [u.next, u.id, u.old]);
          if (done.length) t.reencrypted++;
        }
      });
      if (rows.length < batchSize) break;
    }
    finish(t);
  }

  for (const { kind, fields } of ENCRYPTED_JOB_PAYLOADS) {
    const t: RotationTarget = { target: `jobs[${kind}]`, reencrypted: 0, failed: 0 };
    let after = '';
    for (;;) {
      const rows = await db.query<{ id: string; payload: Record<string, unknown> | string }>(
        `SELECT id, payload FROM jobs WHERE kind = $1 AND id > $2 ORDER BY id LIMIT $3`, [kind, after, batchSize],
      );
      if (rows.length === 0) break;
      after = rows[rows.length - 1].id;
      const updates: Array<{ id: string; old: string; next: string }> = [];
      for (const r of rows) {
        const payload = typeof r.payload === 'string' ? (JSON.parse(r.payload) as Record<string, unknown>) : r.payload;
        const next = { ...payload };
        let changed = false;
        let ok = true;
        for (const f of fields) {
          const v = payload[f];
          if (typeof v !== 'string' || !cipher.isStale(v)) continue;
          const re = recode(v, t);
          if (re === null) { ok = false; break; }
          next[f] = re;
          changed = true;
        }
        if (changed && ok) updates.push({ id: r.id, old: JSON.stringify(payload), next: JSON.stringify(next) });
      }
      if (opts.dryRun) t.reencrypted += updates.length;
      else if (updates.length) {
        await db.tx(async (trx) => {
          for (const u of updates) {
            const done = await trx.query(`UPDATE jobs SET payload = $1::jsonb WHERE id = $2 AND payload = $3::jsonb RETURNING id`, [u.next, u.id, u.old]);
            if (done.length) t.reencrypted++;
          }
        });
      }
      if (rows.length < batchSize) break;
    }
    finish(t);
  }
  return report;

  function finish(t: RotationTarget) {
    report.targets.push(t);
    report.reencrypted += t.reencrypted;
    report.failed += t.failed;
    opts.progress?.(`${t.target}: ${t.reencrypted} re-encrypted${t.failed ? `, ${t.failed} not decryptable` : ''}`);
  }
}
