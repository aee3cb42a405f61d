import { createServer } from 'node:net';
import { buildApp, type Tollgate } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { sandboxPay } from '../../src/modules/sandbox-gateway/index.ts';
import { testDb } from './db.ts';

/** Whatever a test did, the books still balance and every stored balance matches its transfers (run at every test app's close). */
export async function assertBooksBalance(tg: Pick<Tollgate, 'services'>): Promise<void> {
  const tb = await tg.services.ledger.trialBalance();
  if (!tb.balanced) throw new Error(`trial balance is not balanced after the test: ${JSON.stringify(tb.currencies)}`);
  const drift = await tg.services.ledger.reconcile();
  if (drift.length) throw new Error(`ledger balances differ from their transfers after the test: ${JSON.stringify(drift)}`);
}

/** JSON over real HTTP to a test server: the body parsed when it is JSON, the token as a Bearer header. */
export function httpClient(url: string): TestApp['request'] {
  return async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const res = await fetch(url + path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
    const text = await res.text();
    let body: any = text;
    try { body = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
    return { status: res.status, body, headers: res.headers };
  };
}

/** Logs in as the admin every test app is configured with (ADMIN_EMAIL / ADMIN_PASSWORD below); returns the staff token. */
export async function adminLogin(request: TestApp['request']): Promise<string> {
  const login = await request('POST', '/v1/staff/sessions', { body: { email: 'admin@test.local', password: 'admin-password-1' } });
  if (login.status !== 200) throw new Error(`admin login failed: ${JSON.stringify(login.body)}`);
  return login.body.token;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface TestApp {
  tg: Tollgate;
  url: string;
  adminToken: string;
  request(method: string, path: string, opts?: { body?: unknown; token?: string; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  createOrder(body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  /** Acts on the sandbox's hosted payment page like a buyer. */
  pay(checkoutUrl: string, action?: 'pay' | 'decline', card?: string): Promise<void>;
  order(id: string, secret: string): Promise<any>;
  waitForOrder(id: string, secret: string, status: string | string[], timeoutMs?: number): Promise<any>;
  products(): Promise<any[]>;
  product(sku: string): Promise<any>;
  close(): Promise<void>;
}

/**
 * A real Tollgate on a free loopback port with a fresh database (PGlite, or PostgreSQL when
 * DATABASE_URL is set), its sandbox gateway and demo platform. Real HTTP both ways.
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const port = await freePort();
  const db = await testDb();
  const config = loadConfig({
    PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent', ADMIN_EMAIL: 'admin@test.local', ADMIN_PASSWORD: 'admin-password-1',
    RATE_LIMIT_PER_MINUTE: '100000', ORDER_TTL_SECONDS: '900',
    // The core's tests exercise orders, payments and fulfilment without risk decisions; risk tests turn it on.
    RISK: 'false', SANDBOX_CAPTURE: 'automatic', ...env,
  });
  const tg = await buildApp(config, { db });
  await tg.app.listen({ port, host: '127.0.0.1' });
  tg.startBackground();
  const url = `http://127.0.0.1:${port}`;

  const request = httpClient(url);
  const adminToken = await adminLogin(request);

  const app: TestApp = {
    tg, url, adminToken, request,
    createOrder: (body, headers) => request('POST', '/v1/orders', { body, headers }),
    async pay(checkoutUrl, action = 'pay', card) {
      const m = /^(.*\/sandbox)\/checkout\/([^/?#]+)/.exec(checkoutUrl);
      if (!m) throw new Error(`not a sandbox checkout url: ${checkoutUrl}`);
      const r = await sandboxPay(m[1], m[2], action, card);
      if (r.status >= 400) throw new Error(`sandbox ${action} failed with ${r.status}`);
    },
    async order(id, secret) {
      const r = await request('GET', `/v1/orders/${id}`, { token: secret });
      if (r.status !== 200) throw new Error(`GET order ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
    async waitForOrder(id, secret, status, timeoutMs = 20_000) {
      const want = Array.isArray(status) ? status : [status];
      const until = Date.now() + timeoutMs;
      let last: any;
      while (Date.now() < until) {
        last = await app.order(id, secret);
        if (want.includes(last.status)) return last;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`order ${id} did not reach ${want.join('|')} in ${timeoutMs} ms; it is ${last?.status}: ${JSON.stringify(last?.history)}`);
    },
    async products() {
      return (await request('GET', '/v1/products')).body.data;
    },
    async product(sku) {
      const p = (await app.products()).find((x: any) => x.sku === sku);
      if (!p) throw new Error(`no product ${sku}`);
      return p;
    },
    async close() {
      await tg.close();
      try {
        await assertBooksBalance(tg);
      } finally {
        await db.close();
      }
    },
  };
  return app;
}
