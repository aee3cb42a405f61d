import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { startInternalAccounting, type RunningInternalAccounting } from '../internal-accounting/internal-accounting.testing.ts';
import { HttpAccountingConnector, isPermanentRefusal, isTransientUpstream } from './connector.ts';
import { freePort } from '../../../test/support/app.ts';

let ia: RunningInternalAccounting;
let connector: HttpAccountingConnector;
before(async () => {
  ia = await startInternalAccounting();
  connector = new HttpAccountingConnector({ baseUrl: ia.baseUrl, apiKey: ia.apiKey });
});
after(async () => { await ia?.close(); });

const rejectsWith = (p: Promise<unknown>, code: string, extra: (e: any) => boolean = () => true) =>
  assert.rejects(p, (e: any) => {
    assert.equal(e.code, code, `${e.code}: ${e.message}`);
    assert.ok(extra(e), JSON.stringify(e.details));
    return true;
  });

test('the adapter speaks the API: enrol (idempotent), contracts, bills by status, one bill, a payment and its replay', async () => {
  const c = await connector.enrolCustomer('cus_conn_1', { name: 'Grace Hopper', email: 'grace@example.com' });
  assert.equal(c.created, true);
  const again = await connector.enrolCustomer('cus_conn_1', {});
  assert.deepEqual({ ...again, created: true }, c);
  assert.equal(again.created, false);
  assert.equal((await connector.listContracts('cus_conn_1')).length, 2);
  const open = await connector.listBills('cus_conn_1', 'open');
  assert.ok(open.length >= 2);
  assert.equal((await connector.listBills('cus_conn_1', 'paid')).length, 1);
  const bill = await connector.getBill(open[0].id);
  assert.deepEqual(bill, open[0]);
  const input = { idempotencyKey: 'bpy_conn_1', billId: bill.id, amount: bill.amount, reference: 'ltr_1', paidAt: new Date('2026-11-21T08:00:00Z') };
  const first = await connector.postPayment(input);
  assert.equal(first.replayed, false);
  const replay = await connector.postPayment({ ...input, paidAt: '2026-11-21T08:00:00.000Z' });
  assert.equal(replay.replayed, true);
  assert.deepEqual(replay.payment, first.payment);
});

test('HTTP answers map to AppError codes: 404 → not_found, 409 → conflict, 422 → unprocessable (permanent); 5xx, bad key, wrong URL → upstream_unavailable (transient)', async () => {
  await rejectsWith(connector.getBill('bil_01aaaaaaaaaaaaaaaaaaaaaaaa'), 'not_found', (e) => isPermanentRefusal(e) && e.details?.upstreamStatus === 404);
  await rejectsWith(connector.listBills('cus_never_enrolled'), 'not_found');

  await connector.enrolCustomer('cus_conn_2', {});
  const [bill] = await connector.listBills('cus_conn_2', 'open');
  const input = { idempotencyKey: 'bpy_conn_2', billId: bill.id, amount: bill.amount, reference: 'ltr_2', paidAt: '2026-11-21T08:00:00.000Z' };
  await rejectsWith(connector.postPayment({ ...input, amount: { ...bill.amount, amount: bill.amount.amount + 1 } }), 'unprocessable', (e) => isPermanentRefusal(e) && e.details?.upstreamCode === 'amount_mismatch');
  await connector.postPayment(input);
  await rejectsWith(connector.postPayment({ ...input, reference: 'another' }), 'conflict', (e) => isPermanentRefusal(e) && e.details?.upstreamCode === 'idempotency_key_reused');
  await rejectsWith(connector.postPayment({ ...input, idempotencyKey: 'bpy_conn_3' }), 'unprocessable', (e) => e.details?.upstreamCode === 'bill_already_paid');

  ia.system.outage.set({ down: true, mode: 'error' });
  try {
    await rejectsWith(connector.listBills('cus_conn_2'), 'upstream_unavailable', (e) => isTransientUpstream(e) && !isPermanentRefusal(e) && e.details?.upstreamStatus === 503);
  } finally {
    ia.system.outage.set({ down: false });
  }
  const badKey = new HttpAccountingConnector({ baseUrl: ia.baseUrl, apiKey: 'isk_wrong_key_0123456789' });
  await rejectsWith(badKey.listBills('cus_conn_2'), 'upstream_unavailable', (e) => e.details?.upstreamStatus === 401 && !isPermanentRefusal(e));
  // a base URL that is not the API: its 404s are not "no such bill"
  const wrongBase = new HttpAccountingConnector({ baseUrl: ia.baseUrl.replace('/api', '/nope'), apiKey: ia.apiKey });
  await rejectsWith(wrongBase.getBill(bill.id), 'upstream_unavailable', (e) => !isPermanentRefusal(e));
});

test('network errors → upstream_unavailable; a non-JSON answer or another server\'s 404 → upstream_unavailable; an aborted call or the adapter\'s own limit → upstream_timeout', async () => {
  const closed = new HttpAccountingConnector({ baseUrl: `http://127.0.0.1:${await freePort()}/api`, apiKey: 'k' });
  await rejectsWith(closed.listBills('cus_x'), 'upstream_unavailable', (e) => e.details === undefined && !e.message.includes('127.0.0.1'));

  const html = createServer((req, res) => {
    // another server's "not found" (e.g. Tollgate's own, at a wrong base URL) is not the system saying "no such bill"
    if (req.url?.includes('elsewhere')) return res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"not_found","message":"no route"}}');
    res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>');
  });
  await new Promise<void>((r) => html.listen(0, '127.0.0.1', r));
  try {
    const proxy = new HttpAccountingConnector({ baseUrl: `http://127.0.0.1:${(html.address() as { port: number }).port}`, apiKey: 'k' });
    await rejectsWith(proxy.getBill('bil_x'), 'upstream_unavailable');
    await rejectsWith(proxy.getBill('elsewhere'), 'upstream_unavailable', (e) => !isPermanentRefusal(e));
  } finally {
    html.close();
  }

  ia.system.outage.set({ down: true, mode: 'hang' });
  try {
    const ctrl = new AbortController();
    const call = connector.listBills('cus_conn_1', undefined, ctrl.signal);
    setTimeout(() => ctrl.abort(), 100);
    await rejectsWith(call, 'upstream_timeout');
    const impatient = new HttpAccountingConnector({ baseUrl: ia.baseUrl, apiKey: ia.apiKey, timeoutMs: 150 });
    await rejectsWith(impatient.listBills('cus_conn_1'), 'upstream_timeout');
  } finally {
    ia.system.outage.set({ down: false, mode: 'error' });
  }
});
