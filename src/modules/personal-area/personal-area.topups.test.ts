import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPersonalAreaApp, sandboxEvent, type PaTestApp } from './personal-area.testing.ts';

let t: PaTestApp;
before(async () => { t = await startPersonalAreaApp(); });
after(async () => { await t?.close(); });

const transfersOf = async (clientId: string) =>
  (await t.tg.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ledger_transfers WHERE client_id = $1`, [clientId]))[0].n;

test('sign-up opens the wallet: one open USD account with nothing in it', async () => {
  const c = await t.customer('wallet');
  const r = await t.request('GET', '/v1/me/accounts', { token: c.token });
  assert.equal(r.status, 200);
  assert.equal(r.body.data.length, 1);
  const a = r.body.data[0];
  assert.match(a.id, /^lac_/);
  assert.deepEqual({ currency: a.currency, status: a.status, balance: a.balance, available: a.available, pending: a.pending }, {
    currency: 'USD', status: 'open', balance: { amount: 0, currency: 'USD' }, available: { amount: 0, currency: 'USD' }, pending: { amount: 0, currency: 'USD' },
  });
  assert.equal((await t.request('GET', '/v1/me/accounts')).status, 401, 'the API needs a session');
});

test('a top-up paid on the sandbox page credits the wallet once, visible in the history and live on the event stream', async () => {
  const c = await t.customer('topup');
  const stream = await t.sse(c);
  await stream.next((e) => e.event === 'balance'); // the stream is subscribed
  const r = await t.request('POST', '/v1/me/topups', { token: c.token, body: { amount: { amount: 2500, currency: 'USD' }, gateway: 'sandbox' } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.match(r.body.id, /^top_/);
  assert.equal(r.body.status, 'pending');
  assert.match(r.body.payment.id, /^pay_/);
  const pending = await t.request('GET', `/v1/me/topups/${r.body.id}`, { token: c.token });
  assert.deepEqual({ status: pending.body.status, transactionId: pending.body.transactionId, amount: pending.body.amount }, { status: 'pending', transactionId: null, amount: { amount: 2500, currency: 'USD' } });

  await t.pay(r.body.payment.checkoutUrl);
  const live = await stream.next((e) => e.event === 'transaction', 10_000);
  assert.equal(live.data.kind, 'topup');
  assert.equal(live.data.direction, 'in');
  assert.deepEqual(live.data.amount, { amount: 2500, currency: 'USD' });
  assert.equal(live.data.status, 'posted');
  assert.equal(live.data.reference, r.body.id);
  assert.equal(live.id, live.data.id, 'the event id is the transfer id (Last-Event-ID)');
  const bal = await stream.next((e) => e.event === 'balance' && e.data.balance.amount === 2500);
  assert.deepEqual(bal.data.available, { amount: 2500, currency: 'USD' });
  stream.close();

  const done = await t.waitTopup(c, r.body.id, 'completed');
  assert.equal(done.transactionId, live.data.id);
  await t.settle();
  assert.equal(await t.balance(c), 2500);
  assert.equal(await transfersOf(`topup:${r.body.id}`), 1);
  const list = await t.request('GET', '/v1/me/topups', { token: c.token });
  assert.deepEqual(list.body.data.map((x: any) => [x.id, x.status]), [[r.body.id, 'completed']]);
  const history = await t.request('GET', '/v1/me/transactions', { token: c.token });
  assert.equal(history.body.data.length, 1);
  assert.equal(history.body.data[0].id, done.transactionId);
  assert.equal(history.body.data[0].receiptAvailable, true);
  await t.assertBalanced();
});

test('the same capture webhook 5× concurrently (and 5 more under other event ids) credits once', async () => {
  const c = await t.customer('dupes');
  const r = await t.request('POST', '/v1/me/topups', { token: c.token, body: { amount: { amount: 1000, currency: 'USD' }, gateway: 'sandbox' } });
  assert.equal(r.status, 201);
  const p = { paymentId: r.body.payment.id, checkoutUrl: r.body.payment.checkoutUrl, amount: 1000, currency: 'USD' };
  const same = sandboxEvent('payment.succeeded', p);
  const results = await Promise.all([
    ...Array.from({ length: 5 }, () => t.webhook(same)),
    ...Array.from({ length: 5 }, () => t.webhook(sandboxEvent('payment.succeeded', p))),
  ]);
  for (const x of results) assert.equal(x.status, 200, JSON.stringify(x.body));
  assert.equal(results.slice(0, 5).filter((x) => x.body.duplicate === false).length, 1, 'the inbox stores the same event once');
  await t.waitTopup(c, r.body.id, 'completed');
  await t.settle();
  assert.equal(await t.balance(c), 1000);
  assert.equal(await transfersOf(`topup:${r.body.id}`), 1);
  const history = await t.request('GET', '/v1/me/transactions', { token: c.token });
  assert.equal(history.body.data.length, 1);
  await t.assertBalanced();
});

test('a capture of another amount credits what was captured and raises an alert', async () => {
  const c = await t.customer('mismatch');
  const r = await t.request('POST', '/v1/me/topups', { token: c.token, body: { amount: { amount: 5000, currency: 'USD' }, gateway: 'sandbox' } });
  const e = sandboxEvent('payment.succeeded', { paymentId: r.body.payment.id, checkoutUrl: r.body.payment.checkoutUrl, amount: 4000, currency: 'USD' });
  assert.equal((await t.webhook(e)).status, 200);
  const done = await t.waitTopup(c, r.body.id, 'completed');
  assert.deepEqual(done.amount, { amount: 4000, currency: 'USD' });
  assert.equal(await t.balance(c), 4000);
  const [alert] = await t.tg.ctx.db.query<{ kind: string }>(`SELECT kind FROM alerts WHERE subject_id = $1`, [r.body.id]);
  assert.equal(alert?.kind, 'topup.amount_mismatch');
  await t.assertBalanced();
});

test('a declined payment fails the top-up and credits nothing', async () => {
  const c = await t.customer('declined');
  const r = await t.request('POST', '/v1/me/topups', { token: c.token, body: { amount: { amount: 700, currency: 'USD' }, gateway: 'sandbox' } });
  await t.pay(r.body.payment.checkoutUrl, 'decline');
  const failed = await t.waitTopup(c, r.body.id, 'failed');
  assert.equal(failed.transactionId, null);
  assert.equal(await t.balance(c), 0);
  // a capture that arrives after the failure is refused by the payment's lifecycle: still nothing credited
  await t.webhook(sandboxEvent('payment.succeeded', { paymentId: r.body.payment.id, checkoutUrl: r.body.payment.checkoutUrl, amount: 700, currency: 'USD' }));
  await t.settle();
  assert.equal(await t.balance(c), 0);
  await t.assertBalanced();
});

test('a retried top-up with the same Idempotency-Key gets the first one back; the key with another amount is refused; another customer may use the same key', async () => {
  const c = await t.customer('idemtopup');
  const other = await t.customer('idemtopup2');
  const body = { amount: { amount: 1200, currency: 'USD' }, gateway: 'sandbox' };
  const headers = { 'idempotency-key': 'topup-attempt-1' };
  const first = await t.request('POST', '/v1/me/topups', { token: c.token, body, headers });
  const again = await t.request('POST', '/v1/me/topups', { token: c.token, body, headers });
  assert.equal(first.status, 201);
  assert.equal(again.status, 201);
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  assert.deepEqual(again.body, first.body, 'the same top-up and payment page');
  const changed = await t.request('POST', '/v1/me/topups', { token: c.token, body: { ...body, amount: { amount: 1300, currency: 'USD' } }, headers });
  assert.equal(changed.status, 422);
  assert.equal(changed.body.error.code, 'idempotency_key_reused');
  const theirs = await t.request('POST', '/v1/me/topups', { token: other.token, body, headers });
  assert.equal(theirs.status, 201);
  assert.notEqual(theirs.body.id, first.body.id, "keys are per customer: one customer's key never returns another's top-up");
  const list = await t.request('GET', '/v1/me/topups', { token: c.token });
  assert.equal(list.body.data.length, 1, 'one top-up opened');
});

test('bad top-ups are refused with 4xx and leave nothing behind', async () => {
  const c = await t.customer('badtopup');
  const post = (body: unknown) => t.request('POST', '/v1/me/topups', { token: c.token, body });
  const cases: Array<[unknown, number, string]> = [
    [{ amount: { amount: 1000, currency: 'EUR' }, gateway: 'sandbox' }, 422, 'unprocessable'],
    [{ amount: { amount: 1000, currency: 'USD' }, gateway: 'paypal' }, 422, 'unprocessable'],
    [{ amount: { amount: 10, currency: 'USD' }, gateway: 'sandbox' }, 400, 'validation_failed'],
    [{ amount: { amount: 100_000_000, currency: 'USD' }, gateway: 'sandbox' }, 400, 'validation_failed'],
    [{ amount: { amount: 10.5, currency: 'USD' }, gateway: 'sandbox' }, 400, 'validation_failed'],
    [{ amount: { amount: -500, currency: 'USD' }, gateway: 'sandbox' }, 400, 'validation_failed'],
    [{ amount: 1000, gateway: 'sandbox' }, 400, 'validation_failed'],
    [{ amount: { amount: 1000, currency: 'USD' } }, 400, 'validation_failed'],
    [{ amount: { amount: 1000, currency: 'USD' }, gateway: 'sandbox', extra: 1 }, 400, 'validation_failed'],
  ];
  for (const [body, status, code] of cases) {
    const r = await post(body);
    assert.equal(r.status, status, `${JSON.stringify(body)} → ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.code, code);
  }
  const list = await t.request('GET', '/v1/me/topups', { token: c.token });
  assert.equal(list.body.data.length, 0);
  const [{ n }] = await t.tg.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM payments WHERE purpose = 'topup' AND order_id IN (SELECT id FROM pa_topups WHERE customer_id = $1)`, [c.customerId]);
  assert.equal(n, 0);
});
