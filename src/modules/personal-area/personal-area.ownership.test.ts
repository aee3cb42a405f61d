import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { SecuritySignal } from '../../platform/security.ts';
import { startPersonalAreaApp, type Customer, type PaTestApp } from './personal-area.testing.ts';
import { SoftAuthenticator } from '../customers/customers.testing.ts';

/**
 * Part 7: a customer can only ever reach their own data. Customer A owns one of each resource; customer B asks
 * for every one of them over every route that takes an id and gets exactly the answer an unknown id gets (404),
 * each such request is reported to the security monitor, and B's listings never show A's things.
 */
let t: PaTestApp;
let a: Customer;
let b: Customer;
const signals: SecuritySignal[] = [];
const own: Record<string, string> = {};

before(async () => {
  t = await startPersonalAreaApp();
  const monitor = t.tg.services.security;
  const record = monitor.record.bind(monitor);
  monitor.record = (s: SecuritySignal) => { signals.push(s); record(s); };
  a = await t.customer('alice');
  b = await t.customer('mallory');
  await t.topup(b, 5_000); // B has money and history of their own

  const top = await t.topup(a, 20_000);
  own.topup = top.id;
  own.transaction = top.transactionId;
  const bills = (await t.request('GET', '/v1/me/bills?status=open', { token: a.token })).body.data;
  own.bill = bills[0].id;
  own.openBill = bills[1].id;
  const bp = await t.request('POST', `/v1/me/bills/${own.bill}/pay`, { token: a.token, body: { method: 'wallet' } });
  assert.equal(bp.status, 201, JSON.stringify(bp.body));
  own.billPayment = bp.body.id;
  own.billTransaction = bp.body.transactionId;
  const receipt = await t.request('GET', `/v1/me/transactions/${own.transaction}/receipt`, { token: a.token });
  own.receiptCode = /class="code">([0-9A-Z-]{14})</.exec(receipt.body)![1];
  const cm = await t.request('POST', `/v1/me/transactions/${own.transaction}/comments`, { token: a.token, body: { text: 'mine' } });
  own.comment = cm.body.id;
  own.commentThread = (await t.request('GET', '/v1/me/feedback', { token: a.token })).body.data.find((x: any) => x.kind === 'comments').id;
  own.feedback = (await t.request('POST', '/v1/me/feedback', { token: a.token, body: { subject: 'private', text: 'about my money', transactionId: own.transaction } })).body.id;
  const payee = await t.request('POST', '/v1/me/payees', { token: a.token, body: { email: b.email, name: 'Mallory' } });
  assert.equal(payee.status, 201, JSON.stringify(payee.body));
  own.payee = payee.body.id;
  const tr = await t.request('POST', '/v1/me/transfers', { token: a.token, body: { payeeId: own.payee, amount: { amount: 100, currency: 'USD' }, idempotencyKey: 'gift-0001' } });
  assert.equal(tr.status, 201);
  own.transferOut = tr.body.id; // B is the receiving side of this one: it is B's too
});
after(async () => { await t?.close(); });

const unknown = (prefix: string) => `${prefix}_01jzzzzzzzzzzzzzzzzzzzzzzz`;

test('every route that takes an id answers B with the unknown-id 404 for each of A\'s resources, and reports it', async () => {
  type Probe = { name: string; method: string; path: (id: string) => string; body?: (id: string) => unknown; id: string; prefix: string };
  const probes: Probe[] = [
    { name: 'transaction', method: 'GET', path: (id) => `/v1/me/transactions/${id}`, id: own.transaction, prefix: 'ltr' },
    { name: 'bill transaction', method: 'GET', path: (id) => `/v1/me/transactions/${id}`, id: own.billTransaction, prefix: 'ltr' },
    { name: 'receipt (HTML)', method: 'GET', path: (id) => `/v1/me/transactions/${id}/receipt`, id: own.transaction, prefix: 'ltr' },
    { name: 'receipt (PDF)', method: 'GET', path: (id) => `/v1/me/transactions/${id}/receipt.pdf`, id: own.transaction, prefix: 'ltr' },
    { name: 'comment on a transaction', method: 'POST', path: (id) => `/v1/me/transactions/${id}/comments`, body: () => ({ text: 'hi' }), id: own.transaction, prefix: 'ltr' },
    { name: 'feedback about a transaction', method: 'POST', path: () => '/v1/me/feedback', body: (id) => ({ text: 'hi', transactionId: id }), id: own.transaction, prefix: 'ltr' },
    { name: 'top-up', method: 'GET', path: (id) => `/v1/me/topups/${id}`, id: own.topup, prefix: 'top' },
    { name: 'bill payment', method: 'GET', path: (id) => `/v1/me/bill-payments/${id}`, id: own.billPayment, prefix: 'bpy' },
    { name: 'paid bill', method: 'POST', path: (id) => `/v1/me/bills/${id}/pay`, body: () => ({ method: 'wallet' }), id: own.bill, prefix: 'bil' },
    { name: 'open bill', method: 'POST', path: (id) => `/v1/me/bills/${id}/pay`, body: () => ({ method: 'wallet' }), id: own.openBill, prefix: 'bil' },
    { name: 'open bill by card', method: 'POST', path: (id) => `/v1/me/bills/${id}/pay`, body: () => ({ method: 'gateway', gateway: 'sandbox' }), id: own.openBill, prefix: 'bil' },
    { name: 'feedback thread', method: 'GET', path: (id) => `/v1/me/feedback/${id}`, id: own.feedback, prefix: 'fbk' },
    { name: 'comment thread', method: 'GET', path: (id) => `/v1/me/feedback/${id}`, id: own.commentThread, prefix: 'fbk' },
    { name: 'message to a feedback thread', method: 'POST', path: (id) => `/v1/me/feedback/${id}/messages`, body: () => ({ text: 'hi' }), id: own.feedback, prefix: 'fbk' },
    { name: 'payee', method: 'GET', path: (id) => `/v1/me/payees/${id}`, id: own.payee, prefix: 'pye' },
    { name: 'transfer to a payee', method: 'POST', path: () => '/v1/me/transfers', body: (id) => ({ payeeId: id, amount: { amount: 100, currency: 'USD' }, idempotencyKey: `steal-${Math.random().toString(36).slice(2)}` }), id: own.payee, prefix: 'pye' },
  ];
  for (const p of probes) {
    const before = signals.filter((s) => s.kind === 'not_found_foreign' && s.customerId === b.customerId).length;
    const theirs = await t.request(p.method, p.path(p.id), { token: b.token, body: p.body?.(p.id) });
    const none = await t.request(p.method, p.path(unknown(p.prefix)), { token: b.token, body: p.body?.(unknown(p.prefix)) });
    assert.equal(theirs.status, 404, `${p.name}: ${theirs.status} ${JSON.stringify(theirs.body)}`);
    assert.deepEqual(theirs.body, none.body, `${p.name}: the same answer as an id that does not exist`);
    const after = signals.filter((s) => s.kind === 'not_found_foreign' && s.customerId === b.customerId);
    assert.equal(after.length, before + 1, `${p.name}: reported once`);
    assert.equal(after[after.length - 1].subject, p.id);
  }
  // nothing of A's moved or changed
  assert.equal(await t.balance(a), 20_000 - (await t.tg.services.ledger.getTransfer(own.billTransaction)).amount - 100);
  const thread = await t.request('GET', `/v1/me/feedback/${own.feedback}`, { token: a.token });
  assert.equal(thread.body.messages.length, 1);
  assert.equal((await t.request('GET', `/v1/me/transactions/${own.transaction}`, { token: a.token })).body.comments.length, 1);
  const openBill = (await t.request('GET', '/v1/me/bills?status=open', { token: a.token })).body.data.find((x: any) => x.id === own.openBill);
  assert.ok(openBill, 'A\'s other bill is still open');
});

test('B\'s listings never contain A\'s things; B\'s live stream never replays A\'s transactions', async () => {
  const ownIds = new Set(Object.values(own).filter((v) => v !== own.transferOut));
  const lists = ['/v1/me/accounts', '/v1/me/transactions?limit=100', '/v1/me/topups', '/v1/me/bill-payments', '/v1/me/feedback', '/v1/me/payees', '/v1/me/bills', '/v1/me/bills?status=paid'];
  const aAccounts = new Set((await t.request('GET', '/v1/me/accounts', { token: a.token })).body.data.map((x: any) => x.id));
  for (const path of lists) {
    const r = await t.request('GET', path, { token: b.token });
    assert.equal(r.status, 200, path);
    const text = JSON.stringify(r.body);
    for (const id of [...ownIds, ...aAccounts] as string[]) assert.ok(!text.includes(id), `${path} shows ${id}`);
    assert.ok(!text.includes(a.customerId), `${path} names A`);
  }
  // the transfer A sent to B is B's as well (B received it): seen from B's side
  const received = (await t.request('GET', '/v1/me/transactions?limit=100', { token: b.token })).body.data.find((x: any) => x.id === own.transferOut);
  assert.equal(received.direction, 'in');
  assert.ok(!received.description.includes(a.email));
  const stream = await t.sse(b, { 'last-event-id': own.transaction });
  await stream.next((e) => e.event === 'balance');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(stream.events.filter((e) => e.event === 'transaction').length, 0, 'an id of A\'s as Last-Event-ID replays nothing');
  stream.close();
  // the public receipt check tells B nothing personal
  const v = await t.request('GET', `/v1/receipts/verify?code=${own.receiptCode}`);
  assert.equal(v.body.valid, true);
  assert.ok(!JSON.stringify(v.body).includes(a.customerId) && !JSON.stringify(v.body).includes('@'));
  await t.assertBalanced();
});

test('without a session nothing is reachable; a malformed id is a 400, never a 5xx', async () => {
  for (const [method, path] of [['GET', '/v1/me/accounts'], ['GET', '/v1/me/transactions'], ['GET', `/v1/me/transactions/${own.transaction}`], ['GET', `/v1/me/transactions/${own.transaction}/receipt.pdf`],
    ['GET', '/v1/me/events'], ['POST', '/v1/me/topups'], ['GET', `/v1/me/topups/${own.topup}`], ['GET', '/v1/me/bills'], ['POST', `/v1/me/bills/${own.openBill}/pay`],
    ['GET', '/v1/me/bill-payments'], ['GET', '/v1/me/feedback'], ['POST', '/v1/me/feedback'], ['GET', '/v1/me/payees'], ['POST', '/v1/me/transfers']]) {
    const r = await t.request(method, path, method === 'POST' ? { body: {} } : {});
    assert.equal(r.status, 401, `${method} ${path}`);
  }
  for (const path of ['/v1/me/transactions/123', '/v1/me/transactions/ltr_x/receipt', '/v1/me/topups/top_', '/v1/me/bill-payments/nope', '/v1/me/feedback/fbk_%27%20OR%201=1', '/v1/me/payees/pye_1']) {
    const r = await t.request('GET', path, { token: b.token });
    assert.equal(r.status, 400, `${path} → ${r.status}`);
    assert.equal(r.body.error.code, 'validation_failed');
  }
});

test('B presenting A\'s passkey, session or challenge ids gets exactly the unknown-id answer, reported as not_found_foreign', async () => {
  // the customers module reports through its own sink in these test apps (t.signals); the rest goes to the monitor
  const foreign = (id: string) => [...signals, ...t.signals].filter((s) => s.kind === 'not_found_foreign' && s.customerId === b.customerId && s.subject === id).length;
  await t.stepUp(a);
  await t.stepUp(b);
  const authr = new SoftAuthenticator(t.url);
  const o1 = await t.request('POST', '/v1/me/security/passkeys/options', { token: a.token });
  assert.equal(o1.status, 200, JSON.stringify(o1.body));
  const reg = await t.request('POST', '/v1/me/security/passkeys', { token: a.token, body: { challengeId: o1.body.challengeId, response: authr.register(o1.body.options), name: 'A laptop' } });
  assert.equal(reg.status, 201, JSON.stringify(reg.body));
  const passkeyId: string = reg.body.id;
  const o2 = await t.request('POST', '/v1/me/security/passkeys/options', { token: a.token }); // A's open registration
  assert.equal(o2.status, 200, JSON.stringify(o2.body));
  const aSession: string = (await t.request('GET', '/v1/me/sessions', { token: a.token })).body.data.find((s: { current: boolean }) => s.current).id;
  const su = await t.request('POST', '/v1/me/step-up', { token: a.token }); // A's session-bound challenge
  assert.equal(su.status, 200, JSON.stringify(su.body));
  const stepUpId: string = su.body.challengeId;
  const mallory = new SoftAuthenticator(t.url);

  type Probe = { name: string; method: string; path: (id: string) => string; body?: (id: string) => unknown; id: string; prefix: string };
  const probes: Probe[] = [
    { name: 'delete a passkey', method: 'DELETE', path: (id) => `/v1/me/security/passkeys/${id}`, id: passkeyId, prefix: 'pkc' },
    { name: 'revoke a session', method: 'DELETE', path: (id) => `/v1/me/sessions/${id}`, id: aSession, prefix: 'cse' },
    { name: 'finish a passkey registration', method: 'POST', path: () => '/v1/me/security/passkeys', body: (id) => ({ challengeId: id, response: mallory.register(o2.body.options) }), id: o2.body.challengeId, prefix: 'chl' },
    { name: 'verify a step-up', method: 'POST', path: (id) => `/v1/auth/challenges/${id}/verify`, body: () => ({ method: 'sms', code: '123456' }), id: stepUpId, prefix: 'chl' },
    { name: 'text a step-up code', method: 'POST', path: (id) => `/v1/auth/challenges/${id}/sms`, id: stepUpId, prefix: 'chl' },
    { name: 'passkey options of a step-up', method: 'POST', path: (id) => `/v1/auth/challenges/${id}/passkey`, id: stepUpId, prefix: 'chl' },
  ];
  for (const p of probes) {
    const before = foreign(p.id);
    const theirs = await t.request(p.method, p.path(p.id), { token: b.token, body: p.body?.(p.id) });
    const none = await t.request(p.method, p.path(unknown(p.prefix)), { token: b.token, body: p.body?.(unknown(p.prefix)) });
    assert.ok(theirs.status >= 400 && theirs.status < 500, `${p.name}: ${theirs.status} ${JSON.stringify(theirs.body)}`);
    assert.equal(theirs.status, none.status, `${p.name}: ${JSON.stringify(theirs.body)} vs ${JSON.stringify(none.body)}`);
    assert.deepEqual(theirs.body, none.body, `${p.name}: the same answer as an id that does not exist`);
    assert.equal(foreign(p.id), before + 1, `${p.name}: reported once`);
  }
  // nothing of A's changed: the passkey, the session and the step-up challenge are all still there
  const sec = await t.request('GET', '/v1/me/security', { token: a.token });
  assert.equal(sec.status, 200, JSON.stringify(sec.body));
  assert.deepEqual(sec.body.passkeys.map((x: { id: string }) => x.id), [passkeyId]);
  const sms = await t.request('POST', `/v1/auth/challenges/${stepUpId}/sms`, { token: a.token });
  assert.equal(sms.status, 200, JSON.stringify(sms.body));
  const v = await t.request('POST', `/v1/auth/challenges/${stepUpId}/verify`, { token: a.token, body: { code: await t.smsCode(a.phone) } });
  assert.equal(v.status, 200, JSON.stringify(v.body));
  assert.equal(v.body.purpose, 'step_up');
});
