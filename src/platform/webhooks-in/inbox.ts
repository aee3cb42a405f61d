import type { Sql } from '../db/db.ts';
import { newId } from '../ids.ts';

/**
 * Inbound webhook inbox: UNIQUE(provider, event_id) makes every event land once,
 * however often and however concurrently the provider delivers it.
 */
export async function recordInbound(trx: Sql, e: { provider: string; eventId: string; eventType: string; payload: unknown }): Promise<{ id: string; fresh: boolean }> {
  const id = newId('whk');
  const rows = await trx.query<{ id: string }>(
    `INSERT INTO webhook_inbox (id, provider, event_id, event_type, payload) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (provider, event_id) DO NOTHING RETURNING id`,
    [id, e.provider, e.eventId, e.eventType, JSON.stringify(e.payload)],
  );
  if (rows.length === 1) return { id, fresh: true };
  const existing = await trx.query<{ id: string }>(`SELECT id FROM webhook_inbox WHERE provider = $1 AND event_id = $2`, [e.provider, e.eventId]);
  return { id: existing[0].id, fresh: false };
}

export interface InboxRow { id: string; provider: string; event_id: string; event_type: string; payload: any; processed_at: Date | null; outcome: string | null; received_at: Date }

/** Locks the inbox row; returns null if it was already processed. */
export async function lockUnprocessed(trx: Sql, id: string): Promise<InboxRow | null> {
  const rows = await trx.query<InboxRow>(`SELECT * FROM webhook_inbox WHERE id = $1 FOR UPDATE`, [id]);
  const row = rows[0];
  return row && !row.processed_at ? row : null;
}

export async function markProcessed(trx: Sql, id: string, outcome: string): Promise<void> {
  await trx.query(`UPDATE webhook_inbox SET processed_at = now(), outcome = $2 WHERE id = $1`, [id, outcome.slice(0, 500)]);
}

export async function listInbox(sql: Sql, limit = 100): Promise<InboxRow[]> {
  return sql.query<InboxRow>(`SELECT * FROM webhook_inbox ORDER BY received_at DESC LIMIT $1`, [limit]);
}

/** Unprocessed events older than `olderThanSeconds` (left behind by a crash or an error), oldest first. */
export async function pendingInbox(sql: Sql, olderThanSeconds: number, limit: number): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(
    `SELECT id FROM webhook_inbox WHERE processed_at IS NULL AND received_at < now() - make_interval(secs => $1) ORDER BY received_at LIMIT $2`,
    [olderThanSeconds, limit],
  );
  return rows.map((r) => r.id);
}

/** Records a failed processing attempt; returns the number of attempts so far. */
export async function recordFailure(sql: Sql, id: string, error: string): Promise<number> {
  const rows = await sql.query<{ attempts: number }>(
    `UPDATE webhook_inbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1 RETURNING attempts`, [id, error.slice(0, 1000)]);
  return rows[0]?.attempts ?? 0;
}
