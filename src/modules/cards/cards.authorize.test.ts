import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';
import { signPayload } from '../../platform/webhooks-in/signature.ts';
import { PROCESSOR_SECRET, adminPost, authBody, authorize, newCard, newCardholder, signedPost, uniq } from './cards.testing.ts';

let t: TestApp;
before(async () => { t = await startTestApp({ RISK: 'true', CARD_PROCESSOR_SECRET: PROCESSOR_SECRET }); });
after(async () => { await t?.close(); });

const count = async (sql: string, params: unknown[]) => Number((await t.tg.ctx.db.query<{ n: number }>(sql, params))[0].n);
const authRows = (id: string) => count(`SELECT count(*)::int AS n FROM card_authorizations WHERE id = $1`, [id]);

test('cardholders: personal data is encrypted at rest and shown to staff; cards never take a card number', async () => {
  const name = `Thandi ${uniq()}`;
  const { id } = await adminPost(t, '/v1/admin/cardholders', { name, email: 'thandi@example.com', phone: '+27 82 555 0101' });
  assert.match(id, /^chd_[0-9a-z]{26}$/);
  const [row] = await t.tg.ctx.db.query<Record<string, string>>(`SELECT * FROM cardholders WHERE id = $1`, [id]);
  assert.ok(!JSON.stringify(row).includes('Thandi') && !JSON.stringify(row).includes('thandi@') && !JSON.stringify(row).includes('555'), 'no clear PII in the row');
  const list = await t.request('GET', '/v1/admin/cardholders', { token: t.adminToken });
  const me = list.body.data.find((h: any) => h.id === id);
  assert.deepEqual([me.name, me.email, me.phone], [name, 'thandi@example.com', '+27 82 555 0101']);
  const audit = await t.tg.ctx.db.query(`SELECT details FROM audit_log WHERE subject_id = $1`, [id]).catch(() => []);
  assert.ok(!JSON.stringify(audit).includes('Thandi'));

  const base = { cardholderId: id, bin: '412752', last4: '7072', expMonth: 12, expYear: 2030, currency: 'ZAR' };
  for (const pan of ['4127520000007077', '4111 1111 1111 1111']) {
    const r = await t.request('POST', '/v1/admin/cards', { token: t.adminToken, body: { ...base, processorCardId: pan } });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.match(r.body.error.message, /looks like a full card number/);
    assert.ok(!r.body.error.message.includes(pan));
  }
  const extra = await t.request('POST', '/v1/admin/cards', { token: t.adminToken, body: { ...base, processorCardId: uniq('pc_'), pan: '4111111111111111' } });
  assert.equal(extra.status, 400, 'unknown fields (a "pan") are refused');
  const card = await adminPost(t, '/v1/admin/cards', { ...base, processorCardId: uniq('pc_') });
  assert.match(card.id, /^crd_/);
  assert.equal(card.status, 'active');
});

test('each control declines with a clear reason; approved spend counts towards the limits', async () => {
  const { id } = await newCard(t, {
    controls: {
      perTransaction: 100_000, daily: 200_000, monthly: 250_000, blockedMcc: ['5921'], allowedMerchants: ['Makro', 'Pick n Pay', 'Checkers', 'Wine'],
      countries: ['ZA'], timezone: 'Africa/Johannesburg',
    },
  });
  const ok1 = await authorize(t, authBody(id, 90_000));
  assert.equal(ok1.approved, true, ok1.reason);
  assert.equal(ok1.fallback, false);
  assert.ok(ok1.decisionId, 'the rules ran: a risk decision id');

  const cases: Array<[ReturnType<typeof authBody>, RegExp]> = [
    [authBody(id, 150_000), /^per-transaction limit 100000 ZAR exceeded \(amount 150000\)$/],
    [authBody(id, 5_000, { mcc: '5921', name: 'Wine Shop' }), /^merchant category 5921 is blocked$/],
    [authBody(id, 5_000, { name: 'THE FRIDGE WINE & SPIRI', mcc: '5812' }), /^approved/],
    [authBody(id, 5_000, { name: 'Spur Steak Ranch' }), /^merchant "Spur Steak Ranch" is not allowed$/],
    [authBody(id, 5_000, { country: 'NA', name: 'Checkers Windhoek' }), /^merchant country NA is not allowed$/],
    [authBody(id, 5_000, {}, { amount: { amount: 5_000, currency: 'USD' } }), /^currency USD does not match the card's currency ZAR$/],
  ];
  for (const [body, reason] of cases) {
    const r = await authorize(t, body);
    assert.match(r.reason, reason);
    if (!/^approved/.test(r.reason)) {
      assert.equal(r.approved, false);
      assert.equal(r.decisionId, null, 'controls decide before the rules: no risk decision');
    }
  }
  // spent today: 90 000 + 5 000 (the Fridge) = 95 000; 110 000 more would pass the per-transaction limit check? no: 100 000 max
  const ok2 = await authorize(t, authBody(id, 100_000));
  assert.equal(ok2.approved, true, ok2.reason);
  const daily = await authorize(t, authBody(id, 10_000));
  assert.equal(daily.approved, false);
  assert.equal(daily.reason, 'daily limit 200000 ZAR exceeded (spent 195000 today + 10000)');

  const view = await t.request('GET', `/v1/admin/cards/${id}`, { token: t.adminToken });
  assert.equal(view.status, 200);
  assert.deepEqual(view.body.spend, { today: { amount: 195_000, currency: 'ZAR' }, thisMonth: { amount: 195_000, currency: 'ZAR' } });
  assert.equal(view.body.card, '412752XXXXXX7072');

  // a reversal gives the money back to the limit; clearing at a lower final amount counts the final amount
  const list = await t.request('GET', `/v1/admin/card-authorizations?cardId=${id}&approved=true`, { token: t.adminToken });
  const big = list.body.data.find((a: any) => a.amount === 100_000);
  const rev = await signedPost(t, '/v1/card-transactions', { id: uniq('tx_'), authorizationId: big.id, type: 'reversed', amount: { amount: 100_000, currency: 'ZAR' }, createdAt: new Date().toISOString() });
  assert.equal(rev.status, 200, JSON.stringify(rev.body));
  assert.equal(rev.body.status, 'reversed');
  const again = await authorize(t, authBody(id, 10_000));
  assert.equal(again.approved, true, again.reason);

  // monthly: 90 000 + 5 000 + 10 000 = 105 000 spent; per-transaction and daily room left, monthly 250 000 — set daily off and push past it
  const patched = await t.request('PATCH', `/v1/admin/cards/${id}/controls`, { token: t.adminToken, body: { daily: null, perTransaction: 200_000 } });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  assert.equal(patched.body.controls.daily, undefined);
  const monthly = await authorize(t, authBody(id, 150_000));
  assert.equal(monthly.approved, false);
  assert.equal(monthly.reason, 'monthly limit 250000 ZAR exceeded (spent 105000 this month + 150000)');
});

test('active hours and allowed categories decline outside them', async () => {
  const now = new Date();
  const hh = (h: number) => `${String(((now.getUTCHours() + h) % 24 + 24) % 24).padStart(2, '0')}:00`;
  const { id } = await newCard(t, { controls: { hours: { from: hh(2), to: hh(4), tz: 'UTC' }, allowedMcc: ['5411'] } });
  const r = await authorize(t, authBody(id, 1_000));
  assert.equal(r.approved, false);
  assert.equal(r.reason, `outside active hours ${hh(2)}–${hh(4)} UTC`);
  await t.request('PATCH', `/v1/admin/cards/${id}/controls`, { token: t.adminToken, body: { hours: { from: hh(-1), to: hh(2), tz: 'UTC' } } });
  assert.equal((await authorize(t, authBody(id, 1_000))).approved, true);
  const mcc = await authorize(t, authBody(id, 1_000, { mcc: '5812' }));
  assert.deepEqual([mcc.approved, mcc.reason], [false, 'merchant category 5812 is not allowed']);
});

test('card programs: the card inherits the program\'s controls and overrides them', async () => {
  const prog = await adminPost(t, '/v1/admin/card-programs', { name: `Shoppers ${uniq()}`, controls: { perTransaction: 50_000, blockedMcc: ['7995'] }, fallback: 'approve' });
  const { id } = await newCard(t, { program: prog.id, controls: { perTransaction: 80_000 } });
  const view = await t.request('GET', `/v1/admin/cards/${id}`, { token: t.adminToken });
  assert.deepEqual(view.body.effectiveControls, { perTransaction: 80_000, blockedMcc: ['7995'] });
  assert.equal(view.body.program.fallback, 'approve');
  assert.equal((await authorize(t, authBody(id, 70_000))).approved, true);
  assert.equal((await authorize(t, authBody(id, 1_000, { mcc: '7995', name: 'Casino' }))).reason, 'merchant category 7995 is blocked');
  const dup = await t.request('POST', '/v1/admin/card-programs', { token: t.adminToken, body: { name: (await t.request('GET', '/v1/admin/card-programs', { token: t.adminToken })).body.data.find((p: any) => p.id === prog.id).name, fallback: 'decline' } });
  assert.equal(dup.status, 409);
});

test('the processor card id works as cardId; an unknown card is declined and recorded', async () => {
  const { id, processorCardId } = await newCard(t);
  const r = await authorize(t, authBody(processorCardId, 2_500));
  assert.equal(r.approved, true, r.reason);
  const stored = await t.tg.ctx.db.query<{ card_id: string }>(`SELECT card_id FROM card_authorizations WHERE card_ref = $1`, [processorCardId]);
  assert.equal(stored[0].card_id, id);
  const unknown = await authorize(t, authBody('pc_nobody', 2_500));
  assert.deepEqual([unknown.approved, unknown.reason], [false, 'unknown card']);
  const pan = await signedPost(t, '/v1/card-authorizations', authBody('4111111111111111', 100));
  assert.equal(pan.status, 400);
  assert.equal(await count(`SELECT count(*)::int AS n FROM card_authorizations WHERE card_ref = '4111111111111111'`, []), 0);
});

test('the same authorization id again: the same answer, one record, nothing new (also 5 at once)', async () => {
  const { id } = await newCard(t, { controls: { daily: 100_000 } });
  const body = authBody(id, 60_000);
  const first = await authorize(t, body);
  const decisions = () => count(`SELECT count(*)::int AS n FROM risk_decisions WHERE subject_id = $1`, [body.id]);
  assert.equal(first.approved, true);
  const second = await authorize(t, body);
  assert.deepEqual(second, first);
  assert.equal(await authRows(body.id), 1);
  assert.equal(await decisions(), 1, 'no second risk decision (and no second velocity count)');
  // the replay does not count twice towards the limit: 60 000 of 100 000 spent
  assert.equal((await authorize(t, authBody(id, 40_000))).approved, true);

  const burst = authBody(id, 0);
  const answers = await Promise.all(Array.from({ length: 5 }, () => authorize(t, burst)));
  for (const a of answers) assert.deepEqual(a, answers[0]);
  assert.equal(await authRows(burst.id), 1);
  assert.ok(await decisions() <= 1);
  assert.equal(await count(`SELECT count(*)::int AS n FROM risk_decisions WHERE subject_id = $1`, [burst.id]), 1);
  // a declined one replays as declined
  const over = authBody(id, 1);
  const d1 = await authorize(t, over);
  const d2 = await authorize(t, over);
  assert.equal(d1.approved, false);
  assert.deepEqual(d2, d1);
});

test('signature failures: bad, stale, missing, malformed, tampered body → 400 and nothing recorded', async () => {
  const { id } = await newCard(t);
  const body = authBody(id, 1_000);
  const raw = JSON.stringify(body);
  const now = Math.floor(Date.now() / 1000);
  const attempts: Array<[string, Parameters<typeof signedPost>[3]]> = [
    ['bad secret', { secret: 'cps_wrong_secret_0000000000000' }],
    ['stale (6 minutes old)', { timestamp: now - 360 }],
    ['from the future', { timestamp: now + 360 }],
    ['missing', { header: null }],
    ['malformed', { header: 'sha256=abc' }],
    ['tampered body', { header: signPayload(PROCESSOR_SECRET, raw), raw: raw.replace('"amount":1000', '"amount":1') }],
  ];
  for (const [what, opts] of attempts) {
    const r = await signedPost(t, '/v1/card-authorizations', body, opts);
    assert.equal(r.status, 400, what);
    assert.equal(r.body.error.code, 'invalid_signature', what);
  }
  assert.equal(await authRows(body.id), 0);
  const tx = await signedPost(t, '/v1/card-transactions', { id: uniq('tx_'), authorizationId: body.id, type: 'cleared', amount: { amount: 1, currency: 'ZAR' }, createdAt: new Date().toISOString() }, { header: null });
  assert.equal(tx.status, 400);
  // within the 5-minute tolerance it is accepted
  const fine = await signedPost(t, '/v1/card-authorizations', body, { timestamp: now - 240 });
  assert.equal(fine.status, 200);
  // a valid signature over an invalid body: 400 validation_failed, nothing recorded
  const invalid = await signedPost(t, '/v1/card-authorizations', { ...authBody(id, 1), amount: { amount: 1.5, currency: 'ZAR' } });
  assert.equal(invalid.status, 400);
  assert.equal(invalid.body.error.code, 'validation_failed');
  assert.equal(invalid.body.error.message, 'body.amount.amount must be integer');
  const extra = await signedPost(t, '/v1/card-authorizations', { ...authBody(id, 1), pan: '4111111111111111' });
  assert.deepEqual([extra.status, extra.body.error.message], [400, 'unknown field body.pan']);
});

test('freeze then decline; unfreeze from the console (audited) and approve again', async () => {
  const { id } = await newCard(t);
  const frozen = await t.request('POST', `/v1/admin/cards/${id}/freeze`, { token: t.adminToken, body: { reason: 'lost card' } });
  assert.equal(frozen.status, 200);
  assert.equal(frozen.body.status, 'frozen');
  const r = await authorize(t, authBody(id, 1_000));
  assert.deepEqual([r.approved, r.reason, r.decisionId], [false, 'card is frozen', null]);
  const un = await t.request('POST', `/v1/admin/cards/${id}/unfreeze`, { token: t.adminToken, body: { reason: 'found it' } });
  assert.equal(un.body.status, 'active');
  assert.deepEqual(un.body.history.map((h: any) => [h.from, h.to, h.reason]), [[null, 'active', 'issued'], ['active', 'frozen', 'lost card'], ['frozen', 'active', 'found it']]);
  assert.ok(un.body.history.every((h: any) => h.actor.startsWith('staff:') || h.reason === 'issued'));
  const audits = await t.tg.ctx.db.query<{ action: string }>(`SELECT action FROM audit_log WHERE subject_id = $1 ORDER BY at, id`, [id]);
  assert.deepEqual(audits.map((a) => a.action).filter((a) => a !== 'card.created'), ['card.frozen', 'card.unfrozen']);
  assert.equal((await authorize(t, authBody(id, 1_000))).approved, true);
  // closed is final
  await t.request('POST', `/v1/admin/cards/${id}/close`, { token: t.adminToken, body: { reason: 'shopper left' } });
  const reopen = await t.request('POST', `/v1/admin/cards/${id}/unfreeze`, { token: t.adminToken, body: { reason: 'oops' } });
  assert.equal(reopen.status, 409);
  assert.equal((await authorize(t, authBody(id, 1_000))).reason, 'card is closed');
});

test('after-transaction events: cleared, partial refund, idempotent per id; anomalies raise alerts', async () => {
  const { id } = await newCard(t);
  const a = authBody(id, 19_190);
  assert.equal((await authorize(t, a)).approved, true);
  const ev = (type: string, amount: number, authorizationId = a.id) => ({ id: uniq('tx_'), authorizationId, type, amount: { amount, currency: 'ZAR' }, createdAt: new Date().toISOString() });
  const cleared = ev('cleared', 18_300);
  const r1 = await signedPost(t, '/v1/card-transactions', cleared);
  assert.equal(r1.status, 200, JSON.stringify(r1.body));
  assert.deepEqual([r1.body.status, r1.body.finalAmount, r1.body.duplicate], ['cleared', { amount: 18_300, currency: 'ZAR' }, false]);
  const r2 = await signedPost(t, '/v1/card-transactions', cleared);
  assert.deepEqual([r2.body.status, r2.body.finalAmount.amount, r2.body.duplicate], ['cleared', 18_300, true]);
  const refund = await signedPost(t, '/v1/card-transactions', ev('refunded', 1_300));
  assert.deepEqual([refund.body.status, refund.body.finalAmount.amount], ['refunded', 17_000]);
  const stored = await t.request('GET', `/v1/admin/card-authorizations/${a.id}`, { token: t.adminToken });
  assert.equal(stored.body.transactions.length, 2);

  // cleared although Tollgate declined (seed 002: "successful transaction when not actually reported")
  await t.request('POST', `/v1/admin/cards/${id}/freeze`, { token: t.adminToken, body: { reason: 'test' } });
  const declined = authBody(id, 5_000);
  assert.equal((await authorize(t, declined)).approved, false);
  const odd = await signedPost(t, '/v1/card-transactions', ev('cleared', 5_000, declined.id));
  assert.deepEqual([odd.status, odd.body.outcome, odd.body.status], [200, 'cleared_although_declined', 'declined']);
  const unknown = await signedPost(t, '/v1/card-transactions', ev('cleared', 700, 'auth_never_seen'));
  assert.deepEqual([unknown.status, unknown.body.outcome, unknown.body.status], [200, 'unknown_authorization', null]);
  const alerts = await t.request('GET', '/v1/admin/alerts', { token: t.adminToken });
  const kinds = alerts.body.data.map((x: any) => x.kind);
  assert.ok(kinds.includes('cards.cleared_although_declined') && kinds.includes('cards.unknown_authorization'));
});

test('console permissions: cards need a staff session; the processor secret is shown to cards:write staff, audited', async () => {
  assert.equal((await t.request('GET', '/v1/admin/cards')).status, 401);
  assert.equal((await t.request('GET', '/v1/admin/card-processor')).status, 401);
  const settings = await t.request('GET', '/v1/admin/card-processor', { token: t.adminToken });
  assert.deepEqual(settings.body, { signingSecret: PROCESSOR_SECRET, signatureHeader: 'Tollgate-Signature', decisionBudgetMs: 1000 });
  assert.equal((await t.tg.ctx.db.query(`SELECT 1 FROM audit_log WHERE action = 'card_processor.secret_viewed'`)).length, 1);
  assert.equal((await t.request('POST', '/v1/card-assignments', { body: { externalOrderRef: 'x', cardholderId: 'chd_01jq8v5d3k7m9n2p4r6s8t0w1x', expectedSuppliedValue: { amount: 1, currency: 'ZAR' }, windowStart: new Date().toISOString(), windowEnd: new Date().toISOString() } })).status, 401);
  const holder = await newCardholder(t);
  assert.match(holder, /^chd_/);
  const issuing = await t.request('POST', '/v1/webhooks/stripe-issuing', { body: { type: 'issuing_authorization.request' } });
  assert.equal(issuing.status, 404, 'the Stripe Issuing adapter is off without STRIPE_ISSUING_WEBHOOK_SECRET');
});

test('a NUL character in the merchant name is a 400 (text the database cannot store), not a 5xx; nothing is recorded', async () => {
  const card = await newCard(t);
  const body = authBody(card.id, 1000, { name: 'Shop\u0000X' });
  const r = await signedPost(t, '/v1/card-authorizations', body);
  assert.equal(r.status, 400, JSON.stringify(r.body));
  assert.equal(r.body.error.code, 'validation_failed');
  const rows = await t.tg.ctx.db.query(`SELECT id FROM card_authorizations WHERE id = $1`, [body.id]);
  assert.equal(rows.length, 0);
  // the card still decides normally afterwards
  const ok = await signedPost(t, '/v1/card-authorizations', authBody(card.id, 1000));
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
});
