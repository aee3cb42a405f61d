import type { Db } from '../db/db.ts';
import { AppError } from '../errors.ts';
import { sha256Hex } from '../crypto.ts';

/**
 * Idempotency-Key with Stripe's semantics: the first request with a key runs and its response is kept
 * for 24 h; a retry with the same key and the same parameters gets the same response; the same key with
 * different parameters is refused (422); a retry while the first is still running gets 409.
 * Only successful (2xx) and client-error outcomes are kept; a 5xx releases the key so it can be retried.
 */
export interface StoredResponse { status: number; body: unknown }

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export async function withIdempotency(db: Db, scope: string, key: string | undefined, request: unknown, run: () => Promise<StoredResponse>): Promise<StoredResponse & { replayed: boolean }> {
  if (key === undefined) return { ...(await run()), replayed: false };
  if (!KEY_PATTERN.test(key)) throw new AppError('validation_failed', 'Idempotency-Key must be 1-255 printable characters');
  const hash = sha256Hex(JSON.stringify(request));
  const claimed = await db.tx(async (trx) => {
    await trx.query(`DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND created_at < now() - interval '24 hours'`, [scope, key]);
    const ins = await trx.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash, status) VALUES ($1, $2, $3, 'in_progress') ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
      [scope, key, hash],
    );
    if (ins.length === 1) return null;
    const rows = await trx.query<{ request_hash: string; status: string; response_status: number | null; response_body: unknown; created_at: Date }>(
      `SELECT request_hash, status, response_status, response_body, created_at FROM idempotency_keys WHERE scope = $1 AND key = $2`, [scope, key]);
    return rows[0];
  });
  if (claimed) {
    if (claimed.request_hash !== hash) throw new AppError('idempotency_key_reused', 'this Idempotency-Key was used with different parameters');
    if (claimed.status === 'in_progress') {
      // A request that died mid-way leaves the key in progress; free it after a while so the client can retry.
      if (Date.now() - new Date(claimed.created_at).getTime() > 60_000) {
        await db.query(`DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status = 'in_progress'`, [scope, key]);
      }
      throw new AppError('idempotency_in_progress', 'a request with this Idempotency-Key is still being processed');
    }
    return { status: claimed.response_status!, body: claimed.response_body, replayed: true };
  }
  let res: StoredResponse;
  try {
    res = await run();
  } catch (err) {
    if (err instanceof AppError && err.status < 500) {
      res = { status: err.status, body: { error: { code: err.code, message: err.message } } };
      await save(db, scope, key, res);
    } else {
      await db.query(`DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2`, [scope, key]);
    }
    throw err;
  }
  await save(db, scope, key, res);
  return { ...res, replayed: false };
}

async function save(db: Db, scope: string, key: string, res: StoredResponse) {
  await db.query(`UPDATE idempotency_keys SET status = 'done', response_status = $3, response_body = $4 WHERE scope = $1 AND key = $2`, [scope, key, res.status, JSON.stringify(res.body)]);
}
