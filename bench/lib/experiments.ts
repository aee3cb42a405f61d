/**
 * What-if switches for the server child, preloaded by `--experiment LIST` (never used for RESULTS.md):
 *   pool=N      pg pool size N instead of openDb's 10
 *   prepared    every pg query becomes a named prepared statement (parsed + planned once per connection)
 *   synccommit=off  SET synchronous_commit = off on every pg connection (shows the cost of WAL flushes; not a proposal for payments)
 * They patch the pg driver in memory only, to measure a proposal before anyone changes src/.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';

const flags = new Map((process.env.BENCH_EXPERIMENTS ?? '').split(',').filter(Boolean).map((f) => {
  const [k, v] = f.split('=');
  return [k.trim(), v?.trim() ?? 'true'] as const;
}));

if (flags.has('pool')) {
  const Orig = pg.Pool;
  const max = Number(flags.get('pool'));
  (pg as any).Pool = class extends Orig {
    constructor(o: pg.PoolConfig = {}) { super({ ...o, max }); }
  };
}

if (flags.has('prepared')) {
  const orig = pg.Client.prototype.query as (...a: unknown[]) => unknown;
  const names = new Map<string, string>();
  (pg.Client.prototype as any).query = function (this: unknown, ...a: unknown[]) {
    const text = a[0];
    if (typeof text === 'string' && Array.isArray(a[1]) && !/^\s*(BEGIN|COMMIT|ROLLBACK)/i.test(text)) {
      let name = names.get(text);
      if (!name) names.set(text, (name = `s_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`));
      return orig.call(this, { name, text, values: a[1] }, ...a.slice(2));
    }
    return orig.apply(this, a);
  };
}

if (flags.get('synccommit') === 'off') {
  const orig = pg.Client.prototype.connect as (...a: unknown[]) => unknown;
  (pg.Client.prototype as any).connect = function (this: pg.Client, ...a: unknown[]) {
    const r = orig.apply(this, a) as Promise<void> | undefined;
    return r?.then(() => this.query('SET synchronous_commit = off').then(() => undefined));
  };
}
