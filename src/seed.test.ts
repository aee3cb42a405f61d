import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCustomersApp, type CustomersTestApp } from './modules/customers/customers.testing.ts';
import { seedDemoCustomer, DEMO_CUSTOMER, DEMO_PAYEE, DEMO_AMOUNTS } from './seed.ts';

// The personal area's demo customer for `npm start`: created once on a running app, with a balance and a few
// operations; a second run (a restart) changes nothing.

let t: CustomersTestApp;
before(async () => { t = await startCustomersApp(); });
after(async () => { await t?.close(); });

test('the demo customer is seeded once: logs in with the printed password and an SMS code, and finds a balance and past operations', async () => {
  const first = await seedDemoCustomer(t.tg);
  assert.ok(first?.created, 'the first run creates the demo customer');
  assert.equal(first.email, DEMO_CUSTOMER.email);
  assert.ok(first.password && first.password.length >= 12, 'a generated password, shown once');
  assert.deepEqual(first.skipped, []);

  const transfersAfterFirst = (await t.tg.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ledger_transfers`))[0].n;
  const second = await seedDemoCustomer(t.tg); // a restart
  assert.deepEqual(second, { email: DEMO_CUSTOMER.email, customerId: first.customerId, created: false, skipped: [] }, 'no password again, nothing new');
  assert.equal((await t.tg.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ledger_transfers`))[0].n, transfersAfterFirst, 'no money moved on the second run');

  // one demo customer (and one friend), as the console lists them
  const all = await t.request('GET', '/v1/admin/customers?limit=200', { token: t.adminToken });
  assert.equal(all.status, 200);
  assert.deepEqual(all.body.data.map((c: { email: string }) => c.email).sort(), [DEMO_CUSTOMER.email, DEMO_PAYEE.email].sort());
  const demo = all.body.data.find((c: { email: string }) => c.email === DEMO_CUSTOMER.email);
  assert.equal(demo.id, first.customerId);
  assert.equal(demo.phoneVerified, true, 'SMS is the demo customer\'s second factor');

  const tb = await t.request('GET', '/v1/admin/ledger/trial-balance', { token: t.adminToken });
  assert.equal(tb.status, 200);
  assert.equal(tb.body.balanced, true, JSON.stringify(tb.body));

  // the customer's own view: password + the code from the SMS outbox (the sign-up code was read by the seed)
  await t.smsCode(DEMO_CUSTOMER.phone); // skip the sign-up text
  const token = await t.loginSms(DEMO_CUSTOMER.email, first.password, DEMO_CUSTOMER.phone);
  const txns = await t.request('GET', '/v1/me/transactions?limit=50', { token });
  assert.equal(txns.status, 200);
  const byKind = new Map<string, { amount: { amount: number }; direction: string; description: string }>(txns.body.data.map((x: { kind: string }) => [x.kind, x]));
  assert.deepEqual([...byKind.keys()].sort(), ['bill_payment', 'topup', 'transfer']);
  assert.deepEqual([byKind.get('topup')!.direction, byKind.get('topup')!.amount.amount], ['in', DEMO_AMOUNTS.topup]);
  assert.deepEqual([byKind.get('transfer')!.direction, byKind.get('transfer')!.amount.amount], ['out', DEMO_AMOUNTS.transfer]);
  assert.equal(byKind.get('bill_payment')!.direction, 'out');
  const bill = byKind.get('bill_payment')!.amount.amount;
  assert.ok(bill > 0);

  const accounts = await t.request('GET', '/v1/me/accounts', { token });
  assert.equal(accounts.body.data.length, 1);
  assert.equal(accounts.body.data[0].balance.amount, DEMO_AMOUNTS.topup - DEMO_AMOUNTS.transfer - bill);

  const payments = await t.request('GET', '/v1/me/bill-payments', { token });
  assert.equal(payments.body.data.length, 1);
  assert.equal(payments.body.data[0].amount.amount, bill);

  const payees = await t.request('GET', '/v1/me/payees', { token });
  assert.deepEqual(payees.body.data.map((p: { name: string | null }) => p.name), [DEMO_PAYEE.name]);

  // the seed's own session was ended: only this login is open
  const sessions = await t.request('GET', '/v1/me/sessions', { token });
  assert.equal(sessions.body.data.length, 1);
  assert.equal(sessions.body.data[0].current, true);
});
