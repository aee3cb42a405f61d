import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cardMethod } from './test-cards.ts';
import { testDb } from '../../../test/support/db.ts';
import type { Db } from '../../platform/db/db.ts';
import { newId } from '../../platform/ids.ts';
import { verifySignature } from '../../platform/webhooks-in/signature.ts';
import { sandboxPay } from './testing.ts';
import type { DeliveryTuning } from './delivery.ts';
import { startReceiver, startSandbox, waitFor, type Receiver, type SandboxHarness } from './test-harness.ts';

// Every running sandbox delivers all pending events of its database (as every node of one deployment
// would), so each test stops its sandboxes before the next one starts; the tests share one database.
let db: Db;
const cleanup: Array<() => Promise<void>> = [];
before(async () => {
  db = await testDb();
});
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup.length = 0;
});
after(() => db.close());

async function setup(opts: { delivery?: 'normal' | 'chaos'; tuning?: Partial<DeliveryTuning>; autoStart?: boolean } = {}, respond?: Receiver['respond']) {
  const rcv = await startReceiver(respond);
  const sbx = await startSandbox({ webhookUrl: rcv.url, ...opts, db });
  cleanup.push(() => rcv.close(), () => sbx.close());
  return { rcv, sbx };
}

async function createPayment(sbx: SandboxHarness, captureMode: 'automatic' | 'manual' = 'automatic') {
  const r = await sbx.api('POST', '/api/payments', {
    merchantRef: newId('pay'), amount: 2500, currency: 'EUR', captureMode, description: 'Game key', returnUrl: 'http://shop.test/r',
  });
  assert.equal(r.status, 201);
  return r.body as { id: string; merchantRef: string };
}

const eventRows = async (sbx: SandboxHarness, id: string) => (await sbx.api('GET', `/api/events?paymentId=${id}`)).body.data as Array<{ id: string; type: string; attempts: number; deliveredAt: string | null; lastStatus: number | null }>;

describe('sandbox webhook delivery', () => {
  test('a state change is POSTed to the webhook url, signed over the raw body', async () => {
    const { rcv, sbx } = await setup();
    const p = await createPayment(sbx);
    await sandboxPay(sbx.baseUrl, p.id, 'pay');
    const w = await waitFor(() => rcv.received.find((x) => x.body.data?.gatewayPaymentId === p.id), 5000, 'webhook');
    assert.equal(w.headers['content-type'], 'application/json');
    const sig = w.headers['sandbox-signature'] as string;
    assert.match(sig, /^t=\d+,v1=[0-9a-f]{64}$/);
    assert.deepEqual(verifySignature(sbx.webhookSecret, sig, w.raw), { ok: true });
    assert.equal(verifySignature('another-secret', sig, w.raw).ok, false);
    assert.equal(w.body.type, 'payment.succeeded');
    assert.deepEqual(w.body.data, { paymentId: p.merchantRef, gatewayPaymentId: p.id, amount: 2500, currency: 'EUR', paymentMethod: cardMethod(undefined) });
    assert.ok(Math.abs(w.body.created - Date.now() / 1000) < 10);
    const rows = await waitFor(async () => {
      const r = await eventRows(sbx, p.id);
      return r[0]?.deliveredAt ? r : null;
    }, 5000, 'delivered mark');
    assert.equal(rows[0].attempts, 1);
    assert.equal(rows[0].lastStatus, 200);
  });

  test('retried with backoff until the receiver answers 2xx (fails the first 2 times)', async () => {
    const { rcv, sbx } = await setup({}, (n) => (n < 2 ? 500 : 204));
    const p = await createPayment(sbx);
    await sandboxPay(sbx.baseUrl, p.id, 'pay');
    const mine = () => rcv.received.filter((w) => w.body.data?.gatewayPaymentId === p.id);
    await waitFor(() => mine().length >= 3, 8000, 'third attempt');
    const rows = await waitFor(async () => {
      const r = await eventRows(sbx, p.id);
      return r[0]?.deliveredAt ? r : null;
    }, 5000, 'delivered mark');
    assert.equal(rows[0].attempts, 3);
    assert.equal(rows[0].lastStatus, 204);
    assert.deepEqual(mine().map((w) => w.status), [500, 500, 204]);
    assert.equal(new Set(mine().map((w) => w.body.id)).size, 1, 'the same event each time');
    // signed at send time: every attempt carries its own signature header, all valid
    for (const w of mine()) assert.equal(verifySignature(sbx.webhookSecret, w.headers['sandbox-signature'] as string, w.raw).ok, true);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(mine().length, 3, 'nothing more after a 2xx');
  });

  test('durable: pending events survive a restart and are delivered after start', async () => {
    // First process: the merchant is down (answers 503).
    const down = await startReceiver(() => 503);
    cleanup.push(() => down.close());
    const first = await startSandbox({ db, webhookUrl: down.url, tuning: { retryBaseMs: 100 } });
    let firstClosed = false;
    cleanup.push(async () => {
      if (!firstClosed) await first.close();
    });
    const p = await createPayment(first);
    await sandboxPay(first.baseUrl, p.id, 'pay');
    await waitFor(async () => (await eventRows(first, p.id))[0]?.lastStatus === 503, 5000, 'a failed attempt');
    await first.close();
    firstClosed = true;
    const seenByFirst = down.received.length;
    assert.ok(seenByFirst >= 1);
    assert.equal((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM sandbox_events WHERE payment_id = $1 AND delivered_at IS NULL`, [p.id]))[0].n, 1, 'still pending');

    // Second process, same database, merchant is up.
    const { rcv, sbx } = await setup();
    await waitFor(() => rcv.received.find((w) => w.body.data?.gatewayPaymentId === p.id), 5000, 'delivery after restart');
    const rows = await waitFor(async () => {
      const r = await eventRows(sbx, p.id);
      return r[0]?.deliveredAt ? r : null;
    }, 5000, 'delivered mark');
    assert.ok(rows[0].attempts >= 2);
  });

  test('deliverPending() delivers on demand when the loop is not started', async () => {
    const { rcv, sbx } = await setup({ autoStart: false });
    const p = await createPayment(sbx);
    await sandboxPay(sbx.baseUrl, p.id, 'decline');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(rcv.received.filter((w) => w.body.data?.gatewayPaymentId === p.id).length, 0);
    const n = await sbx.gateway.deliverPending();
    assert.ok(n >= 1);
    const mine = rcv.received.filter((w) => w.body.data?.gatewayPaymentId === p.id);
    assert.deepEqual(mine.map((w) => w.body.type), ['payment.failed']);
  });

  test('chaos: duplicates, late, and a stale earlier-state event after a later one', async () => {
    const { rcv, sbx } = await setup({ delivery: 'chaos', tuning: { chaosMaxDelayMs: 300 } });
    const p = await createPayment(sbx, 'manual');
    await sandboxPay(sbx.baseUrl, p.id, 'pay');
    const mine = () => rcv.received.filter((w) => w.body.data?.gatewayPaymentId === p.id);
    await waitFor(() => mine().filter((w) => w.body.type === 'payment.authorized').length >= 2, 5000, 'authorized twice');
    const cap = await sbx.api('POST', `/api/payments/${p.id}/capture`, {});
    assert.equal(cap.status, 200);
    await waitFor(() => mine().filter((w) => w.body.type === 'payment.succeeded').length >= 2, 5000, 'succeeded twice');
    const lastSucceeded = () => Math.max(...mine().map((w, i) => (w.body.type === 'payment.succeeded' ? i : -1)));
    await waitFor(() => mine().some((w, i) => w.body.type === 'payment.authorized' && i > lastSucceeded()), 5000, 'stale authorized after succeeded');

    const got = mine();
    const byId = new Map<string, number>();
    for (const w of got) byId.set(w.body.id, (byId.get(w.body.id) ?? 0) + 1);
    assert.equal(byId.size, 2, 'two distinct events');
    for (const [, count] of byId) assert.ok(count >= 2, 'each event delivered at least twice');
    for (const w of got) assert.equal(verifySignature(sbx.webhookSecret, w.headers['sandbox-signature'] as string, w.raw).ok, true);
    const rows = await eventRows(sbx, p.id);
    assert.deepEqual(rows.map((r) => r.type), ['payment.authorized', 'payment.succeeded']);
  });
});
