import { signPayload } from '../src/platform/webhooks-in/signature.ts';
import { Client, pool } from './lib/http.ts';
import { summary } from './lib/stats.ts';

export interface Ctx {
  client: Client;
  token: string;
  webhookSecret: string;
  runId: string;
  log: (msg: string) => void;
}

export interface Product { id: string; amount: number }

/** Logs in as the admin (one argon2 verify) and returns the staff token. */
export async function login(client: Client, email: string, password: string): Promise<string> {
  const r = await client.json('POST', '/v1/staff/sessions', { email, password });
  if (r.status !== 200) throw new Error(`admin login failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.token;
}

/** Creates `count` key products through the admin API, each with `codesEach` codes (uploaded 5,000 per request). */
export async function setupCatalog(ctx: Ctx, count: number, codesEach: number): Promise<Product[]> {
  const products: Product[] = [];
  for (let i = 0; i < count; i++) {
    const amount = 10_000 + i * 100;
    const r = await ctx.client.json('POST', '/v1/admin/products', {
      sku: `bench-${ctx.runId}-${i}`, name: `Bench key ${i}`, type: 'key', fulfilmentDriver: 'key-stock', maxQuantity: 10,
      prices: [{ currency: 'IDR', amount }],
    }, ctx.token);
    if (r.status !== 201) throw new Error(`create product: ${r.status} ${JSON.stringify(r.body)}`);
    products.push({ id: r.body.id, amount });
  }
  const uploads: Array<{ id: string; codes: string[] }> = [];
  for (const [pi, p] of products.entries()) {
    for (let off = 0; off < codesEach; off += 5000) {
      const n = Math.min(5000, codesEach - off);
      uploads.push({ id: p.id, codes: Array.from({ length: n }, (_, k) => `KEY-${ctx.runId}-${pi}-${off + k}-${Math.random().toString(36).slice(2, 10)}`) });
    }
  }
  let next = 0;
  await pool(2, async () => {
    const u = uploads[next++];
    if (!u) return false;
    const r = await ctx.client.json('POST', `/v1/admin/products/${u.id}/keys`, { codes: u.codes }, ctx.token);
    if (r.status !== 200 || r.body.added !== u.codes.length) throw new Error(`add keys: ${r.status} ${JSON.stringify(r.body)}`);
    return true;
  });
  return products;
}

/**
 * Waits until the server has nothing left to do for the benchmark: no job queued or running, and
 * (orders) no order still pending_payment / paid / fulfilling, and (inbox) the 200 newest inbox events
 * all processed (events are processed in arrival order, so then all older ones are too). Works whether
 * events and deliveries run as jobs or inline. Returns ms waited, or null on timeout.
 */
export async function waitForDrain(ctx: Ctx, timeoutMs: number, pollMs = 250, what: { orders?: boolean; inbox?: boolean } = {}): Promise<{ waitedMs: number | null; counts: Record<string, number> }> {
  const t0 = performance.now();
  let counts: Record<string, number> = {};
  const busy = async (): Promise<boolean> => {
    const r = await ctx.client.json('GET', '/v1/admin/jobs?limit=1', undefined, ctx.token);
    if (r.status !== 200) return true;
    counts = r.body.counts;
    if ((counts.queued ?? 0) + (counts.running ?? 0) > 0) return true;
    if (what.orders) {
      for (const status of ['pending_payment', 'paid', 'fulfilling']) {
        const o = await ctx.client.json('GET', `/v1/admin/orders?status=${status}&limit=1`, undefined, ctx.token);
        if (o.status !== 200 || o.body.data.length > 0) return true;
      }
    }
    if (what.inbox) {
      const w = await ctx.client.json('GET', '/v1/admin/webhooks', undefined, ctx.token);
      if (w.status !== 200 || w.body.data.some((e: { processedAt: string | null }) => e.processedAt === null)) return true;
    }
    return false;
  };
  for (;;) {
    if (!(await busy())) return { waitedMs: performance.now() - t0, counts };
    if (performance.now() - t0 > timeoutMs) return { waitedMs: null, counts };
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

export interface PaidOrder { orderId: string; paymentId: string; sbxId: string; amount: number; currency: string }

function paymentEvent(id: string, o: PaidOrder): string {
  return JSON.stringify({
    id, type: 'payment.succeeded', created: Math.floor(Date.now() / 1000),
    data: { paymentId: o.paymentId, gatewayPaymentId: o.sbxId, amount: o.amount, currency: o.currency },
  });
}

/**
 * Benchmark 1: `concurrency` closed-loop buyers, each: POST /v1/orders (1 key, products round-robin),
 * then POST a signed payment.succeeded webhook for it, for `durationMs` or `maxOrders`.
 * Then waits until every order is fulfilled and the job queue is empty (e-mails written).
 */
export async function ordersBench(ctx: Ctx, products: Product[], o: { concurrency: number; durationMs: number; maxOrders: number; drainTimeoutMs: number }) {
  const createMs: number[] = [];
  const webhookMs: number[] = [];
  const errors = new Map<string, number>();
  const paid: PaidOrder[] = [];
  const err = (k: string) => errors.set(k, (errors.get(k) ?? 0) + 1);
  let n = 0;
  const t0 = performance.now();
  const wall0 = Date.now();
  const end = t0 + o.durationMs;
  await pool(o.concurrency, async () => {
    if (performance.now() >= end || n >= o.maxOrders) return false;
    const i = n++;
    const p = products[i % products.length];
    const c = await ctx.client.json('POST', '/v1/orders', { email: `buyer${i % 997}@bench.example`, items: [{ productId: p.id, quantity: 1 }] });
    if (c.status !== 201) { err(`create ${c.status} ${c.body?.error?.code ?? ''}`); return true; }
    createMs.push(c.ms);
    const sbxId = /\/checkout\/([^/?#]+)/.exec(c.body.payment.checkoutUrl)?.[1] ?? '';
    const order: PaidOrder = { orderId: c.body.id, paymentId: c.body.payment.id, sbxId, amount: c.body.total.amount, currency: c.body.total.currency };
    const body = paymentEvent(`evt_b1_${ctx.runId}_${i}`, order);
    const w = await ctx.client.request('POST', '/v1/webhooks/sandbox', body, { 'sandbox-signature': signPayload(ctx.webhookSecret, body) });
    if (w.status !== 200) { err(`webhook ${w.status}`); return true; }
    webhookMs.push(w.ms);
    paid.push(order);
    return true;
  });
  const sendMs = performance.now() - t0;
  ctx.log(`  orders: ${paid.length} created+paid in ${(sendMs / 1000).toFixed(1)} s (${(paid.length / (sendMs / 1000)).toFixed(0)}/s sent); waiting for fulfilment…`);
  const drain = await waitForDrain(ctx, o.drainTimeoutMs, 250, { orders: true, inbox: true });
  const totalMs = performance.now() - t0;
  return {
    wallStart: wall0, concurrency: o.concurrency, created: createMs.length, paid: paid.length, sendMs, totalMs, drained: drain.waitedMs !== null, jobCounts: drain.counts,
    create: summary(createMs), webhook: summary(webhookMs), errors: Object.fromEntries(errors), orders: paid,
  };
}

/**
 * Benchmark 2: `concurrency` closed-loop senders POST signed payment.succeeded events to /v1/webhooks/sandbox
 * for `durationMs`: ~`dupShare` of them re-deliver an event id already sent (fresh signature), the rest are new
 * event ids for payments captured in benchmark 1 (so processing runs the full lookup + order lock and ends in a no-op).
 * Then waits until every queued job was processed.
 */
export async function webhooksBench(ctx: Ctx, orders: PaidOrder[], o: { concurrency: number; durationMs: number; dupShare: number; drainTimeoutMs: number }) {
  if (orders.length === 0) throw new Error('webhooks bench needs paid orders from the orders bench');
  const lat: number[] = [];
  const sent: string[] = [];
  let fresh = 0, duplicates = 0, failed = 0, n = 0;
  const statuses = new Map<number, number>();
  const t0 = performance.now();
  const end = t0 + o.durationMs;
  await pool(o.concurrency, async () => {
    if (performance.now() >= end) return false;
    const i = n++;
    let body: string;
    if (sent.length > 100 && Math.random() < o.dupShare) {
      body = sent[Math.floor(Math.random() * sent.length)];
    } else {
      body = paymentEvent(`evt_b2_${ctx.runId}_${i}`, orders[i % orders.length]);
      sent.push(body);
    }
    const r = await ctx.client.request('POST', '/v1/webhooks/sandbox', body, { 'sandbox-signature': signPayload(ctx.webhookSecret, body) });
    statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    if (r.status !== 200) { failed++; return true; }
    lat.push(r.ms);
    if (r.body.includes('"duplicate":true')) duplicates++;
    else fresh++;
    return true;
  });
  const sendMs = performance.now() - t0;
  ctx.log(`  webhooks: ${lat.length} accepted in ${(sendMs / 1000).toFixed(1)} s (${(lat.length / (sendMs / 1000)).toFixed(0)}/s); waiting for processing…`);
  const drain = o.drainTimeoutMs > 0 ? await waitForDrain(ctx, o.drainTimeoutMs, 100, { inbox: true }) : { waitedMs: null };
  const totalMs = performance.now() - t0;
  return {
    concurrency: o.concurrency, accepted: lat.length, fresh, duplicates, failed, statuses: Object.fromEntries(statuses), sendMs, totalMs,
    drained: drain.waitedMs !== null, post: summary(lat),
  };
}
