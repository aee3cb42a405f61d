import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { freePort } from '../support/app.ts';
import { sandboxPay } from '../../src/modules/sandbox-gateway/index.ts';

/**
 * Crash safety: kill -9 the server while payments and deliveries are in flight, start it again on the
 * same database, and check that every paid order ends fulfilled exactly once.
 */
const ADMIN = { email: 'admin@crash.test', password: 'crash-test-password' };
// The default configuration runs: risk engine on, authorize → decide → capture. Buyers use a browser and
// each their own card (one card buying 20 times in a minute would rightly be held for review).
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
const card = (i: number) => `40002212${String(100000 + i).padStart(8, '0')}`;

async function startServer(env: Record<string, string>, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, RATE_LIMIT_PER_MINUTE: '100000', JOB_LEASE_SECONDS: '3', WORKER_CONCURRENCY: '4' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok) return child;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('server did not become ready');
}

/** A database of its own for a server process: a fresh schema on DATABASE_URL, or a fresh PGlite data folder. */
async function isolatedDatabase(name: string) {
  const env: Record<string, string> = {};
  let dataDir: string | null = null;
  let schema: string | null = null;
  if (process.env.DATABASE_URL) {
    schema = `${name}_${randomBytes(5).toString('hex')}`;
    const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await c.connect();
    await c.query(`CREATE SCHEMA ${schema}`);
    await c.end();
    const u = new URL(process.env.DATABASE_URL);
    u.searchParams.set('options', `-c search_path=${schema}`);
    env.DATABASE_URL = u.toString();
  } else {
    dataDir = mkdtempSync(join(tmpdir(), `tollgate-${name}-`));
    env.DATA_DIR = dataDir;
  }
  const cleanup = async () => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (schema) {
      const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    }
  };
  return { env, dataDir, schema, cleanup };
}

test('SIGKILL while jobs are in flight, start again: every paid order ends fulfilled exactly once', { timeout: 180_000 }, async () => {
  const { env, cleanup } = await isolatedDatabase('crash');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const r = await fetch(base + path, { method, headers: { 'user-agent': BROWSER, ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body ? JSON.stringify(body) : undefined });
    return { status: r.status, body: (await r.json()) as any };
  };
  let server = await startServer(env, port);
  try {
    const products = (await call('GET', '/v1/products')).body.data;
    const topup = products.find((p: any) => p.sku === 'demo-coins-1200-api');
    const key = products.find((p: any) => p.sku === 'starfall-odyssey-key');
    const users = ['alice.gamer', 'bob_builds', 'carla.streams', 'dmitri.k', 'emma.plays'];
    const coinsBefore = new Map<string, number>();
    for (const u of users) coinsBefore.set(u, (await call('GET', `/demo-platform/api/users/${u}`)).body.coins);

    const orders: any[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await call('POST', '/v1/orders', { email: `t${i}@crash.test`, items: [{ productId: topup.id, quantity: 1 }], platformUserId: users[i % users.length] });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      orders.push(r.body);
      const k = await call('POST', '/v1/orders', { email: `k${i}@crash.test`, items: [{ productId: key.id, quantity: 1 }] });
      assert.equal(k.status, 201, JSON.stringify(k.body));
      orders.push(k.body);
    }
    // Every buyer pays; the server is killed while webhooks and deliveries are being processed.
    const pays = orders.map((o, i) => {
      const m = /^(.*\/sandbox)\/checkout\/([^/?#]+)/.exec(o.payment.checkoutUrl)!;
      return sandboxPay(m[1], m[2], 'pay', card(i)).catch(() => undefined);
    });
    await Promise.all(pays);
    await new Promise((r) => setTimeout(r, 150));
    server.kill('SIGKILL');
    await new Promise((r) => server.once('exit', r));

    server = await startServer(env, port);
    const login = await call('POST', '/v1/staff/sessions', ADMIN);
    const token = login.body.token;
    const until = Date.now() + 90_000;
    let views: any[] = [];
    while (Date.now() < until) {
      views = await Promise.all(orders.map((o) => call('GET', `/v1/orders/${o.id}`, undefined, o.clientSecret).then((r) => r.body)));
      if (views.every((v) => v.status === 'fulfilled')) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.deepEqual(views.map((v) => v.status), orders.map(() => 'fulfilled'));
    for (const v of views) {
      assert.equal(v.history.filter((h: any) => h.to === 'fulfilled').length, 1);
      assert.equal(v.history.filter((h: any) => h.to === 'paid').length, 1);
    }
    // coins credited exactly once per order
    for (const u of users) {
      const now = (await call('GET', `/demo-platform/api/users/${u}`)).body.coins;
      const ordered = orders.filter((o, i) => i % 2 === 0 && users[(i / 2) % users.length] === u).length * 1200;
      assert.equal(now - coinsBefore.get(u)!, ordered, `coins of ${u}`);
    }
    // every key order got its own code
    const codes = views.filter((v) => v.lines[0].type === 'key').map((v) => v.fulfilments[0].delivered.codes[0]);
    assert.equal(new Set(codes).size, 10);
    const admin = await call('GET', '/v1/admin/jobs?status=dead', undefined, token);
    assert.equal(admin.body.data.length, 0, JSON.stringify(admin.body.data.map((j: any) => j.lastError)));
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => { if (server.exitCode !== null) r(null); else server.once('exit', r); });
    await cleanup();
  }
});

test('SIGTERM: the server stops claiming, finishes the delivery in flight, then exits 0', { timeout: 180_000, skip: !existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium') && !process.env.CI ? 'no Chromium' : false }, async () => {
  const { env, dataDir, schema, cleanup } = await isolatedDatabase('term');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = await startServer(env, port);
  try {
    const products = (await (await fetch(`${base}/v1/products`)).json()).data;
    const coins = products.find((p: any) => p.sku === 'demo-coins-100');
    const r = await fetch(`${base}/v1/orders`, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': BROWSER }, body: JSON.stringify({ email: 'term@test.local', items: [{ productId: coins.id, quantity: 1 }], platformUserId: 'ines.silva' }) });
    const o = await r.json();
    const m = /^(.*\/sandbox)\/checkout\/([^/?#]+)/.exec(o.payment.checkoutUrl)!;
    await sandboxPay(m[1], m[2], 'pay', card(999));
    // wait until the browser delivery is under way
    const view = async () => (await (await fetch(`${base}/v1/orders/${o.id}`, { headers: { authorization: `Bearer ${o.clientSecret}` } })).json());
    for (let i = 0; i < 400; i++) {
      const v = await view();
      if (v.status === 'fulfilling' && v.fulfilments[0]?.status === 'in_progress') break;
      await new Promise((res) => setTimeout(res, 25));
    }
    server.kill('SIGTERM');
    const code = await new Promise<number | null>((res) => server.once('exit', (c) => res(c)));
    assert.equal(code, 0);
    // the in-flight delivery finished before the process exited
    let status: string;
    if (schema) {
      const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await c.connect();
      status = (await c.query(`SELECT status FROM ${schema}.orders WHERE id = $1`, [o.id])).rows[0].status;
      await c.end();
    } else {
      const { PGlite } = await import('@electric-sql/pglite');
      const db = await PGlite.create(dataDir!);
      status = (await db.query<{ status: string }>(`SELECT status FROM orders WHERE id = $1`, [o.id])).rows[0].status;
      await db.close();
    }
    assert.equal(status, 'fulfilled');
  } finally {
    if (server.exitCode === null) server.kill('SIGKILL');
    await cleanup();
  }
});
