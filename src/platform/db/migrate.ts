import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { Db } from './db.ts';

const here = dirname(fileURLToPath(import.meta.url));
// Beside this file when run from source; under the project root's src/ when run from the dist/ bundle.
const MIGRATIONS_DIR = [join(here, 'migrations'), join(here, '..', 'src', 'platform', 'db', 'migrations')].find((d) => existsSync(d)) ?? join(here, 'migrations');

/** Migration files: src/platform/db/migrations/NNNN_name.sql, applied in order, once, each in its own transaction. */
export function listMigrations(): Array<{ name: string; sql: string }> {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{4}_.+\.sql$/.test(f))
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(MIGRATIONS_DIR, name), 'utf8') }));
}

export async function migrate(db: Db): Promise<string[]> {
  const applied: string[] = [];
  await db.query(`CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
  for (const m of listMigrations()) {
    const done = await db.tx(async (trx) => {
      // Serialize concurrent nodes migrating the same database.
      if (db.kind === 'postgres') await trx.query(`SELECT pg_advisory_xact_lock(727274)`);
      const rows = await trx.query(`SELECT 1 FROM schema_migrations WHERE name = $1`, [m.name]);
      if (rows.length > 0) return false;
      for (const stmt of splitSql(m.sql)) await trx.query(stmt);
      await trx.query(`INSERT INTO schema_migrations (name) VALUES ($1)`, [m.name]);
      return true;
    });
    if (done) applied.push(m.name);
  }
  return applied;
}

/** Splits a migration on statement-ending semicolons (outside of $$ bodies and quotes). */
export function splitSql(sql: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inDollar = false;
  let inQuote = false;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i];
    if (!inQuote && sql.startsWith('$$', i)) {
      inDollar = !inDollar;
      cur += '$$';
      i++;
      continue;
    }
    if (!inDollar && ch === "'") inQuote = !inQuote;
    if (!inDollar && !inQuote && ch === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl === -1 ? sql.length : nl;
      cur += '\n';
      continue;
    }
    if (!inDollar && !inQuote && ch === ';') {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}
