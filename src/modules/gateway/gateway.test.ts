import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AppError } from '../../platform/errors.ts';
import type { SecuritySignal } from '../../platform/security.ts';
import { Gateway, type GatewaySettings } from './gateway.ts';

const base: GatewaySettings = {
  ratePerCustomerPerMinute: 1000, rateGlobalPerSecond: 10_000, concurrencyPerCustomer: 2, concurrencyGlobal: 16,
  timeoutMs: 5_000, breakerFailures: 3, breakerHalfOpenMs: 300,
};
function make(settings: Partial<GatewaySettings> = {}, extra: { redisUrl?: string; redisPrefix?: string } = {}) {
  const signals: SecuritySignal[] = [];
  const gw = new Gateway({ settings: { ...base, ...settings }, security: { record: (s) => signals.push(s) }, ...extra });
  return { gw, signals };
}
const ok = async () => 'ok';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: AppError) => e.code);
async function until(cond: () => boolean) {
  for (let i = 0; i < 500 && !cond(); i++) await sleep(5);
  assert.ok(cond(), 'condition not reached');
}

test('per-customer rate limit: the customer over it gets 429 with retry-after while another customer still passes; going on is reported to the security monitor', async () => {
  const { gw, signals } = make({ ratePerCustomerPerMinute: 5 });
  for (let i = 0; i < 5; i++) assert.equal(await gw.call({ customerId: 'cus_a', op: 'listBills' }, ok), 'ok');
  await assert.rejects(gw.call({ customerId: 'cus_a', op: 'listBills', ip: '203.0.113.9' }, ok), (e: AppError) => {
    assert.equal(e.code, 'rate_limited');
    assert.equal(e.status, 429);
    assert.equal(e.details?.reason, 'rate_customer');
    assert.ok((e.details?.retryAfterSeconds as number) >= 1 && (e.details?.retryAfterSeconds as number) <= 60);
    return true;
  });
  assert.equal(await gw.call({ customerId: 'cus_b', op: 'listBills' }, ok), 'ok', 'another customer is not affected');
  assert.equal(signals.length, 0, 'one rejection is not yet a pattern');
  for (let i = 0; i < 5; i++) assert.equal(await code(gw.call({ customerId: 'cus_a', op: 'listBills', ip: '203.0.113.9' }, ok)), 'rate_limited');
  assert.equal(signals.length, 2, 'reported every 3 rejections (6 so far)');
  assert.deepEqual({ ...signals[0], details: { rejected: signals[0].details?.rejected } }, { kind: 'request', customerId: 'cus_a', ip: '203.0.113.9', subject: 'gateway:listBills', details: { rejected: 'rate' } });
  // background work is not limited per customer
  assert.equal(await gw.system('postPayment', ok), 'ok');
  const m = gw.metrics();
  assert.equal(m.rejected.rate_customer, 6);
  assert.equal(m.calls, 7);
  assert.equal(m.rateLimitStore, 'memory');
});

test('global rate limit: past it every customer gets 429 (rate_global)', async () => {
  const { gw } = make({ rateGlobalPerSecond: 3 });
  const results = [];
  for (let i = 0; i < 5; i++) results.push(await code(gw.call({ customerId: `cus_${i}`, op: 'getBill' }, ok)));
  assert.deepEqual(results, ['ok', 'ok', 'ok', 'rate_limited', 'rate_limited']);
  assert.equal(gw.metrics().rejected.rate_global, 2);
});

test('global concurrency: never more calls in flight than the limit; a short queue waits, past it 503 busy; all queued calls complete', async () => {
  const { gw } = make({ concurrencyGlobal: 3 });
  let inFlight = 0;
  let maxSeen = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  const slow = async () => {
    inFlight++;
    maxSeen = Math.max(maxSeen, inFlight);
    await gate;
    inFlight--;
    return 'done';
  };
  const calls = Array.from({ length: 6 }, (_, i) => gw.call({ customerId: `cus_${i}`, op: 'listBills' }, slow));
  await until(() => gw.metrics().inFlight === 3 && gw.metrics().queued === 3);
  const extra = await gw.call({ customerId: 'cus_extra', op: 'listBills' }, slow).catch((e: AppError) => e);
  assert.ok(extra instanceof AppError && extra.code === 'upstream_unavailable' && extra.details?.reason === 'concurrency_global', String(extra));
  release();
  assert.deepEqual(await Promise.all(calls), Array(6).fill('done'));
  assert.equal(maxSeen, 3);
  assert.equal(gw.metrics().inFlight, 0);
  assert.equal(gw.metrics().rejected.concurrency_global, 1);
});

test('per-customer concurrency: one customer cannot hold more slots than their limit (429), others are not affected', async () => {
  const { gw } = make({ concurrencyPerCustomer: 2 });
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  let mine = 0;
  let maxMine = 0;
  const slow = async () => { mine++; maxMine = Math.max(maxMine, mine); await gate; mine--; return 'done'; };
  const calls = Array.from({ length: 4 }, () => gw.call({ customerId: 'cus_greedy', op: 'listBills' }, slow)); // 2 run, 2 queue
  await until(() => gw.metrics().inFlight === 2);
  assert.equal(await code(gw.call({ customerId: 'cus_greedy', op: 'listBills' }, slow)), 'rate_limited');
  assert.equal(await gw.call({ customerId: 'cus_other', op: 'listBills' }, ok), 'ok');
  release();
  assert.deepEqual(await Promise.all(calls), Array(4).fill('done'));
  assert.equal(maxMine, 2);
  assert.equal(gw.metrics().rejected.concurrency_customer, 1);
});

test('timeout: the caller gets 504 upstream_timeout and the call\'s signal is aborted', async () => {
  const { gw } = make({ timeoutMs: 100 });
  let seen: AbortSignal | undefined;
  const hangs = (signal: AbortSignal) => {
    seen = signal;
    return new Promise<string>(() => {}); // never answers, even when aborted
  };
  await assert.rejects(gw.call({ customerId: 'cus_t', op: 'getBill' }, hangs), (e: AppError) => e.code === 'upstream_timeout' && e.status === 504);
  assert.equal(seen?.aborted, true);
  const m = gw.metrics();
  assert.equal(m.timeouts, 1);
  assert.equal(m.failures, 1);
  assert.equal(m.inFlight, 0);
});

test('breaker: opens after N consecutive failures (then 503 without calling), half-opens after its time, closes on success; refusals never trip it', async () => {
  const { gw } = make({ breakerFailures: 3, breakerHalfOpenMs: 1000 });
  let calls = 0;
  let mode: 'down' | 'up' | 'refuse' = 'refuse';
  const upstream = async () => {
    calls++;
    if (mode === 'down') throw new AppError('upstream_unavailable', 'the accounting system is unavailable (503)', { upstreamStatus: 503 });
    if (mode === 'refuse') throw new AppError('not_found', 'accounting system: bill not found', { upstreamStatus: 404, upstreamCode: 'not_found' });
    return 'ok';
  };
  const scope = { customerId: 'cus_b', op: 'getBill' };
  for (let i = 0; i < 5; i++) assert.equal(await code(gw.call(scope, upstream)), 'not_found');
  assert.equal(gw.metrics().breaker.state, 'closed');
  assert.equal(gw.metrics().refusals, 5);

  mode = 'down';
  calls = 0;
  for (let i = 0; i < 3; i++) assert.equal(await code(gw.call(scope, upstream)), 'upstream_unavailable');
  assert.equal(calls, 3);
  assert.equal(gw.metrics().breaker.state, 'open');
  await assert.rejects(gw.call(scope, upstream), (e: AppError) => e.code === 'upstream_unavailable' && e.details?.reason === 'breaker_open' && (e.details?.retryAfterSeconds as number) >= 1);
  await assert.rejects(gw.system('postPayment', upstream), (e: AppError) => e.details?.reason === 'breaker_open');
  assert.equal(calls, 3, 'no call while open');

  await sleep(1050);
  // half-open: one trial; it fails → open again at once
  assert.equal(await code(gw.call(scope, upstream)), 'upstream_unavailable');
  assert.equal(calls, 4);
  assert.equal(gw.metrics().breaker.state, 'open');
  assert.equal(await code(gw.call(scope, upstream)), 'upstream_unavailable');
  assert.equal(calls, 4);

  await sleep(1050);
  mode = 'up';
  assert.equal(await gw.call(scope, upstream), 'ok');
  assert.equal(gw.metrics().breaker.state, 'closed');
  assert.equal(await gw.call(scope, upstream), 'ok');
  const m = gw.metrics();
  assert.equal(m.rejected.breaker_open, 3);
  assert.equal(m.failures, 4);
  assert.equal(m.calls, 5 + 4 + 2);
  assert.ok(m.latencyMs.samples === 11 && m.latencyMs.p50 !== null && m.latencyMs.p99! >= m.latencyMs.p50!);
});

test('timeouts count as breaker failures', async () => {
  const { gw } = make({ timeoutMs: 50, breakerFailures: 2 });
  const hangs = (signal: AbortSignal) => new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new AppError('upstream_timeout', 'aborted'))));
  for (let i = 0; i < 2; i++) assert.equal(await code(gw.call({ customerId: 'cus_h', op: 'listBills' }, hangs)), 'upstream_timeout');
  assert.equal(gw.metrics().breaker.state, 'open');
});

test('with Redis the rate limits are shared by every node', async () => {
  const prefix = `tg:test:gw:${randomBytes(4).toString('hex')}`;
  const a = make({ ratePerCustomerPerMinute: 5 }, { redisUrl: 'redis://127.0.0.1:6379', redisPrefix: prefix });
  const b = make({ ratePerCustomerPerMinute: 5 }, { redisUrl: 'redis://127.0.0.1:6379', redisPrefix: prefix });
  try {
    assert.equal(a.gw.metrics().rateLimitStore, 'redis');
    assert.equal(await a.gw.ready(), true);
    assert.equal(await b.gw.ready(), true);
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await code(a.gw.call({ customerId: 'cus_r', op: 'listBills' }, ok)));
    for (let i = 0; i < 3; i++) results.push(await code(b.gw.call({ customerId: 'cus_r', op: 'listBills' }, ok)));
    assert.deepEqual(results, ['ok', 'ok', 'ok', 'ok', 'ok', 'rate_limited'], 'node b sees node a\'s calls');
    assert.equal(await b.gw.call({ customerId: 'cus_s', op: 'listBills' }, ok), 'ok');
  } finally {
    await a.gw.close();
    await b.gw.close();
  }
});
