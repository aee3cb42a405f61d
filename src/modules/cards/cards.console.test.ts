import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';
import { insertAuthorization } from './authorizations.repo.ts';
import { PROCESSOR_SECRET, adminPost, authBody, authorize, newCard, newCardholder, signedPost, uniq } from './cards.testing.ts';

/** The listings the console's card pages read: cards with filters, the authorization feed, a card's transactions, spend assignments. */
let t: TestApp;
before(async () => { t = await startTestApp({ RISK: 'false', CARD_PROCESSOR_SECRET: PROCESSOR_SECRET }); });
after(async () => { await t?.close(); });

const get = async (path: string, expect = 200) => {
  const r = await t.request('GET', path, { token: t.adminToken });
  assert.equal(r.status, expect, `GET ${path} → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

test('cards list: filtered by status, program and last4, with the program name and the masked card', async () => {
  const program = (await adminPost(t, '/v1/admin/card-programs', { name: `Shoppers ${uniq()}`, fallback: 'decline' })).id;
  const holder = await newCardholder(t);
  const inProgram = await newCard(t, { cardholderId: holder, program, bin: '422254', last4: '7072' });
  const other = await newCard(t, { cardholderId: holder, last4: '1111' });
  await adminPost(t, `/v1/admin/cards/${other.id}/freeze`, { reason: 'lost' }, 200);

  const byProgram = (await get(`/v1/admin/cards?programId=${program}`)).data;
  assert.deepEqual(byProgram.map((c: any) => c.id), [inProgram.id]);
  assert.equal(byProgram[0].card, '422254XXXXXX7072');
  assert.match(byProgram[0].programName, /^Shoppers /);
  assert.match(byProgram[0].cardholderName, /^Shopper /);

  const frozen = (await get(`/v1/admin/cards?cardholderId=${holder}&status=frozen`)).data;
  assert.deepEqual(frozen.map((c: any) => [c.id, c.status, c.programName]), [[other.id, 'frozen', null]]);
  assert.deepEqual((await get(`/v1/admin/cards?cardholderId=${holder}&last4=1111`)).data.map((c: any) => c.id), [other.id]);
  await get('/v1/admin/cards?last4=12', 400);
});

test('authorization feed: approved / declined / fallback filters, pages that neither repeat nor skip rows decided in the same instant', async () => {
  const { id: cardId, cardholderId } = await newCard(t);
  const db = t.tg.ctx.db;
  // 23 decisions recorded at the same moment (what a burst looks like at millisecond precision): ids break the tie
  const at = new Date('2025-03-04T05:06:07.123Z');
  const ids: string[] = [];
  for (let i = 0; i < 23; i++) {
    const id = `feed_${String(i).padStart(2, '0')}_${uniq()}`;
    ids.push(id);
    const approved = i % 3 !== 0;
    const fallback = i % 5 === 0;
    await insertAuthorization(db, {
      id, cardRef: cardId, cardId, cardholderId, assignmentId: null, amount: 1000 + i, currency: 'ZAR', merchant: { name: 'Makro Woodmead', mcc: '5411', city: null, country: 'ZA' },
      approved, reason: approved ? 'approved' : 'daily limit 5000 ZAR exceeded', stage: fallback ? 'fallback' : approved ? 'rules' : 'controls', score: 0, decisionId: null,
      fallback, decisionMs: 1, source: 'tollgate', occurredAt: at, createdAt: at,
    });
  }
  // and three a few microseconds apart within the same millisecond: a cursor that kept only milliseconds would skip some
  await db.query(`UPDATE card_authorizations SET created_at = created_at + interval '400 microseconds' WHERE id = ANY($1::text[])`, [ids.slice(0, 3)]);

  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: any = await get(`/v1/admin/card-authorizations?cardId=${cardId}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    seen.push(...page.data.map((a: any) => a.id));
    cursor = page.nextCursor;
    pages++;
  } while (cursor && pages < 20);
  const expected = [...ids.slice(0, 3).sort().reverse(), ...ids.slice(3).sort().reverse()];
  assert.deepEqual(seen, expected, 'newest first, every row exactly once');

  const declined = (await get(`/v1/admin/card-authorizations?cardId=${cardId}&approved=false&limit=100`)).data;
  assert.equal(declined.length, ids.filter((_, i) => i % 3 === 0).length);
  assert.ok(declined.every((a: any) => !a.approved && a.reason === 'daily limit 5000 ZAR exceeded'));
  const fallback = (await get(`/v1/admin/card-authorizations?cardId=${cardId}&fallback=true&limit=100`)).data;
  assert.deepEqual(fallback.map((a: any) => a.id).sort(), ids.filter((_, i) => i % 5 === 0).sort());
  assert.ok(fallback.every((a: any) => a.fallback && a.card === '412752XXXXXX7072' && /^Shopper /.test(a.cardholderName)));

  const bad = await t.request('GET', '/v1/admin/card-authorizations?cursor=not-a-cursor', { token: t.adminToken });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'validation_failed');
});

test('a card\'s transactions show cleared, reversed and refunded with the final amount; unknown cards are 404', async () => {
  const { id: cardId } = await newCard(t);
  const a1 = authBody(cardId, 10_000);
  const a2 = authBody(cardId, 5_000);
  assert.equal((await authorize(t, a1)).approved, true);
  assert.equal((await authorize(t, a2)).approved, true);
  const tx = async (authorizationId: string, type: string, amount: number) => {
    const r = await signedPost(t, '/v1/card-transactions', { id: uniq('tx_'), authorizationId, type, amount: { amount, currency: 'ZAR' }, createdAt: new Date().toISOString() });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };
  await tx(a1.id, 'cleared', 9_500);
  await tx(a1.id, 'refunded', 1_500);
  await tx(a2.id, 'reversed', 5_000);

  const rows = (await get(`/v1/admin/cards/${cardId}/transactions`)).data;
  assert.deepEqual(rows.map((r: any) => [r.authorizationId, r.type, r.amount]).sort(), [[a1.id, 'cleared', 9_500], [a1.id, 'refunded', 1_500], [a2.id, 'reversed', 5_000]].sort());
  const refunded = rows.find((r: any) => r.type === 'refunded');
  assert.deepEqual([refunded.finalAmount, refunded.authorizedAmount, refunded.authorizationStatus, refunded.merchantName], [8_000, 10_000, 'refunded', 'Makro Woodmead']);
  assert.equal(rows.find((r: any) => r.type === 'reversed').authorizationStatus, 'reversed');

  await get('/v1/admin/cards/crd_00000000000000000000000000/transactions', 404);
});

test('spend assignments list: newest first, with matched transactions and their total, filtered by order reference prefix and cardholder', async () => {
  const { id: cardId, cardholderId } = await newCard(t);
  const now = Date.now();
  const ref = `PO-${uniq()}`;
  const first = await adminPost(t, '/v1/card-assignments', { externalOrderRef: `${ref}-1`, cardholderId, expectedSuppliedValue: { amount: 20_000, currency: 'ZAR' }, windowStart: new Date(now - 3600_000).toISOString(), windowEnd: new Date(now + 3600_000).toISOString() });
  const a = authBody(cardId, 12_345);
  await authorize(t, a);
  await authorize(t, authBody(cardId, 1_000));
  const second = await adminPost(t, '/v1/card-assignments', { externalOrderRef: `${ref}-2`, cardholderId, expectedSuppliedValue: { amount: 500, currency: 'ZAR' }, windowStart: new Date(now - 7200_000).toISOString(), windowEnd: new Date(now - 3600_000).toISOString() });

  const list = (await get(`/v1/admin/card-assignments?ref=${encodeURIComponent(ref)}`)).data;
  assert.deepEqual(list.map((x: any) => x.id), [second.id, first.id]);
  assert.deepEqual([list[1].transactions, list[1].slipTotal, list[1].expectedSuppliedValue], [2, { amount: 13_345, currency: 'ZAR' }, { amount: 20_000, currency: 'ZAR' }]);
  assert.equal(list[0].transactions, 0);
  assert.match(list[1].cardholderName, /^Shopper /);

  const other = await newCardholder(t);
  assert.deepEqual((await get(`/v1/admin/card-assignments?cardholderId=${other}`)).data, []);
  assert.equal((await get(`/v1/admin/card-assignments?ref=${encodeURIComponent(ref)}&limit=1`)).nextCursor, second.id);
  await get('/v1/admin/card-assignments?cursor=nope', 400);
});
