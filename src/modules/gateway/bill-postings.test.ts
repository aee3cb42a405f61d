import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';
import { newId } from '../../platform/ids.ts';
import { getJob } from '../../platform/jobs/queue.ts';
import type { DomainEventMap } from '../../platform/events.ts';
import { enqueueBillPosting, type Bill, type BillPosting } from './index.ts';

let t: TestApp;
const failedEvents: Array<DomainEventMap['bill_posting.failed']> = [];
before(async () => {
  // a short timeout makes "the reply came too late" cheap to stage; the breaker stays out of these tests' way
  t = await startTestApp({ GATEWAY_TIMEOUT_MS: '400', GATEWAY_BREAKER_FAILURES: '1000' });
  t.tg.ctx.events.on('bill_posting.failed', async (_trx, e) => { failedEvents.push(e); });
});
after(async () => { await t?.close(); });

const svc = () => t.tg.services;
const db = () => t.tg.ctx.db;

async function openBill(ref: string): Promise<Bill> {
  await svc().accounting.enrolCustomer(ref, {});
  const [bill] = await svc().accounting.listBills(ref, 'open');
  return bill;
}

async function post(ref: string, bill: Bill, amount = bill.amount.amount): Promise<string> {
  const id = newId('bpy');
  await db().tx((trx) => enqueueBillPosting(trx, { id, customerId: ref, billId: bill.id, amount, currency: bill.amount.currency, reference: `wallet payment for ${bill.number}` }));
  t.tg.ctx.worker.wake();
  return id;
}

async function posting(id: string): Promise<BillPosting> {
  return (await svc().billPostings.getPosting(id))!;
}

async function waitFor<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: T;
  do {
    last = await get();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  } while (Date.now() < until);
  throw new Error(`${what}: not reached in ${timeoutMs} ms; last ${JSON.stringify(last)}`);
}

/** Skips the job's backoff: its next attempt is due now. */
async function retryNow(postingId: string): Promise<void> {
  await db().query(`UPDATE jobs SET run_at = now() WHERE dedupe_key = $1 AND status = 'queued'`, [postingId]);
  t.tg.ctx.worker.wake();
}

const jobOf = async (postingId: string) => {
  const [row] = await db().query<{ id: string }>(`SELECT id FROM jobs WHERE dedupe_key = $1`, [postingId]);
  return (await getJob(db(), row.id))!;
};

test('internal system down → the posting stays queued while its job retries → system back → posted exactly once', async () => {
  const bill = await openBill('cus_outage_1');
  const outage = svc().internalAccounting.outage;
  outage.set({ down: true, mode: 'error' });
  let id: string;
  try {
    id = await post('cus_outage_1', bill);
    const p = await waitFor('a failed attempt', () => posting(id), (p) => p.attempts >= 1 && p.lastError !== null);
    assert.equal(p.status, 'queued');
    assert.match(p.lastError!, /upstream_unavailable/);
    // the posting records the failed attempt just before the worker hands the job back to the queue
    const job = await waitFor('the job back in the queue', () => jobOf(id), (j) => j.status !== 'running');
    assert.equal(job.status, 'queued', 'the job retries later');
    assert.equal(job.maxAttempts, 30);
    assert.equal((await svc().internalAccounting.service.paymentsForBill(bill.id)).length, 0);
  } finally {
    outage.set({ down: false });
  }
  await retryNow(id);
  const done = await waitFor('posted', () => posting(id), (p) => p.status === 'posted');
  const payments = await svc().internalAccounting.service.paymentsForBill(bill.id);
  assert.equal(payments.length, 1);
  assert.equal(done.internalPaymentId, payments[0].id);
  assert.equal(payments[0].idempotencyKey, id);
  assert.equal(payments[0].amount, bill.amount.amount);
  assert.equal((await svc().accounting.getBill(bill.id)).status, 'paid');
  assert.equal((await jobOf(id)).status, 'done');
  assert.deepEqual((await svc().billPostings.getPosting(id))!.history.map((h) => `${h.from}→${h.to}`), ['null→queued', 'queued→posted']);
});

test('the first attempt times out after the internal system recorded the payment: the retry gets the same payment back, never a second one', async () => {
  const bill = await openBill('cus_lost_reply');
  const outage = svc().internalAccounting.outage;
  outage.set({ lateReplyMs: 1_500 }); // the system records the payment, then answers after the gateway's 400 ms timeout
  let id: string;
  try {
    id = await post('cus_lost_reply', bill);
    const p = await waitFor('a timed-out attempt', () => posting(id), (p) => p.attempts >= 1 && p.lastError !== null);
    assert.equal(p.status, 'queued');
    assert.match(p.lastError!, /upstream_timeout/);
    assert.equal((await svc().internalAccounting.service.paymentsForBill(bill.id)).length, 1, 'the system did record it');
  } finally {
    outage.set({ lateReplyMs: 0 });
  }
  await retryNow(id);
  const done = await waitFor('posted', () => posting(id), (p) => p.status === 'posted');
  const payments = await svc().internalAccounting.service.paymentsForBill(bill.id);
  assert.equal(payments.length, 1, 'exactly one payment in the internal system');
  assert.equal(done.internalPaymentId, payments[0].id);
  assert.deepEqual((await jobOf(id)).result, { posted: payments[0].id, replayed: true, moved: true });
  // running the job again changes nothing
  assert.deepEqual(await svc().billPostings.runPosting(id), { skipped: 'posted' });
});

test('a permanent refusal (amount mismatch) → failed, an alert and the bill_posting.failed event; the bill can then be paid again', async () => {
  const bill = await openBill('cus_refused');
  const id = await post('cus_refused', bill, bill.amount.amount + 1);
  const p = await waitFor('failed', () => posting(id), (p) => p.status === 'failed');
  assert.match(p.failureReason!, /amount_mismatch/);
  assert.equal(p.internalPaymentId, null);
  assert.equal((await svc().internalAccounting.service.paymentsForBill(bill.id)).length, 0);
  const [alert] = await db().query<{ kind: string; severity: string }>(`SELECT kind, severity FROM alerts WHERE subject_id = $1`, [id]);
  assert.deepEqual(alert, { kind: 'bill_posting.failed', severity: 'critical' });
  const e = failedEvents.find((x) => x.postingId === id);
  assert.ok(e, 'event emitted');
  assert.deepEqual({ ...e, reason: undefined }, { postingId: id, customerId: 'cus_refused', billId: bill.id, amount: bill.amount.amount + 1, currency: bill.amount.currency, reason: undefined, actor: 'system:bill-postings' });
  assert.match(e.reason, /amount_mismatch/);
  assert.equal((await jobOf(id)).status, 'done', 'no retries after a refusal');

  const again = await post('cus_refused', bill);
  assert.equal((await waitFor('posted', () => posting(again), (x) => x.status === 'posted')).status, 'posted');
  assert.equal((await svc().internalAccounting.service.paymentsForBill(bill.id)).length, 1);
});

test('enqueueBillPosting: commits with the caller\'s transaction or not at all; idempotent per id; one live posting per bill; bad input is refused', async () => {
  const bill = await openBill('cus_enqueue');
  const input = { id: newId('bpy'), customerId: 'cus_enqueue', billId: bill.id, amount: bill.amount.amount, currency: bill.amount.currency, reference: 'r1' };
  await assert.rejects(db().tx(async (trx) => {
    await enqueueBillPosting(trx, input);
    throw new Error('the wallet debit failed');
  }), /wallet debit failed/);
  assert.equal(await svc().billPostings.getPosting(input.id), null);
  assert.equal((await db().query(`SELECT 1 FROM jobs WHERE dedupe_key = $1`, [input.id])).length, 0, 'no job without the posting');

  // the worker stays out of this: assert the rows before anything posts them
  await t.tg.ctx.worker.stop();
  try {
    const first = await db().tx((trx) => enqueueBillPosting(trx, input));
    const replay = await db().tx((trx) => enqueueBillPosting(trx, input));
    assert.equal(replay.id, first.id);
    assert.equal((await db().query(`SELECT 1 FROM jobs WHERE dedupe_key = $1`, [input.id])).length, 1);
    await assert.rejects(db().tx((trx) => enqueueBillPosting(trx, { ...input, id: newId('bpy') })), (e: any) => e.code === 'conflict' && e.status === 409);
    await assert.rejects(db().tx((trx) => enqueueBillPosting(trx, { ...input, amount: 1 })), (e: any) => e.code === 'conflict');
    for (const bad of [{ id: 'pay_01aaaaaaaaaaaaaaaaaaaaaaaa' }, { amount: 0 }, { amount: 1.5 }, { currency: 'usd' }, { reference: '' }, { billId: '' }]) {
      await assert.rejects(db().tx((trx) => enqueueBillPosting(trx, { ...input, id: newId('bpy'), ...bad })), (e: any) => e.code === 'validation_failed', JSON.stringify(bad));
    }
    await assert.rejects(enqueueBillPosting(db(), { ...input, id: newId('bpy') }), /transaction/);
    assert.equal((await svc().billPostings.listPostings('cus_enqueue')).length, 1);
  } finally {
    t.tg.ctx.worker.start();
  }
  await waitFor('posted', () => posting(input.id), (p) => p.status === 'posted');
});

test('console API: bill postings by status and one with its history (ledger:read); gateway metrics (security:read); 401 without a session', async () => {
  const bill = await openBill('cus_console');
  const id = await post('cus_console', bill);
  await waitFor('posted', () => posting(id), (p) => p.status === 'posted');

  const list = await t.request('GET', '/v1/admin/bill-postings?status=posted&customerId=cus_console', { token: t.adminToken });
  assert.equal(list.status, 200);
  assert.equal(list.body.data.length, 1);
  assert.deepEqual(list.body.data[0].amount, bill.amount);
  assert.equal(list.body.data[0].status, 'posted');
  assert.equal((await t.request('GET', '/v1/admin/bill-postings?status=failed&customerId=cus_console', { token: t.adminToken })).body.data.length, 0);
  assert.equal((await t.request('GET', '/v1/admin/bill-postings?status=sent', { token: t.adminToken })).status, 400);

  const one = await t.request('GET', `/v1/admin/bill-postings/${id}`, { token: t.adminToken });
  assert.equal(one.status, 200);
  assert.equal(one.body.internalPaymentId, (await svc().internalAccounting.service.paymentsForBill(bill.id))[0].id);
  assert.deepEqual(one.body.history.map((h: any) => h.to), ['queued', 'posted']);
  assert.equal((await t.request('GET', `/v1/admin/bill-postings/${newId('bpy')}`, { token: t.adminToken })).status, 404);
  assert.equal((await t.request('GET', '/v1/admin/bill-postings')).status, 401);

  const g = await t.request('GET', '/v1/admin/gateway', { token: t.adminToken });
  assert.equal(g.status, 200);
  assert.equal(g.body.breaker.state, 'closed');
  assert.ok(g.body.calls >= 1 && g.body.successes >= 1);
  assert.equal(g.body.settings.timeoutMs, 400);
  assert.equal((await t.request('GET', '/v1/admin/gateway')).status, 401);
});
