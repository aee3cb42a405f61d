import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPersonalAreaApp, type Customer, type PaTestApp } from './personal-area.testing.ts';

let t: PaTestApp;
let c: Customer;
let txnId: string;
before(async () => {
  t = await startPersonalAreaApp();
  c = await t.customer('talk');
  txnId = (await t.topup(c, 1500)).transactionId;
});
after(async () => { await t?.close(); });

const admin = (method: string, path: string, body?: unknown) => t.request(method, path, { token: t.adminToken, body });

test('a comment on a transaction reaches support; the staff reply shows among the transaction\'s comments', async () => {
  const text = 'Why is this <b>1500</b>? I paid "15.00" & expected that.';
  const r = await t.request('POST', `/v1/me/transactions/${txnId}/comments`, { token: c.token, body: { text: `  ${text}\n` } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.match(r.body.id, /^cmt_/);
  assert.deepEqual({ from: r.body.from, text: r.body.text }, { from: 'customer', text }, 'plain text, kept as written (trimmed)');
  const listed = (await t.request('GET', '/v1/me/transactions', { token: c.token })).body.data.find((x: any) => x.id === txnId);
  assert.equal(listed.commentsCount, 1);

  const inbox = await admin('GET', '/v1/admin/feedback?status=open');
  assert.equal(inbox.status, 200);
  const row = inbox.body.data.find((x: any) => x.transactionId === txnId);
  assert.ok(row, 'the comment thread is in the staff inbox');
  assert.deepEqual({ kind: row.kind, customerId: row.customerId, messages: row.messages }, { kind: 'comments', customerId: c.customerId, messages: 1 });
  const detail = await admin('GET', `/v1/admin/feedback/${row.id}`);
  assert.equal(detail.body.customer.id, c.customerId);
  assert.notEqual(detail.body.customer.email, c.email);
  assert.match(detail.body.customer.email, /•.*@example\.com$/);
  assert.equal(detail.body.transactionId, txnId);
  const reply = await admin('POST', `/v1/admin/feedback/${row.id}/reply`, { text: 'It is 15.00 USD: amounts are in cents.' });
  assert.equal(reply.status, 201, JSON.stringify(reply.body));
  const [audit] = await t.tg.ctx.db.query<{ actor: string }>(`SELECT actor FROM audit_log WHERE action = 'feedback.replied' AND subject_id = $1`, [row.id]);
  assert.ok(audit, 'the reply is audited');

  const txn = await t.request('GET', `/v1/me/transactions/${txnId}`, { token: c.token });
  assert.deepEqual(txn.body.comments.map((m: any) => [m.from, m.text]), [['customer', text], ['staff', 'It is 15.00 USD: amounts are in cents.']]);
  assert.equal(txn.body.commentsCount, 2);
});

test('feedback threads: customer writes, staff answers, the customer sees it, writes again (reopens), staff closes', async () => {
  const r = await t.request('POST', '/v1/me/feedback', { token: c.token, body: { subject: 'The app', text: 'Please add dark mode.', transactionId: txnId } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.match(r.body.id, /^fbk_/);
  const reply = await admin('POST', `/v1/admin/feedback/${r.body.id}/reply`, { text: 'Noted, thank you!' });
  assert.equal(reply.status, 201);
  let mine = (await t.request('GET', '/v1/me/feedback', { token: c.token })).body.data.find((x: any) => x.id === r.body.id);
  assert.deepEqual({ subject: mine.subject, status: mine.status, transactionId: mine.transactionId }, { subject: 'The app', status: 'answered', transactionId: txnId });
  assert.deepEqual(mine.messages.map((m: any) => [m.from, m.text]), [['customer', 'Please add dark mode.'], ['staff', 'Noted, thank you!']]);
  assert.ok(mine.messages.every((m: any) => !('staffActor' in m)), 'the customer does not see who on the staff answered');

  const more = await t.request('POST', `/v1/me/feedback/${r.body.id}/messages`, { token: c.token, body: { text: 'And a widget.' } });
  assert.equal(more.status, 201);
  assert.equal((await t.request('GET', `/v1/me/feedback/${r.body.id}`, { token: c.token })).body.status, 'open');
  const closed = await admin('POST', `/v1/admin/feedback/${r.body.id}/close`);
  assert.deepEqual(closed.body, { id: r.body.id, status: 'closed' });
  assert.equal((await admin('POST', `/v1/admin/feedback/${r.body.id}/reply`, { text: 'late' })).status, 409);
  const byStatus = await admin('GET', '/v1/admin/feedback?status=closed');
  assert.ok(byStatus.body.data.some((x: any) => x.id === r.body.id));
  const byCustomer = await admin('GET', `/v1/admin/feedback?customerId=${c.customerId}`);
  assert.ok(byCustomer.body.data.length >= 2 && byCustomer.body.data.every((x: any) => x.customerId === c.customerId));
  assert.deepEqual((await admin('GET', '/v1/admin/feedback?customerId=cus_01jzzzzzzzzzzzzzzzzzzzzzzz')).body.data, []);
  await t.request('POST', `/v1/me/feedback/${r.body.id}/messages`, { token: c.token, body: { text: 'One more thing.' } });
  mine = (await t.request('GET', `/v1/me/feedback/${r.body.id}`, { token: c.token })).body;
  assert.equal(mine.status, 'open');
  assert.equal(mine.messages.length, 4);
  const general = await t.request('POST', '/v1/me/feedback', { token: c.token, body: { text: 'No subject, no transaction.' } });
  assert.equal(general.status, 201);
});

test('feedback input: empty, blank, too long, unknown fields, a bad transaction id → 4xx; staff routes need a staff session', async () => {
  const cases: Array<[string, string, unknown, number]> = [
    ['POST', '/v1/me/feedback', { text: '' }, 400],
    ['POST', '/v1/me/feedback', { text: '   \n\t ' }, 400],
    ['POST', '/v1/me/feedback', { text: 'x'.repeat(2001) }, 400],
    ['POST', '/v1/me/feedback', { text: 'hi', priority: 'high' }, 400],
    ['POST', '/v1/me/feedback', { text: 'hi', transactionId: 'ltr_nope' }, 400],
    ['POST', '/v1/me/feedback', { text: 'hi', transactionId: 'ltr_01jzzzzzzzzzzzzzzzzzzzzzzz' }, 404],
    ['POST', `/v1/me/transactions/${txnId}/comments`, { text: '' }, 400],
    ['POST', '/v1/me/transactions/ltr_01jzzzzzzzzzzzzzzzzzzzzzzz/comments', { text: 'hi' }, 404],
    ['POST', '/v1/me/feedback/fbk_01jzzzzzzzzzzzzzzzzzzzzzzz/messages', { text: 'hi' }, 404],
  ];
  for (const [method, path, body, status] of cases) {
    const r = await t.request(method, path, { token: c.token, body });
    assert.equal(r.status, status, `${method} ${path} ${JSON.stringify(body)} → ${r.status} ${JSON.stringify(r.body)}`);
    assert.equal(typeof r.body.error.code, 'string');
  }
  assert.equal((await t.request('GET', '/v1/admin/feedback')).status, 401);
  assert.equal((await t.request('GET', '/v1/admin/feedback', { token: c.token })).status, 401, 'a customer token is not a staff session');
  assert.equal((await admin('POST', '/v1/admin/feedback/fbk_01jzzzzzzzzzzzzzzzzzzzzzzz/reply', { text: 'x' })).status, 404);
  assert.equal((await admin('GET', '/v1/admin/feedback?status=weird')).status, 400);
});

test('payees and transfers: step-up to add a payee, the payee sees the money arrive live, replays are one transfer', async () => {
  const a = await t.customer('sender');
  const b = await t.customer('receiver');
  await t.topup(a, 10_000);
  t.advance(6 * 60_000); // the login's second factor is stale now
  const stale = await t.request('POST', '/v1/me/payees', { token: a.token, body: { email: b.email, name: 'Bob' } });
  assert.equal(stale.status, 403);
  assert.equal(stale.body.error.code, 'step_up_required');
  await t.stepUp(a);
  const p = await t.request('POST', '/v1/me/payees', { token: a.token, body: { email: b.email.toUpperCase(), name: 'Bob' } });
  assert.equal(p.status, 201, JSON.stringify(p.body));
  assert.match(p.body.id, /^pye_/);
  assert.equal(p.body.name, 'Bob');
  assert.notEqual(p.body.label, b.email);
  const [stored] = await t.tg.ctx.db.query<{ name_enc: string }>(`SELECT name_enc FROM pa_payees WHERE id = $1`, [p.body.id]);
  assert.ok(!stored.name_enc.includes('Bob'), 'the name is encrypted at rest');
  assert.equal((await t.request('POST', '/v1/me/payees', { token: a.token, body: { email: 'nobody@example.com' } })).status, 422);
  assert.equal((await t.request('POST', '/v1/me/payees', { token: a.token, body: { email: a.email } })).status, 422);
  assert.equal((await t.request('POST', '/v1/me/payees', { token: a.token, body: { email: 'not-an-email' } })).status, 400);
  assert.equal((await t.request('POST', '/v1/me/payees', { token: a.token, body: { phone: b.phone } })).status, 201, 'by phone: the same payee');
  assert.equal((await t.request('GET', '/v1/me/payees', { token: a.token })).body.data.length, 1);

  const live = await t.sse(b);
  await live.next((e) => e.event === 'balance');
  const send = (amount: number, key: string) => t.request('POST', '/v1/me/transfers', { token: a.token, body: { payeeId: p.body.id, amount: { amount, currency: 'USD' }, description: 'Dinner', idempotencyKey: key } });
  const s = await send(2500, 'dinner-2026-11-21');
  assert.equal(s.status, 201, JSON.stringify(s.body));
  assert.deepEqual({ kind: s.body.kind, direction: s.body.direction, amount: s.body.amount, status: s.body.status }, { kind: 'transfer', direction: 'out', amount: { amount: 2500, currency: 'USD' }, status: 'posted' });
  const seen = await live.next((e) => e.event === 'transaction' && e.data.id === s.body.id);
  assert.equal(seen.data.direction, 'in');
  assert.match(seen.data.description, /^Transfer from .*•.*: Dinner$/);
  assert.ok(!seen.data.description.includes(a.email));
  live.close();
  const replay = await send(2500, 'dinner-2026-11-21');
  assert.equal(replay.body.id, s.body.id, 'the same key and contents: the first transfer');
  const reused = await send(2600, 'dinner-2026-11-21');
  assert.equal(reused.status, 422);
  assert.equal(reused.body.error.code, 'transfer_id_reused');
  const poor = await send(999_999, 'too-much-0001');
  assert.equal(poor.status, 422);
  assert.equal(poor.body.error.code, 'insufficient_funds');
  assert.equal(await t.balance(a), 7500);
  assert.equal(await t.balance(b), 2500);
  t.advance(6 * 60_000);
  const big = await send(600_00, 'big-one-0001');
  assert.equal(big.status, 403, 'above the threshold with a stale second factor');
  await t.assertBalanced();
});
