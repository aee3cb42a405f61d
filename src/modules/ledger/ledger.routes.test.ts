import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';
import type { LedgerService } from './index.ts';
import { move, uniq } from './ledger.testing.ts';

let t: TestApp;
let ledger: LedgerService;
let supportToken: string;
before(async () => {
  t = await startTestApp();
  ledger = t.tg.services.ledger;
  const made = await t.request('POST', '/v1/admin/staff', { token: t.adminToken, body: { email: 'support-ledger@test.local', name: 'Support', role: 'support', password: 'support-password-1' } });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const login = await t.request('POST', '/v1/staff/sessions', { body: { email: 'support-ledger@test.local', password: 'support-password-1' } });
  supportToken = login.body.token;
});
after(async () => { await t.close(); });

const get = (path: string, token = t.adminToken) => t.request('GET', path, { token });

test('the trial balance over HTTP: staff with ledger:read see balanced integer totals per currency; others are refused', async () => {
  const gw = await ledger.systemAccount('gateway_clearing', 'EUR');
  const w = await ledger.openAccount({ ownerType: 'customer', ownerId: uniq('cus'), currency: 'EUR' });
  await ledger.transferOne(move(gw.id, w.id, 12_345, { currency: 'EUR', kind: 'topup' }));
  await ledger.transferOne(move(w.id, gw.id, 345, { currency: 'EUR', type: 'pending', kind: 'card_hold' }));

  const r = await get('/v1/admin/ledger/trial-balance');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.balanced, true);
  const eur = r.body.currencies.find((c: { currency: string }) => c.currency === 'EUR');
  assert.equal(eur.debits, 12_345);
  assert.equal(eur.credits, 12_345);
  assert.equal(eur.debitsPending, 345);
  assert.equal(eur.creditsPending, 345);
  assert.ok(Number.isInteger(eur.debits));

  assert.equal((await get('/v1/admin/ledger/trial-balance', '')).status, 401);
  const forbidden = await get('/v1/admin/ledger/trial-balance', supportToken);
  assert.equal(forbidden.status, 403);
  assert.equal(forbidden.body.error.code, 'forbidden');
});

test('accounts, an account with its balance, its transfers and one transfer over HTTP', async () => {
  const owner = uniq('cus');
  const w = await ledger.openAccount({ ownerType: 'customer', ownerId: owner, currency: 'USD' });
  const gw = await ledger.systemAccount('gateway_clearing', 'USD');
  const legs = Array.from({ length: 3 }, (_, i) => move(gw.id, w.id, 1_000 * (i + 1), { kind: 'topup', metadata: { n: i } }));
  for (const l of legs) await ledger.transferOne(l);
  await ledger.transferOne(move(w.id, gw.id, 500, { type: 'pending', kind: 'card_hold' }));

  const list = await get(`/v1/admin/ledger/accounts?ownerType=customer&ownerId=${owner}`);
  assert.equal(list.status, 200);
  assert.deepEqual(list.body.data.map((a: { id: string }) => a.id), [w.id]);
  const sys = await get('/v1/admin/ledger/accounts?ownerType=system&code=gateway_clearing&currency=USD');
  assert.deepEqual(sys.body.data.map((a: { id: string }) => a.id), [gw.id]);
  const paged = await get('/v1/admin/ledger/accounts?limit=1');
  assert.equal(paged.body.data.length, 1);
  assert.ok(paged.body.nextCursor);

  const one = await get(`/v1/admin/ledger/accounts/${w.id}`);
  assert.equal(one.status, 200);
  assert.deepEqual(one.body.balance, { amount: 6_000, currency: 'USD' });
  assert.deepEqual(one.body.available, { amount: 5_500, currency: 'USD' });
  assert.deepEqual(one.body.totals, { debitsPosted: 0, creditsPosted: 6_000, debitsPending: 500, creditsPending: 0 });

  const page1 = await get(`/v1/admin/ledger/accounts/${w.id}/transfers?limit=2&kinds=topup`);
  assert.equal(page1.status, 200);
  assert.deepEqual(page1.body.data.map((x: { clientId: string }) => x.clientId), [legs[2].id, legs[1].id]);
  assert.deepEqual(page1.body.data[0].amount, { amount: 3_000, currency: 'USD' });
  assert.equal(page1.body.data[0].direction, 'credit');
  const page2 = await get(`/v1/admin/ledger/accounts/${w.id}/transfers?limit=2&kinds=topup&cursor=${page1.body.nextCursor}`);
  assert.deepEqual(page2.body.data.map((x: { clientId: string }) => x.clientId), [legs[0].id]);
  assert.equal(page2.body.nextCursor, null);
  const holds = await get(`/v1/admin/ledger/accounts/${w.id}/transfers?types=pending`);
  assert.equal(holds.body.data.length, 1);
  assert.ok(holds.body.data[0].expiresAt);

  const byId = await get(`/v1/admin/ledger/transfers/${page1.body.data[0].id}`);
  assert.equal(byId.status, 200);
  assert.deepEqual(byId.body.metadata, { n: 2 });
  assert.equal((await get(`/v1/admin/ledger/transfers/${legs[0].id}`)).body.clientId, legs[0].id, 'found by client id too');

  assert.equal((await get('/v1/admin/ledger/accounts/lac_00000000000000000000000000')).status, 404);
  assert.equal((await get('/v1/admin/ledger/accounts/nope')).status, 400);
  assert.equal((await get('/v1/admin/ledger/transfers/ltr_00000000000000000000000000')).status, 404);
  assert.equal((await get(`/v1/admin/ledger/accounts/${w.id}/transfers?kinds=gift`)).status, 400);
  assert.equal((await get(`/v1/admin/ledger/accounts/${w.id}/transfers?cursor=abc`)).body.error.code, 'validation_failed');
});

test('a staff correction is a new, audited transfer; replays return it, refusals are 4xx with the error body', async () => {
  const w = await ledger.openAccount({ ownerType: 'customer', ownerId: uniq('cus'), currency: 'USD' });
  const suspense = await ledger.systemAccount('suspense', 'USD');
  const body = { id: uniq('corr'), debitAccountId: suspense.id, creditAccountId: w.id, amount: { amount: 750, currency: 'USD' }, description: 'Missed top-up', reason: 'ticket 42' };
  const r = await t.request('POST', '/v1/admin/ledger/corrections', { token: t.adminToken, body });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.kind, 'correction');
  assert.deepEqual(r.body.amount, { amount: 750, currency: 'USD' });
  const again = await t.request('POST', '/v1/admin/ledger/corrections', { token: t.adminToken, body });
  assert.equal(again.status, 201);
  assert.equal(again.body.id, r.body.id);
  assert.equal((await ledger.balance(w.id)).posted, 750);
  const audits = await t.tg.ctx.db.query<{ actor: string; details: { reason: string } }>(`SELECT actor, details FROM audit_log WHERE action = 'ledger.correction' AND subject_id = $1`, [r.body.id]);
  assert.equal(audits.length, 1, 'audited once');
  assert.match(audits[0].actor, /^staff:stf_/);
  assert.equal(audits[0].details.reason, 'ticket 42');

  const reused = await t.request('POST', '/v1/admin/ledger/corrections', { token: t.adminToken, body: { ...body, amount: { amount: 751, currency: 'USD' } } });
  assert.equal(reused.status, 422);
  assert.equal(reused.body.error.code, 'transfer_id_reused');
  const broke = await t.request('POST', '/v1/admin/ledger/corrections', { token: t.adminToken, body: { ...body, id: uniq('corr'), debitAccountId: w.id, creditAccountId: suspense.id, amount: { amount: 10_000, currency: 'USD' } } });
  assert.equal(broke.status, 422);
  assert.equal(broke.body.error.code, 'insufficient_funds');
  for (const bad of [{ ...body, amount: { amount: 1.5, currency: 'USD' } }, { ...body, amount: { amount: 5, currency: 'usd' } }, { ...body, extra: 1 }, { ...body, reason: '' }]) {
    const res = await t.request('POST', '/v1/admin/ledger/corrections', { token: t.adminToken, body: { ...bad, id: uniq('corr') } });
    assert.equal(res.status, 400, JSON.stringify(bad));
    assert.ok(res.body.error.code);
  }
  const mismatch = await t.request('POST', '/v1/admin/ledger/corrections', { token: t.adminToken, body: { ...body, id: uniq('corr'), amount: { amount: 5, currency: 'EUR' } } });
  assert.equal(mismatch.status, 422);
  assert.equal((await t.request('POST', '/v1/admin/ledger/corrections', { token: supportToken, body: { ...body, id: uniq('corr') } })).status, 403);
  assert.equal((await ledger.balance(w.id)).posted, 750);
});
