import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startInternalAccounting, type RunningInternalAccounting } from './internal-accounting.testing.ts';

let ia: RunningInternalAccounting;
before(async () => { ia = await startInternalAccounting({ currency: 'EUR' }); });
after(async () => { await ia?.close(); });

const pay = (body: Record<string, unknown>) => ia.request('POST', '/payments', body);

test('every route needs the API key: none or a wrong one is 401 (the outage switch too)', async () => {
  for (const headers of [{ 'x-api-key': '' }, { 'x-api-key': 'isk_wrong_key_0123456789' }, { 'x-api-key': `${ia.apiKey}x` }]) {
    const r = await ia.request('GET', '/customers/cus_a/bills', undefined, headers);
    assert.equal(r.status, 401);
    assert.equal(r.body.error.code, 'unauthorized');
  }
  const noHeader = await fetch(`${ia.baseUrl}/bills/bil_x`);
  assert.equal(noHeader.status, 401);
  const admin = await ia.request('POST', '/_admin/outage', { down: true }, { 'x-api-key': 'nope' });
  assert.equal(admin.status, 401);
  assert.equal(ia.system.outage.get().down, false);
});

test('enrol is idempotent; a new customer gets two contracts and two or three open bills (plus one paid) in the wallet currency', async () => {
  const first = await ia.request('PUT', '/customers/cus_enrol_1', { name: 'Ada Lovelace', email: 'ada@example.com' });
  assert.equal(first.status, 201);
  assert.match(first.body.accountNo, /^ACC-\d{8}$/);
  const again = await ia.request('PUT', '/customers/cus_enrol_1', {});
  assert.equal(again.status, 200);
  assert.deepEqual(again.body, first.body);
  const [a, b] = await Promise.all([ia.request('PUT', '/customers/cus_enrol_2', {}), ia.request('PUT', '/customers/cus_enrol_2', {})]);
  assert.deepEqual([a.status, b.status].sort(), [200, 201], 'two concurrent enrolments make one customer');
  assert.equal(a.body.id, b.body.id);

  const contracts = (await ia.request('GET', '/customers/cus_enrol_1/contracts')).body.data;
  assert.equal(contracts.length, 2);
  assert.ok(contracts.every((c: any) => c.status === 'active' && /^CN-\d{4}-\d{7}$/.test(c.number) && c.monthlyAmount.currency === 'EUR'));
  const open = (await ia.request('GET', '/customers/cus_enrol_1/bills?status=open')).body.data;
  assert.ok(open.length >= 2 && open.length <= 3, `open bills: ${open.length}`);
  for (const bill of open) {
    assert.equal(bill.status, 'open');
    assert.ok(Number.isInteger(bill.amount.amount) && bill.amount.amount > 0);
    assert.equal(bill.amount.currency, 'EUR');
    assert.deepEqual(bill.openAmount, bill.amount);
    assert.match(bill.dueOn, /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(contracts.some((c: any) => c.id === bill.contractId));
  }
  const paid = (await ia.request('GET', '/customers/cus_enrol_1/bills?status=paid')).body.data;
  assert.equal(paid.length, 1);
  assert.equal(paid[0].openAmount.amount, 0);
  assert.ok(paid[0].paymentId);
  const all = (await ia.request('GET', '/customers/cus_enrol_1/bills')).body.data;
  assert.equal(all.length, open.length + 1);
  // the name and e-mail are not stored in clear
  const [row] = await ia.db.query<{ name_enc: string; email_enc: string }>(`SELECT name_enc, email_enc FROM ia_customers WHERE ref = 'cus_enrol_1'`);
  assert.ok(row.name_enc && !row.name_enc.includes('Ada') && !row.email_enc.includes('ada@'));
});

test('unknown customers and bills are 404; malformed input is 400', async () => {
  assert.equal((await ia.request('GET', '/customers/cus_nobody/bills')).status, 404);
  assert.equal((await ia.request('GET', '/customers/cus_nobody/contracts')).status, 404);
  const bill = await ia.request('GET', '/bills/bil_01aaaaaaaaaaaaaaaaaaaaaaaa');
  assert.equal(bill.status, 404);
  assert.equal(bill.body.error.code, 'not_found');
  assert.equal((await ia.request('GET', '/customers/cus_x/bills?status=overdue')).status, 400);
  assert.equal((await ia.request('PUT', '/customers/bad%20ref', {})).status, 400);
  assert.equal((await pay({ idempotencyKey: 'k', billId: 'b', amount: { amount: 1.5, currency: 'EUR' }, reference: 'r', paidAt: new Date().toISOString() })).status, 400);
  assert.equal((await pay({ idempotencyKey: 'k', billId: 'b', amount: { amount: 100, currency: 'EUR' }, reference: 'r', paidAt: 'yesterday' })).status, 400);
});

test('payments: replay with the same key and contents → 200 and the same payment; same key, other contents → 409; wrong amount or a bill paid by another payment → 422', async () => {
  await ia.request('PUT', '/customers/cus_payer', {});
  const [bill, other] = (await ia.request('GET', '/customers/cus_payer/bills?status=open')).body.data;
  const body = { idempotencyKey: 'bpy_key_1', billId: bill.id, amount: bill.amount, reference: 'wallet ltr_1', paidAt: '2026-11-20T10:00:00.000Z' };

  const wrong = await pay({ ...body, amount: { amount: bill.amount.amount - 1, currency: bill.amount.currency } });
  assert.equal(wrong.status, 422);
  assert.equal(wrong.body.error.code, 'amount_mismatch');
  assert.equal((await pay({ ...body, amount: { amount: bill.amount.amount, currency: 'GBP' } })).status, 422, 'another currency');

  const created = await pay(body);
  assert.equal(created.status, 201);
  assert.equal(created.body.billId, bill.id);
  assert.deepEqual(created.body.amount, bill.amount);
  const replay = await pay(body);
  assert.equal(replay.status, 200);
  assert.deepEqual(replay.body, created.body);

  const reused = await pay({ ...body, reference: 'something else' });
  assert.equal(reused.status, 409);
  assert.equal(reused.body.error.code, 'idempotency_key_reused');
  assert.equal((await pay({ ...body, billId: other.id, amount: other.amount })).status, 409, 'the key belongs to the first payment');

  const second = await pay({ ...body, idempotencyKey: 'bpy_key_2' });
  assert.equal(second.status, 422);
  assert.equal(second.body.error.code, 'bill_already_paid');

  const after = (await ia.request('GET', `/bills/${bill.id}`)).body;
  assert.equal(after.status, 'paid');
  assert.equal(after.paymentId, created.body.id);
  assert.equal(after.openAmount.amount, 0);
  assert.equal((await ia.system.service.paymentsForBill(bill.id)).length, 1);
  const missing = await pay({ ...body, idempotencyKey: 'bpy_key_3', billId: 'bil_01aaaaaaaaaaaaaaaaaaaaaaaa' });
  assert.equal(missing.status, 404);
});

test('concurrent payments with the same key make one payment; both callers get it', async () => {
  await ia.request('PUT', '/customers/cus_racer', {});
  const [bill] = (await ia.request('GET', '/customers/cus_racer/bills?status=open')).body.data;
  const body = { idempotencyKey: 'bpy_race', billId: bill.id, amount: bill.amount, reference: 'r', paidAt: '2026-11-20T10:00:00.000Z' };
  const results = await Promise.all([pay(body), pay(body), pay(body)]);
  assert.deepEqual(results.map((r) => r.status).sort(), [200, 200, 201]);
  assert.equal(new Set(results.map((r) => r.body.id)).size, 1);
  assert.equal((await ia.system.service.paymentsForBill(bill.id)).length, 1);
});

test('the outage switch: while down every call answers 503 (mode error); latency slows calls down; back up, calls work again', async () => {
  await ia.request('PUT', '/customers/cus_outage', {});
  const set = await ia.request('POST', '/_admin/outage', { down: true });
  assert.equal(set.status, 200);
  assert.deepEqual(set.body, { down: true, mode: 'error', latencyMs: 0, lateReplyMs: 0 });
  const r = await ia.request('GET', '/customers/cus_outage/bills');
  assert.equal(r.status, 503);
  assert.equal(r.body.error.code, 'unavailable');
  assert.equal((await ia.request('GET', '/_admin/outage')).body.down, true, 'the switch itself still answers');

  // hang: no answer until the caller gives up
  await ia.request('POST', '/_admin/outage', { down: true, mode: 'hang' });
  await assert.rejects(fetch(`${ia.baseUrl}/customers/cus_outage/bills`, { headers: { 'x-api-key': ia.apiKey }, signal: AbortSignal.timeout(300) }), { name: 'TimeoutError' });

  await ia.request('POST', '/_admin/outage', { down: false, mode: 'error', latencyMs: 200 });
  const t0 = Date.now();
  assert.equal((await ia.request('GET', '/customers/cus_outage/bills')).status, 200);
  assert.ok(Date.now() - t0 >= 190, 'latency is added');
  await ia.request('POST', '/_admin/outage', { down: false, latencyMs: 0 });
});
