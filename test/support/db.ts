import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDb, type Db } from '../../src/platform/db/db.ts';
import { listMigrations, migrate } from '../../src/platform/db/migrate.ts';
import { sha256Hex } from '../../src/platform/crypto.ts';

/**
 * A fresh, migrated database for one test.
 * - DATABASE_URL set: a new schema on that PostgreSQL server (dropped on close).
 * - otherwise: an in-memory PGlite cloned from a migrated template (initdb runs once per migration set).
 */
export async function testDb(): Promise<Db> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const db = await openDb({ databaseUrl: url, schema, poolSize: 8 });
    await migrate(db);
    const close = db.close.bind(db);
    (db as { close: () => Promise<void> }).close = async () => {
      await close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await c.end();
    };
    return db;
  }
  const blob = await pgliteTemplate();
  return openDb({ loadDataDir: blob });
}

let template: Promise<Blob> | null = null;

function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const hash = sha256Hex(listMigrations().map((m) => m.name + m.sql).join('\n')).slice(0, 16);
    const dir = join(process.cwd(), '.cache');
    const file = join(dir, `pglite-template-${hash}.tar.gz`);
    if (existsSync(file)) return new Blob([readFileSync(file)]);
    const db = await openDb({});
    await migrate(db);
    const blob = await (db as unknown as { pglite: { dumpDataDir(c: 'gzip'): Promise<Blob> } }).pglite.dumpDataDir('gzip');
    await db.close();
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
    renameSync(tmp, file);
    return blob;
  })();
  return template;
}
