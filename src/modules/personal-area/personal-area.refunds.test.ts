import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPersonalAreaApp, sandboxEvent, type Customer, type PaTestApp } from './personal-area.testing.ts';

// Abandoned card payments of bills (they must not block the bill) and gateway refunds of money already in the wallet.
let t: PaTestApp;
before(async () => { t = await startPersonalAreaApp({ STEP_UP_THRESHOLD_MINOR: '1000' }); });
after(async () => { await t?.close(); });

const db = () => t.tg.ctx.db;
const openBills = async (c: Customer) => {
  const r = await t.request('GET', '/v1/me/bills?status=open', { token: c.token });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.data as Array<{ id: string; amount: { amount: number; currency: string } }>;
};
const payBill = (c: Customer, billId: string, body: unknown) => t.request('POST', `/v1/me/bills/${billId}/pay`, { token: c.token, body });
const card = { method: 'gateway', gateway: 'sandbox' };
const transfers = async (clientId: string) =>
  (await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM ledger_transfers WHERE client_id = $1`, [clientId]))[0].n;
const alerts = async (subjectId: string) => db().query<{ severity: string; kind: string }>(`SELECT severity, kind FROM alerts WHERE subject_id = $1`, [subjectId]);
const paymentStatus = async (id: string) => (await db().query<{ status: string }>(`SELECT status FROM payments WHERE id = $1`, [id]))[0].status;
async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('asking again to pay a bill by card returns the pending attempt with its checkout link, which still pays it', async () => {
  const c = await t.customer('again');
  const [bill] = await openBills(c);
  const first = await payBill(c, bill.id, card);
  assert.equal(first.status, 201, JSON.stringify(first.body));
  const again = await payBill(c, bill.id, card);
  assert.ok([200, 201].includes(again.status), JSON.stringify(again.body));
  assert.equal(again.body.id, first.body.id);
  assert.equal(again.body.status, 'awaiting_payment');
  assert.equal(again.body.payment?.checkoutUrl, first.body.payment.checkoutUrl, 'the checkout link comes back');
  await t.pay(again.body.payment.checkoutUrl);
  await waitFor('posted', async () => (await t.request('GET', `/v1/me/bill-payments/${first.body.id}`, { token: c.token })).body.status === 'posted');
  await t.settle();
  await t.assertBalanced();
});

test('paying from the wallet while a card attempt is pending: the attempt fails, its payment is voided, the wallet pays once', async () => {
  const c = await t.customer('switch');
  await t.topup(c, 30_000);
  const [bill] = await openBills(c);
  const cardTry = await payBill(c, bill.id, card);
  assert.equal(cardTry.status, 201, JSON.stringify(cardTry.body));
  const wallet = await payBill(c, bill.id, { method: 'wallet' });
  assert.equal(wallet.status, 201, JSON.stringify(wallet.body));
  assert.notEqual(wallet.body.id, cardTry.body.id);
  assert.equal(await t.balance(c), 30_000 - bill.amount.amount);
  const old = await t.request('GET', `/v1/me/bill-payments/${cardTry.body.id}`, { token: c.token });
  assert.equal(old.body.status, 'failed');
  await waitFor('the card payment voided at the gateway', async () => (await paymentStatus(cardTry.body.payment.id)) === 'voided');
  // the abandoned checkout can no longer take the money
  await t.pay(cardTry.body.payment.checkoutUrl).catch(() => undefined);
  await waitFor('posted', async () => (await t.request('GET', `/v1/me/bill-payments/${wallet.body.id}`, { token: c.token })).body.status === 'posted');
  assert.equal((await t.tg.services.internalAccounting.service.paymentsForBill(bill.id)).length, 1);
  await t.settle();
  assert.equal(await paymentStatus(cardTry.body.payment.id), 'voided');
  assert.equal(await t.balance(c), 30_000 - bill.amount.amount);
  await t.assertBalanced();
});

test('not enough money for the wallet payment: the pending card attempt is left as it was', async () => {
  const c = await t.customer('switchpoor');
  const [bill] = await openBills(c);
  const cardTry = await payBill(c, bill.id, card);
  assert.equal(cardTry.status, 201);
  const wallet = await payBill(c, bill.id, { method: 'wallet' });
  assert.equal(wallet.status, 422, JSON.stringify(wallet.body));
  assert.equal(wallet.body.error.code, 'insufficient_funds');
  assert.equal((await t.request('GET', `/v1/me/bill-payments/${cardTry.body.id}`, { token: c.token })).body.status, 'awaiting_payment');
  assert.equal(await paymentStatus(cardTry.body.payment.id), 'pending');
});

test('the sweep fails card attempts older than the TTL and voids them; the bill can be paid again', async () => {
  const c = await t.customer('sweep');
  const [bill] = await openBills(c);
  const fresh = await payBill(c, bill.id, card);
  assert.equal(fresh.status, 201);
  const pa = t.tg.services.personalArea;
  assert.equal(await pa.expireCardAttempts(), 0, 'a fresh attempt is kept');
  await db().query(`UPDATE pa_bill_payments SET created_at = now() - interval '31 minutes' WHERE id = $1`, [fresh.body.id]);
  assert.equal(await pa.expireCardAttempts(), 1);
  assert.equal(await pa.expireCardAttempts(), 0, 'once');
  assert.equal((await t.request('GET', `/v1/me/bill-payments/${fresh.body.id}`, { token: c.token })).body.status, 'failed');
  await waitFor('voided', async () => (await paymentStatus(fresh.body.payment.id)) === 'voided');
  const next = await payBill(c, bill.id, card);
  assert.equal(next.status, 201, JSON.stringify(next.body));
  assert.notEqual(next.body.id, fresh.body.id);
  await t.pay(next.body.payment.checkoutUrl);
  await waitFor('posted', async () => (await t.request('GET', `/v1/me/bill-payments/${next.body.id}`, { token: c.token })).body.status === 'posted');
  await t.settle();
  await t.assertBalanced();
});

test('a gateway refund of a credited top-up takes the money back from the wallet once, even delivered 3×', async () => {
  const c = await t.customer('refund');
  const top = await t.topup(c, 4_000);
  assert.equal(await t.balance(c), 4_000);
  const p = { paymentId: top.paymentId, checkoutUrl: top.checkoutUrl, amount: 4_000, currency: 'USD' };
  const event = sandboxEvent('payment.refunded', p);
  for (const e of [event, event, sandboxEvent('payment.refunded', p)]) assert.equal((await t.webhook(e)).status, 200);
  await t.settle();
  assert.equal(await t.balance(c), 0);
  assert.equal(await transfers(`topup-refund:${top.id}`), 1);
  assert.equal(await transfers(`topup-refund:${top.id}:suspense`), 0);
  const history = (await t.request('GET', '/v1/me/transactions', { token: c.token })).body.data;
  assert.deepEqual(history.map((x: any) => [x.kind, x.direction, x.amount.amount]).sort(), [['chargeback', 'out', 4_000], ['topup', 'in', 4_000]]);
  assert.equal((await alerts(top.id)).filter((a) => a.kind === 'topup.refunded').length, 1);
  const shown = await t.request('GET', `/v1/me/topups/${top.id}`, { token: c.token });
  assert.equal(shown.body.status, 'refunded', 'the top-up says it was refunded');
  assert.ok(shown.body.transactionId, 'and still links the credit it was');
  await t.assertBalanced();
});

test('a refund after the money was spent: the wallet gives what it has, the rest comes from suspense, critical alert', async () => {
  const c = await t.customer('spent');
  const top = await t.topup(c, 20_000);
  const [bill] = await openBills(c);
  const paid = await payBill(c, bill.id, { method: 'wallet' });
  assert.equal(paid.status, 201, JSON.stringify(paid.body));
  const left = 20_000 - bill.amount.amount;
  assert.equal(await t.balance(c), left);
  assert.equal((await t.webhook(sandboxEvent('payment.refunded', { paymentId: top.paymentId, checkoutUrl: top.checkoutUrl, amount: 20_000, currency: 'USD' }))).status, 200);
  await t.settle();
  assert.equal(await t.balance(c), 0, 'never below zero');
  const [suspenseLeg] = await db().query<{ amount: string }>(`SELECT amount::text FROM ledger_transfers WHERE client_id = $1`, [`topup-refund:${top.id}:suspense`]);
  assert.equal(Number(suspenseLeg.amount), bill.amount.amount);
  assert.equal(await transfers(`topup-refund:${top.id}`), left > 0 ? 1 : 0);
  const a = await alerts(top.id);
  assert.ok(a.some((x) => x.severity === 'critical' && x.kind === 'topup.refund_shortfall'), JSON.stringify(a));
  await t.assertBalanced();
});

test('a gateway refund of a bill paid by card: the wallet (then suspense) gives the money back, staff get a critical alert', async () => {
  const c = await t.customer('billrefund');
  const [bill] = await openBills(c);
  const r = await payBill(c, bill.id, card);
  assert.equal(r.status, 201);
  await t.pay(r.body.payment.checkoutUrl);
  await waitFor('posted', async () => (await t.request('GET', `/v1/me/bill-payments/${r.body.id}`, { token: c.token })).body.status === 'posted');
  const ev = sandboxEvent('payment.refunded', { paymentId: r.body.payment.id, checkoutUrl: r.body.payment.checkoutUrl, amount: bill.amount.amount, currency: 'USD' });
  assert.equal((await t.webhook(ev)).status, 200);
  assert.equal((await t.webhook(ev)).status, 200);
  await t.settle();
  assert.equal(await t.balance(c), 0);
  const [leg] = await db().query<{ amount: string }>(`SELECT amount::text FROM ledger_transfers WHERE client_id = $1`, [`bill-refund:${r.body.id}:suspense`]);
  assert.equal(Number(leg.amount), bill.amount.amount, 'the wallet was empty: all of it from suspense');
  const a = await alerts(r.body.id);
  assert.deepEqual(a.filter((x) => x.kind === 'bill_payment.card_refunded').map((x) => x.severity), ['critical']);
  await t.assertBalanced();
});
