import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';
import { PROCESSOR_SECRET, adminPost, authorize, newCard, signedPost, uniq } from './cards.testing.ts';

/**
 * Seed 002's reconciliation table, rebuilt from card transactions:
 *
 *   order  supplied   slip      difference   how the slip total comes about
 *   A      2,699.33   2,605.47    -93.86     two authorizations, both cleared as authorized          (assigned before)
 *   B        712.40     712.80      0.40     one authorization, not cleared yet (authorized amount)  (assigned before)
 *   C      1,627.84   3,259.20  1,631.36     two cleared authorizations: a second trip               (assigned before)
 *   D        141.49     129.73    -11.76     authorized 141.49, cleared at 129.73                    (assigned after)
 *   E        126.99     118.72     -8.27     one cleared; a reversed one and a declined one count 0  (assigned after)
 *   F        504.98     507.36      2.38     cleared 607.36, then 100.00 refunded                    (assigned after)
 *
 * With a tolerance of R10.00 (1000 minor units), A, C and D are flagged. A purchase at 12:00 that no
 * assignment's window holds is listed as unmatched spend.
 */
let t: TestApp;
before(async () => { t = await startTestApp({ RISK: 'false', CARD_PROCESSOR_SECRET: PROCESSOR_SECRET }); });
after(async () => { await t?.close(); });

const day = '2025-05-06';
const at = (hhmm: string) => `${day}T${hhmm}:00.000Z`;
const ZAR = (amount: number) => ({ amount, currency: 'ZAR' });

async function auth(cardId: string, amount: number, time: string, merchant = 'Makro Woodmead') {
  const body = { id: uniq('auth_'), cardId, amount: ZAR(amount), merchant: { name: merchant, mcc: '5411', city: 'Johannesburg', country: 'ZA' }, createdAt: at(time) };
  const answer = await authorize(t, body);
  return { id: body.id, approved: answer.approved, reason: answer.reason };
}
async function event(authorizationId: string, type: 'cleared' | 'reversed' | 'refunded', amount: number) {
  const r = await signedPost(t, '/v1/card-transactions', { id: uniq('tx_'), authorizationId, type, amount: ZAR(amount), createdAt: new Date().toISOString() });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}
const assign = (ref: string, cardholderId: string, supplied: number, from: string, to: string) =>
  t.request('POST', '/v1/card-assignments', { token: t.adminToken, body: { externalOrderRef: ref, cardholderId, expectedSuppliedValue: ZAR(supplied), windowStart: at(from), windowEnd: at(to) } });

test('spend assignments match card transactions; the report ties every card transaction to its order', async () => {
  const ref = (x: string) => `ORD-${x}-${uniq()}`;
  const refs = { A: ref('A'), B: ref('B'), C: ref('C'), D: ref('D'), E: ref('E'), F: ref('F') };
  const names = ['Lindiwe Dlamini', 'Pieter van Wyk', 'Ayesha Patel'];
  const holders: string[] = [];
  for (const name of names) holders.push((await adminPost(t, '/v1/admin/cardholders', { name })).id);
  const [c1, c2, c3] = [
    await newCard(t, { cardholderId: holders[0], last4: '7072' }),
    await newCard(t, { cardholderId: holders[1], last4: '7049' }),
    await newCard(t, { cardholderId: holders[2], last4: '1234', controls: { perTransaction: 100_000 } }),
  ];

  // A, B, C assigned before the shopping: matched as each authorization is decided
  for (const [r, h, v, from, to] of [[refs.A, holders[0], 269_933, '08:00', '09:00'], [refs.B, holders[0], 71_240, '09:30', '10:00'], [refs.C, holders[1], 162_784, '08:00', '09:00']] as const) {
    const res = await assign(r, h, v, from, to);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.matched, 0);
  }
  const a1 = await auth(c1.id, 150_000, '08:10');
  const a2 = await auth(c1.id, 110_547, '08:40');
  await event(a1.id, 'cleared', 150_000);
  await event(a2.id, 'cleared', 110_547);
  await auth(c1.id, 71_280, '09:45'); // B: authorized, not cleared yet
  const c1a = await auth(c2.id, 162_784, '08:05');
  const c1b = await auth(c2.id, 163_136, '08:55', 'Makro Woodmead (2nd trip)');
  await event(c1a.id, 'cleared', 162_784);
  await event(c1b.id, 'cleared', 163_136);

  // D, E, F: the shopping happened first, the assignments arrive afterwards and pick up their window's transactions
  const d = await auth(c2.id, 14_149, '10:10');
  await event(d.id, 'cleared', 12_973);
  const e1 = await auth(c3.id, 11_872, '08:10');
  const e2 = await auth(c3.id, 5_000, '08:15');
  const e3 = await auth(c3.id, 200_000, '08:20');
  assert.deepEqual([e3.approved, e3.reason], [false, 'per-transaction limit 100000 ZAR exceeded (amount 200000)']);
  await event(e1.id, 'cleared', 11_872);
  await event(e2.id, 'reversed', 5_000);
  const f = await auth(c3.id, 60_736, '09:10');
  await event(f.id, 'cleared', 60_736);
  await event(f.id, 'refunded', 10_000);
  const stray = await auth(c3.id, 18_300, '12:00', 'THE FRIDGE WINE & SPIRI');
  assert.ok(stray.approved);

  const dRes = await assign(refs.D, holders[1], 14_149, '10:00', '10:30');
  const eRes = await assign(refs.E, holders[2], 12_699, '08:00', '08:30');
  const fRes = await assign(refs.F, holders[2], 50_498, '09:00', '09:30');
  assert.deepEqual([dRes.status, dRes.body.matched, eRes.body.matched, fRes.body.matched], [201, 1, 3, 1]);

  // idempotent per order reference; different details conflict
  const again = await assign(refs.F, holders[2], 50_498, '09:00', '09:30');
  assert.deepEqual([again.status, again.body.id, again.body.created], [200, fRes.body.id, false]);
  assert.equal((await assign(refs.F, holders[2], 99_999, '09:00', '09:30')).status, 409);

  const q = `from=${at('00:00')}&to=${day}T23:59:59.000Z&tolerance=1000`;
  const rep = await t.request('GET', `/v1/admin/reconciliation?${q}`, { token: t.adminToken });
  assert.equal(rep.status, 200, JSON.stringify(rep.body));
  const byRef = new Map<string, any>(rep.body.data.map((o: any) => [o.externalOrderRef, o]));
  const expected: Array<[string, number, number, number, boolean, number, number, number]> = [
    // ref      supplied  slip     diff      flagged  txs  pending declined
    [refs.A, 269_933, 260_547, -9_386, true, 2, 0, 0],
    [refs.B, 71_240, 71_280, 40, false, 1, 1, 0],
    [refs.C, 162_784, 325_920, 163_136, true, 2, 0, 0],
    [refs.D, 14_149, 12_973, -1_176, true, 1, 0, 0],
    [refs.E, 12_699, 11_872, -827, false, 1, 0, 1],
    [refs.F, 50_498, 50_736, 238, false, 1, 0, 0],
  ];
  for (const [r, supplied, slip, diff, flagged, txs, pending, declined] of expected) {
    const o = byRef.get(r);
    assert.ok(o, `order ${r} in the report`);
    assert.deepEqual(
      [o.itemsSuppliedValue.amount, o.slipTotal.amount, o.difference.amount, o.flagged, o.transactions, o.pending, o.declined],
      [supplied, slip, diff, flagged, txs, pending, declined], r);
  }
  assert.equal(byRef.get(refs.A).cardholderName, 'Lindiwe Dlamini');
  const unmatched = rep.body.unmatched.filter((u: any) => u.authorizationId === stray.id);
  assert.equal(unmatched.length, 1);
  assert.deepEqual([unmatched[0].card, unmatched[0].merchant, unmatched[0].amount.amount, unmatched[0].cardholderName], ['412752XXXXXX1234', 'THE FRIDGE WINE & SPIRI', 18_300, 'Ayesha Patel']);

  const csv = await t.request('GET', `/v1/admin/reconciliation.csv?${q}`, { token: t.adminToken });
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
  const lines = (csv.body as string).trim().split('\r\n');
  assert.equal(lines[0], 'external_order_ref,cardholder,window_start,window_end,currency,items_supplied_value,slip_total,difference,transactions,pending,flagged');
  const line = (r: string) => lines.find((l) => l.startsWith(r + ','));
  assert.equal(line(refs.A), `${refs.A},Lindiwe Dlamini,${at('08:00')},${at('09:00')},ZAR,2699.33,2605.47,-93.86,2,0,yes`);
  assert.equal(line(refs.B), `${refs.B},Lindiwe Dlamini,${at('09:30')},${at('10:00')},ZAR,712.40,712.80,0.40,1,1,no`);
  assert.equal(line(refs.C), `${refs.C},Pieter van Wyk,${at('08:00')},${at('09:00')},ZAR,1627.84,3259.20,1631.36,2,0,yes`);
  assert.equal(line(refs.D), `${refs.D},Pieter van Wyk,${at('10:00')},${at('10:30')},ZAR,141.49,129.73,-11.76,1,0,yes`);
  assert.equal(line(refs.E), `${refs.E},Ayesha Patel,${at('08:00')},${at('08:30')},ZAR,126.99,118.72,-8.27,1,0,no`);
  assert.equal(line(refs.F), `${refs.F},Ayesha Patel,${at('09:00')},${at('09:30')},ZAR,504.98,507.36,2.38,1,0,no`);
  assert.ok(lines.some((l) => l === `,Ayesha Patel,${at('12:00')},,ZAR,0.00,183.00,183.00,1,1,no order`), 'unmatched spend is in the CSV');

  // without a tolerance every difference is flagged
  const strict = await t.request('GET', `/v1/admin/reconciliation?from=${at('00:00')}&to=${day}T23:59:59.000Z`, { token: t.adminToken });
  assert.ok(strict.body.data.filter((o: any) => Object.values(refs).includes(o.externalOrderRef)).every((o: any) => o.flagged));
});

test('the report defaults to the last 30 days; assignments need a known cardholder and a window that ends after it starts', async () => {
  const recent = await t.request('GET', '/v1/admin/reconciliation', { token: t.adminToken });
  assert.equal(recent.status, 200);
  assert.ok(new Date(recent.body.to).getTime() > Date.now() && Date.now() - new Date(recent.body.from).getTime() >= 29 * 86_400_000);
  assert.ok(Array.isArray(recent.body.data) && recent.body.data.every((o: any) => !o.externalOrderRef.startsWith('ORD-') || false), 'the 2025 fixture is outside the default range');
  const holder = (await adminPost(t, '/v1/admin/cardholders', { name: 'X' })).id;
  assert.equal((await assign(uniq('ORD-'), holder, 1, '10:00', '09:00')).status, 400);
  assert.equal((await assign(uniq('ORD-'), 'chd_01jq8v5d3k7m9n2p4r6s8t0w1x', 1, '08:00', '09:00')).status, 422);
});
