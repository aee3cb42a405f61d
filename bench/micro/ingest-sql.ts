/**
 * Micro-benchmark behind a proposal: the SQL of one webhook ingest, as the server runs it today
 * (BEGIN; INSERT webhook_inbox; INSERT jobs; COMMIT = 4 round trips) versus one autocommit statement
 * (a CTE that inserts the inbox row and, only if it was new, its job), unnamed versus prepared.
 * PostgreSQL only (DATABASE_URL, default the local test database), in a throwaway schema with the real migrations.
 *   tsx bench/micro/ingest-sql.ts [seconds=5] [concurrency=64]
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { openDb } from '../../src/platform/db/db.ts';
import { migrate } from '../../src/platform/db/migrate.ts';
import { newId } from '../../src/platform/ids.ts';
import { cpuOfAll } from '../lib/server.ts';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const seconds = Number(process.argv[2] ?? 5);
const concurrency = Number(process.argv[3] ?? 64);
const schema = `micro_${randomBytes(4).toString('hex')}`;
const db = await openDb({ databaseUrl: url, schema, poolSize: 2 });
await migrate(db);
await db.close();
const pool = new pg.Pool({ connectionString: url, max: 10, options: `-c search_path=${schema}` });

const payload = JSON.stringify({ type: 'payment.succeeded', paymentId: 'pay_x', gatewayRef: 'sbx_y', amount: { amount: 10000, currency: 'IDR' }, raw_event: { id: 'evt', data: { a: 1 } } });
const INBOX = `INSERT INTO webhook_inbox (id, provider, event_id, event_type, payload) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (provider, event_id) DO NOTHING RETURNING id`;
const JOB = `INSERT INTO jobs (id, queue, kind, payload, max_attempts, run_at, dedupe_key) VALUES ($1, $2, $3, $4, $5, COALESCE($6, now()), $7) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`;
const CTE = `WITH ins AS (
  INSERT INTO webhook_inbox (id, provider, event_id, event_type, payload) VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (provider, event_id) DO NOTHING RETURNING id)
INSERT INTO jobs (id, queue, kind, payload, max_attempts, dedupe_key)
SELECT $6, 'payments', 'payments.process_event', jsonb_build_object('inboxId', ins.id, 'provider', $2::text), 10, 'inbox:' || ins.id FROM ins
RETURNING id`;

type Variant = { name: string; run: (c: pg.PoolClient, i: number) => Promise<void> };
const q = (c: pg.PoolClient, prepared: boolean, name: string, text: string, values: unknown[]) => (prepared ? c.query({ name, text, values }) : c.query(text, values));
const today = (prepared: boolean): Variant => ({
  name: `today: BEGIN; INSERT inbox; INSERT job; COMMIT${prepared ? ' (prepared)' : ''}`,
  run: async (c, i) => {
    await c.query('BEGIN');
    const id = newId('whk');
    const r = await q(c, prepared, 'inbox', INBOX, [id, 'sandbox', `evt_${schema}_${prepared}_${i}`, 'payment.succeeded', payload]);
    if (r.rows.length) await q(c, prepared, 'job', JOB, [newId('job'), 'payments', 'payments.process_event', JSON.stringify({ inboxId: id, provider: 'sandbox' }), 10, null, `inbox:${id}`]);
    await c.query('COMMIT');
  },
});
const oneStatement = (prepared: boolean): Variant => ({
  name: `one autocommit CTE statement${prepared ? ' (prepared)' : ''}`,
  run: async (c, i) => {
    await q(c, prepared, 'cte', CTE, [newId('whk'), 'sandbox', `evt_${schema}_cte${prepared}_${i}`, 'payment.succeeded', payload, newId('job')]);
  },
});

try {
  for (const v of [today(false), today(true), oneStatement(false), oneStatement(true)]) {
    let n = 0;
    const pg0 = cpuOfAll('postgres'), c0 = process.cpuUsage(), t0 = performance.now();
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (performance.now() - t0 < seconds * 1000) {
        const c = await pool.connect();
        try { await v.run(c, n++); } finally { c.release(); }
      }
    }));
    const wall = (performance.now() - t0) / 1000, cu = process.cpuUsage(c0), pgc = cpuOfAll('postgres') - pg0;
    console.log(`${v.name.padEnd(58)} ${(n / wall).toFixed(0).padStart(6)}/s  node ${(((cu.user + cu.system) / n)).toFixed(0)} µs  postgres ${(pgc * 1e6 / n).toFixed(0)} µs per ingest`);
  }
} finally {
  await pool.end();
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await c.end();
}
