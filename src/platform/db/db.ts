import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';

/**
 * Plain SQL over one small interface, with two drivers: PGlite (embedded, default) and pg (DATABASE_URL).
 * Repos take a `Sql` (the open transaction) as their first argument; only use cases open transactions.
 */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

export interface Db extends Sql {
  readonly kind: 'pglite' | 'postgres';
  /** Runs fn in one transaction; retried on serialization failures and deadlocks. */
  tx<T>(fn: (trx: Sql) => Promise<T>): Promise<T>;
  /**
   * Receives NOTIFY payloads sent on `channel` (by any node; a NOTIFY inside a transaction arrives only if it
   * commits). Returns the function that stops listening. On PostgreSQL one dedicated connection serves every
   * channel of this Db and reconnects after a failure (notifications sent while it was down are lost, so
   * listeners must treat them as hints to re-read, not as the data).
   */
  listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

const RETRYABLE = new Set(['40001', '40P01']);

function toNumberInt8(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`int8 value ${v} is beyond the safe integer range`);
  return n;
}

/**
 * Data statements run as named prepared statements (named by a hash of their text): PostgreSQL parses and
 * plans each once per connection instead of on every call (~30 % less database CPU per order, measured).
 */
const statementNames = new Map<string, string | null>();
function preparedName(text: string): string | null {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = /^\s*(select|insert|update|delete|with)\b/i.test(text) ? `tg_${createHash('sha1').update(text).digest('hex').slice(0, 20)}` : null;
    if (statementNames.size < 5000) statementNames.set(text, name);
  }
  return name;
}
function pgQuery(client: pg.Pool | pg.PoolClient, text: string, params: unknown[]) {
  const name = preparedName(text);
  return name ? client.query({ name, text, values: params }) : client.query(text, params);
}

const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;

class PgDb implements Db {
  readonly kind = 'postgres' as const;
  private listener: { client: pg.Client | null; handlers: Map<string, Set<(p: string) => void>>; connecting: Promise<void> | null; closed: boolean } =
    { client: null, handlers: new Map(), connecting: null, closed: false };
  constructor(readonly pool: pg.Pool, private readonly connectionString: string) {}

  private async connectListener(): Promise<void> {
    const l = this.listener;
    if (l.client || l.closed) return;
    l.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.connectionString });
      client.on('notification', (m) => { for (const h of l.handlers.get(m.channel) ?? []) h(m.payload ?? ''); });
      client.on('error', () => {
        // reconnect and re-LISTEN after a short pause
        if (l.client === client) l.client = null;
        client.end().catch(() => undefined);
        if (!l.closed && l.handlers.size) setTimeout(() => void this.connectListener().catch(() => undefined), 500).unref();
      });
      await client.connect();
      for (const ch of l.handlers.keys()) await client.query(`LISTEN ${quoteIdent(ch)}`);
      l.client = client;
    })().finally(() => { l.connecting = null; });
    await l.connecting;
  }

  async listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>> {
    const l = this.listener;
    let set = l.handlers.get(channel);
    const fresh = !set;
    if (!set) l.handlers.set(channel, (set = new Set()));
    set.add(handler);
    if (l.connecting) await l.connecting;
    if (!l.client) await this.connectListener();
    else if (fresh) await l.client.query(`LISTEN ${quoteIdent(channel)}`);
    return async () => {
      set!.delete(handler);
      if (set!.size === 0) {
        l.handlers.delete(channel);
        await l.client?.query(`UNLISTEN ${quoteIdent(channel)}`).catch(() => undefined);
      }
    };
  }
  async query<T>(text: string, params: unknown[] = []): Promise<T[]> {
    const r = await pgQuery(this.pool, text, params);
    return r.rows as T[];
  }
  async tx<T>(fn: (trx: Sql) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      let released = false;
      try {
        await client.query('BEGIN');
        const trx: Sql = { query: async <R>(t: string, p: unknown[] = []) => (await pgQuery(client, t, p)).rows as R[] };
        const out = await fn(trx);
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        const code = (err as { code?: string }).code;
        if (code && RETRYABLE.has(code) && attempt < 5) {
          client.release();
          released = true;
          await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 10));
          continue;
        }
        throw err;
      } finally {
        if (!released) client.release();
      }
    }
  }
  async close() {
    this.listener.closed = true;
    await this.listener.client?.end().catch(() => undefined);
    await this.pool.end();
  }
}

class PgliteDb implements Db {
  readonly kind = 'pglite' as const;
  constructor(readonly pglite: PGlite) {}
  async query<T>(text: string, params: unknown[] = []): Promise<T[]> {
    const r = await this.pglite.query<T>(text, params);
    return r.rows;
  }
  async tx<T>(fn: (trx: Sql) => Promise<T>): Promise<T> {
    // PGlite is a single connection: its transaction() holds an exclusive lock, so
    // transactions are serialized. Keep them short and never call outside systems inside.
    return this.pglite.transaction(async (t) => fn({ query: async <R>(q: string, p: unknown[] = []) => (await t.query<R>(q, p)).rows }));
  }
  async listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>> {
    const stop = await this.pglite.listen(channel, handler);
    return async () => { if (!this.pglite.closed) await stop(); };
  }
  async close() {
    if (!this.pglite.closed) await this.pglite.close();
  }
}

export interface OpenDbOptions {
  databaseUrl?: string;
  dataDir?: string;
  /** Postgres schema to use (tests give each file its own). */
  schema?: string;
  /** PGlite: start from a dumped data dir (tests clone a migrated template). */
  loadDataDir?: Blob;
  poolSize?: number;
}

export async function openDb(opts: OpenDbOptions): Promise<Db> {
  if (opts.databaseUrl) {
    pg.types.setTypeParser(20, toNumberInt8);
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.poolSize ?? 10,
      options: opts.schema ? `-c search_path=${opts.schema}` : undefined,
    });
    pool.on('error', () => undefined); // idle client errors surface on the next query
    if (opts.schema) {
      const c = new pg.Client({ connectionString: opts.databaseUrl });
      await c.connect();
      await c.query(`CREATE SCHEMA IF NOT EXISTS "${opts.schema.replace(/"/g, '')}"`);
      await c.end();
    }
    // the listener connection must see the same schema only for SQL; NOTIFY channels are database-wide
    const db = new PgDb(pool, opts.databaseUrl);
    await db.query('SELECT 1');
    return db;
  }
  let dataDir: string | undefined;
  if (opts.dataDir && opts.dataDir !== 'memory://') {
    mkdirSync(opts.dataDir, { recursive: true });
    dataDir = opts.dataDir;
  }
  const pglite = await PGlite.create(dataDir, { loadDataDir: opts.loadDataDir });
  return new PgliteDb(pglite);
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' && (!constraint || e.constraint === constraint);
}
