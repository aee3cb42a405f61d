import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPersonalAreaApp, type Customer, type PaTestApp } from './personal-area.testing.ts';

let t: PaTestApp;
// every demo bill is above this: paying needs a second factor younger than 5 minutes
before(async () => { t = await startPersonalAreaApp({ STEP_UP_THRESHOLD_MINOR: '1000' }); });
after(async () => { t?.tg.services.internalAccounting.outage.set({ down: false }); await t?.close(); });

const ia = () => t.tg.services.internalAccounting;
const openBills = async (c: Customer) => {
  const r = await t.request('GET', '/v1/me/bills?status=open', { token: c.token });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.data as Array<{ id: string; amount: { amount: number; currency: string }; status: string; description: string; dueDate: string; contractId: string | null }>;
};
const payBill = (c: Customer, billId: string, body: unknown = { method: 'wallet' }) => t.request('POST', `/v1/me/bills/${billId}/pay`, { token: c.token, body });
const postingsFor = async (billId: string) => t.tg.ctx.db.query<{ id: string; status: string; attempts: number }>(`SELECT id, status, attempts FROM bill_postings WHERE bill_id = $1`, [billId]);
async function waitPayment(c: Customer, id: string, status: string, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  let last: any;
  while (Date.now() < until) {
    last = (await t.request('GET', `/v1/me/bill-payments/${id}`, { token: c.token })).body;
    if (last.status === status) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`bill payment ${id} did not become ${status}: ${JSON.stringify(last)}`);
}

test('bills come from the internal system through the gateway; the first call enrols the customer', async () => {
  const c = await t.customer('bills');
  assert.equal((await t.tg.services.customers.getCustomer(c.customerId))!.externalRef, null);
  const bills = await openBills(c);
  assert.ok(bills.length >= 2);
  for (const b of bills) {
    assert.match(b.id, /^bil_/);
    assert.equal(b.status, 'open');
    assert.equal(b.amount.currency, 'USD');
    assert.ok(Number.isInteger(b.amount.amount) && b.amount.amount > 0);
    assert.match(b.dueDate, /^\d{4}-\d{2}-\d{2}$/);
  }
  assert.equal((await t.tg.services.customers.getCustomer(c.customerId))!.externalRef, c.customerId);
  const paid = await t.request('GET', '/v1/me/bills?status=paid', { token: c.token });
  assert.ok(paid.body.data.every((b: any) => b.status === 'paid'));
  assert.equal((await t.request('GET', '/v1/me/bills?status=overdue', { token: c.token })).status, 400);
});

test('paying a bill from the wallet: one debit, one payment in the internal system, posted; paying it again changes nothing', async () => {
  const c = await t.customer('payer');
  await t.topup(c, 20_000);
  const [bill] = await openBills(c);
  const r = await payBill(c, bill.id);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.match(r.body.id, /^bpy_/);
  assert.ok(['queued', 'posted'].includes(r.body.status));
  assert.match(r.body.transactionId, /^ltr_/);
  assert.equal(await t.balance(c), 20_000 - bill.amount.amount);
  const posted = await waitPayment(c, r.body.id, 'posted');
  assert.equal(posted.transactionId, r.body.transactionId);
  const payments = await ia().service.paymentsForBill(bill.id);
  assert.equal(payments.length, 1);
  assert.equal(payments[0].amount, bill.amount.amount);
  assert.ok((await openBills(c)).every((b) => b.id !== bill.id));
  // the bill is paid now: another attempt is refused and nothing moves
  const again = await payBill(c, bill.id);
  assert.equal(again.status, 409, JSON.stringify(again.body));
  assert.equal(await t.balance(c), 20_000 - bill.amount.amount);
  const txn = await t.request('GET', `/v1/me/transactions/${r.body.transactionId}`, { token: c.token });
  assert.deepEqual({ kind: txn.body.kind, direction: txn.body.direction, amount: txn.body.amount, reference: txn.body.reference }, { kind: 'bill_payment', direction: 'out', amount: bill.amount, reference: r.body.id });
  const list = await t.request('GET', '/v1/me/bill-payments', { token: c.token });
  assert.deepEqual(list.body.data.map((p: any) => [p.id, p.status]), [[r.body.id, 'posted']]);
  await t.settle();
  await t.assertBalanced();
});

test('five concurrent payments of the same bill: one debit, one posting', async () => {
  const c = await t.customer('racer');
  await t.topup(c, 30_000);
  const [bill] = await openBills(c);
  const rs = await Promise.all(Array.from({ length: 5 }, () => payBill(c, bill.id)));
  // the guarded gateway lets GATEWAY_CONCURRENCY_PER_CUSTOMER (2) of them reach the internal system at once; the rest may get 429
  for (const r of rs) assert.ok([201, 409, 429].includes(r.status), JSON.stringify(r.body));
  assert.ok(rs.some((r) => r.status === 201), 'one of them pays');
  const ids = new Set(rs.filter((r) => r.status === 201).map((r) => r.body.id));
  assert.equal(ids.size, 1, 'every successful answer names the same payment');
  await waitPayment(c, [...ids][0], 'posted');
  assert.equal(await t.balance(c), 30_000 - bill.amount.amount);
  assert.equal((await postingsFor(bill.id)).length, 1);
  assert.equal((await ia().service.paymentsForBill(bill.id)).length, 1);
  await t.settle();
  await t.assertBalanced();
});

test('not enough money: 422 insufficient_funds, nothing debited, nothing queued', async () => {
  const c = await t.customer('poor');
  await t.topup(c, 500);
  const [bill] = await openBills(c);
  const r = await payBill(c, bill.id);
  assert.equal(r.status, 422);
  assert.equal(r.body.error.code, 'insufficient_funds');
  assert.equal(await t.balance(c), 500);
  assert.equal((await postingsFor(bill.id)).length, 0);
  assert.deepEqual((await t.request('GET', '/v1/me/bill-payments', { token: c.token })).body.data, []);
  assert.equal((await ia().service.paymentsForBill(bill.id)).length, 0);
  await t.assertBalanced();
});

test('internal system down: the payment is queued, retried, and posted once when the system is back', async () => {
  const c = await t.customer('outage');
  await t.topup(c, 20_000);
  const [bill] = await openBills(c); // seen while the system was up
  ia().outage.set({ down: true, mode: 'error' });
  let r;
  try {
    r = await payBill(c, bill.id);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.status, 'queued');
    assert.equal(await t.balance(c), 20_000 - bill.amount.amount, 'the wallet is debited at once');
    // the job tries and fails while the system is down
    const until = Date.now() + 20_000;
    while (Date.now() < until && ((await postingsFor(bill.id))[0]?.attempts ?? 0) < 2) await new Promise((res) => setTimeout(res, 100));
    const [p] = await postingsFor(bill.id);
    assert.ok(p.attempts >= 2, `attempts: ${p.attempts}`);
    assert.equal(p.status, 'queued');
    assert.equal((await t.request('GET', `/v1/me/bill-payments/${r.body.id}`, { token: c.token })).body.status, 'queued');
  } finally {
    ia().outage.set({ down: false });
  }
  await waitPayment(c, r.body.id, 'posted', 60_000);
  const payments = await ia().service.paymentsForBill(bill.id);
  assert.equal(payments.length, 1, 'posted exactly once');
  assert.equal(payments[0].reference, r.body.transactionId);
  assert.equal(await t.balance(c), 20_000 - bill.amount.amount);
  await t.settle();
  await t.assertBalanced();
});

test('the internal system refuses a queued payment for good (the bill was paid elsewhere meanwhile): the wallet is refunded', async () => {
  const c = await t.customer('refused');
  await t.topup(c, 20_000);
  const [bill] = await openBills(c);
  ia().outage.set({ down: true, mode: 'error' });
  let r;
  try {
    r = await payBill(c, bill.id);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    // paid at the counter while our posting waits
    const outcome = await ia().service.pay({ idempotencyKey: `counter:${bill.id}`, billId: bill.id, amount: bill.amount.amount, currency: 'USD', reference: 'Cash at the counter', paidAt: new Date() });
    assert.equal(outcome.status, 'created');
  } finally {
    ia().outage.set({ down: false });
  }
  const refunded = await waitPayment(c, r.body.id, 'refunded', 60_000);
  assert.match(refunded.refundTransactionId, /^ltr_/);
  assert.equal(await t.balance(c), 20_000, 'the money is back');
  const refund = await t.request('GET', `/v1/me/transactions/${refunded.refundTransactionId}`, { token: c.token });
  assert.deepEqual({ kind: refund.body.kind, direction: refund.body.direction, amount: refund.body.amount }, { kind: 'refund', direction: 'in', amount: bill.amount });
  assert.equal((await ia().service.paymentsForBill(bill.id)).length, 1, 'only the counter payment');
  await t.settle();
  await t.assertBalanced();
});

test('paying a bill by card: the card money goes through the wallet to the bill, posted once', async () => {
  const c = await t.customer('card');
  const [bill] = await openBills(c);
  const r = await payBill(c, bill.id, { method: 'gateway', gateway: 'sandbox' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.status, 'awaiting_payment');
  assert.match(r.body.payment.checkoutUrl, /\/sandbox\/checkout\//);
  await t.pay(r.body.payment.checkoutUrl);
  await waitPayment(c, r.body.id, 'posted');
  assert.equal(await t.balance(c), 0);
  assert.equal((await ia().service.paymentsForBill(bill.id)).length, 1);
  const history = (await t.request('GET', '/v1/me/transactions', { token: c.token })).body.data;
  assert.deepEqual(history.map((x: any) => [x.kind, x.direction, x.amount.amount]).sort(), [['bill_payment', 'out', bill.amount.amount], ['topup', 'in', bill.amount.amount]].sort());
  await t.settle();
  await t.assertBalanced();
});

test('bad requests: unknown bill 404, bad method 400, unknown gateway 422 — and nothing is written', async () => {
  const c = await t.customer('badbill');
  await t.topup(c, 20_000);
  const [bill] = await openBills(c);
  const unknown = await payBill(c, 'bil_01jzzzzzzzzzzzzzzzzzzzzzzz');
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error.code, 'not_found');
  for (const body of [{ method: 'cash' }, {}, { method: 'wallet', amount: 1 }]) {
    const r = await payBill(c, bill.id, body);
    assert.equal(r.status, 400, `${JSON.stringify(body)} → ${JSON.stringify(r.body)}`);
  }
  const gw = await payBill(c, bill.id, { method: 'gateway', gateway: 'nope' });
  assert.equal(gw.status, 422, JSON.stringify(gw.body));
  assert.equal((await t.request('POST', `/v1/me/bills/${encodeURIComponent('../../x')}/pay`, { token: c.token, body: { method: 'wallet' } })).status, 400);
  assert.equal(await t.balance(c), 20_000);
  assert.deepEqual((await t.request('GET', '/v1/me/bill-payments', { token: c.token })).body.data, []);
});

test('step-up: above the threshold a stale session gets 403 step_up_required; after a fresh second factor it pays', async () => {
  const c = await t.customer('stepup');
  await t.topup(c, 20_000);
  const [bill] = await openBills(c);
  t.advance(6 * 60_000); // the login's second factor is older than 5 minutes now
  const r = await payBill(c, bill.id);
  assert.equal(r.status, 403, JSON.stringify(r.body));
  assert.equal(r.body.error.code, 'step_up_required');
  assert.equal(await t.balance(c), 20_000);
  assert.equal((await postingsFor(bill.id)).length, 0);
  await t.stepUp(c);
  const ok = await payBill(c, bill.id);
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  await waitPayment(c, ok.body.id, 'posted');
  await t.settle();
  await t.assertBalanced();
});
