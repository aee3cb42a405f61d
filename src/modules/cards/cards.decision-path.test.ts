import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';
import { createLogger } from '../../platform/logger.ts';
import type { Clock } from '../../platform/clock.ts';
import { createCardsService } from './cards.service.ts';
import { PROCESSOR_SECRET, uniq } from './cards.testing.ts';
import type { AuthorizationInput } from './cards.schema.ts';

/**
 * The fast decision path: card state and spend in memory, the risk decision written with the authorization in one
 * group-commit transaction. What a user of it cares about: every answer is durable and exact per id, a change made
 * through the service (or on another node) applies to the next authorization, limits hold under concurrency.
 */
let t: TestApp;
before(async () => { t = await startTestApp({ RISK: 'true', CARD_PROCESSOR_SECRET: PROCESSOR_SECRET }); });
after(async () => { await t?.close(); });

const cards = () => t.tg.services.cards;
/** Another node: its own cards service (own memory, own group commit) on the same database and risk engine. */
function otherNode(clock: Clock = { now: () => new Date() }) {
  const c = t.tg.ctx;
  return createCardsService({
    db: c.db, log: createLogger('silent'), clock, cipher: c.cipher, risk: t.tg.services.risk, processorSecret: PROCESSOR_SECRET, decisionBudgetMs: 1000,
    notify: { emailTransport: 'outbox', emailJob: { queue: 'notify', kind: 'notify.email' } },
  });
}
const count = async (sql: string, params: unknown[]) => Number((await t.tg.ctx.db.query<{ n: number }>(sql, params))[0].n);

async function newCard(controls?: Record<string, unknown>, program?: string) {
  const holder = await cards().createCardholder('staff:test', { name: `Shopper ${uniq()}` });
  const card = await cards().createCard('staff:test', {
    cardholderId: holder.id, processorCardId: uniq('pc_'), bin: '412752', last4: '7072', expMonth: 12, expYear: 2035, currency: 'ZAR', controls: controls as never, program,
  });
  return card.id;
}
const input = (cardRef: string, amount: number, extra: Partial<AuthorizationInput> = {}): AuthorizationInput => ({
  id: uniq('auth_'), cardRef, amount: { amount, currency: 'ZAR' }, merchant: { name: 'Makro Woodmead', mcc: '5411', city: 'Johannesburg', country: 'ZA' },
  occurredAt: new Date(), source: 'tollgate', ...extra,
});

test('a burst of decisions is written in shared batches; every answer is in the database when it is given, with its risk decision', async () => {
  const ids = await Promise.all(Array.from({ length: 8 }, () => newCard()));
  const before = cards().decisionWriteStats();
  const inputs = Array.from({ length: 120 }, (_, i) => input(ids[i % ids.length], 20_000 + i));
  const answers = await Promise.all(inputs.map(async (i) => {
    const a = await cards().authorize(i);
    // durable before answered: the row (and the risk decision it names) is visible the moment the answer is
    const [row] = await t.tg.ctx.db.query<{ approved: boolean; decision_id: string | null }>(`SELECT approved, decision_id FROM card_authorizations WHERE id = $1`, [i.id]);
    assert.ok(row, `row of ${i.id} exists when its answer is given`);
    assert.equal(row.approved, a.approved);
    return a;
  }));
  assert.deepEqual(answers.filter((a) => !(a.approved && a.decisionId?.startsWith('dec_'))), [], 'grocery spend is approved by the rules');
  const decisionIds = answers.map((a) => a.decisionId!);
  assert.equal(await count(`SELECT count(*)::int AS n FROM risk_decisions WHERE id = ANY($1::text[]) AND kind = 'card_authorization'`, [decisionIds]), 120, 'one risk decision per authorization');
  assert.equal(await count(`SELECT count(*)::int AS n FROM risk_decisions WHERE subject_id = ANY($1::text[])`, [inputs.map((i) => i.id)]), 120, 'and no other');
  const after = cards().decisionWriteStats();
  assert.equal(after.items - before.items, 120);
  assert.ok(after.batches - before.batches < 120, `decisions shared commits: ${after.batches - before.batches} batches for 120`);
});

test('the same id: concurrent copies on two nodes and a late copy on a third give one record, one risk decision and the same answer', async () => {
  const id = await newCard({ daily: 50_000 });
  const a = otherNode();
  const b = otherNode();
  for (let round = 0; round < 4; round++) {
    const i = input(id, 10_000); // above the micro-transaction rule's 2 USD: its velocity counts every copy a node decides
    const answers = await Promise.all([cards().authorize(i), cards().authorize({ ...i }), a.authorize({ ...i }), b.authorize({ ...i }), a.authorize({ ...i })]);
    for (const x of answers) assert.deepEqual(x, answers[0], `round ${round}`);
    assert.deepEqual(await otherNode().authorize({ ...i }), answers[0], 'a node that never saw it answers the stored answer');
    assert.equal(await count(`SELECT count(*)::int AS n FROM card_authorizations WHERE id = $1`, [i.id]), 1);
    assert.equal(await count(`SELECT count(*)::int AS n FROM risk_decisions WHERE subject_id = $1`, [i.id]), 1, 'the losers\' risk decisions are not written');
  }
  // the copies that lost did not count towards the limit anywhere: 4 × 10 000 spent, 10 000 left
  const rest = await a.authorize(input(id, 10_000));
  assert.equal(rest.approved, true, rest.reason);
  assert.equal((await otherNode().authorize(input(id, 1))).reason, 'daily limit 50000 ZAR exceeded (spent 50000 today + 1)');
});

test('a freeze, a control change or a program change through the service applies to the very next authorization', async () => {
  const program = (await cards().createProgram('staff:test', { name: `Program ${uniq()}`, fallback: 'decline', controls: { perTransaction: 50_000 } })).id;
  const id = await newCard(undefined, program);
  assert.equal((await cards().authorize(input(id, 40_000))).approved, true);

  await cards().freeze('staff:test', id, 'lost');
  assert.equal((await cards().authorize(input(id, 1_000))).reason, 'card is frozen');
  await cards().unfreeze('staff:test', id, 'found');
  assert.equal((await cards().authorize(input(id, 1_000))).approved, true);

  await cards().patchControls('staff:test', id, { daily: 45_000 });
  assert.equal((await cards().authorize(input(id, 5_000))).reason, 'daily limit 45000 ZAR exceeded (spent 41000 today + 5000)');
  await cards().updateProgram('staff:test', program, { controls: { perTransaction: 2_000 } });
  assert.equal((await cards().authorize(input(id, 3_000))).reason, 'per-transaction limit 2000 ZAR exceeded (amount 3000)');

  const unknownRef = uniq('pc_');
  assert.equal((await cards().authorize(input(unknownRef, 1_000))).reason, 'unknown card');
  const holder = await cards().createCardholder('staff:test', { name: 'Late card' });
  await cards().createCard('staff:test', { cardholderId: holder.id, processorCardId: unknownRef, bin: '412752', last4: '7072', expMonth: 12, expYear: 2035, currency: 'ZAR' });
  assert.equal((await cards().authorize(input(unknownRef, 1_000))).approved, true, 'a card registered after it was asked about');
});

test('another node\'s freeze and control change reach this node\'s memory at its next change check', async () => {
  const id = await newCard({ perTransaction: 100_000 });
  const here = cards();
  assert.equal((await here.authorize(input(id, 10_000))).approved, true); // in memory now
  const there = otherNode();
  await there.freeze('staff:other-node', id, 'reported stolen');
  await here.refreshCardState(); // app.ts runs this every second
  assert.equal((await here.authorize(input(id, 1_000))).reason, 'card is frozen');
  await there.unfreeze('staff:other-node', id, 'found');
  await there.patchControls('staff:other-node', id, { perTransaction: 500 });
  await here.refreshCardState();
  assert.equal((await here.authorize(input(id, 1_000))).reason, 'per-transaction limit 500 ZAR exceeded (amount 1000)');
});

test('spend in memory: concurrent authorizations cannot pass the limit together; a reversal and a partial clearing give the money back at once', async () => {
  const id = await newCard({ daily: 100_000 });
  const answers = await Promise.all([60_000, 60_000, 60_000, 30_000].map((amt) => cards().authorize(input(id, amt))));
  assert.deepEqual(answers.map((a) => a.approved), [true, false, false, true], 'serialized per card, in arrival order');
  const approved = await t.tg.ctx.db.query<{ id: string; amount: number }>(`SELECT id, amount FROM card_authorizations WHERE card_id = $1 AND approved ORDER BY amount DESC`, [id]);
  assert.deepEqual(approved.map((r) => Number(r.amount)), [60_000, 30_000]);

  await cards().recordTransaction({ id: uniq('txn_'), authorizationId: approved[0].id, type: 'reversed', amount: { amount: 60_000, currency: 'ZAR' }, createdAt: new Date().toISOString() });
  assert.equal((await cards().authorize(input(id, 70_000))).approved, true, '30 000 + 70 000 after the reversal');
  assert.equal((await cards().authorize(input(id, 1))).reason, 'daily limit 100000 ZAR exceeded (spent 100000 today + 1)');
  await cards().recordTransaction({ id: uniq('txn_'), authorizationId: approved[1].id, type: 'cleared', amount: { amount: 20_000, currency: 'ZAR' }, createdAt: new Date().toISOString() });
  assert.equal((await cards().authorize(input(id, 10_000))).approved, true, 'cleared at 20 000 instead of 30 000');
  const view = await cards().getCard(id);
  assert.deepEqual(view.spend.today, { amount: 100_000, currency: 'ZAR' }, 'memory and database agree');
});

test('the day rolls over in the card\'s time zone: yesterday\'s spend stops counting', async () => {
  let now = new Date('2031-03-04T21:30:00Z'); // 23:30 in Johannesburg (UTC+2)
  const node = otherNode({ now: () => now });
  const id = await newCard({ daily: 100_000, timezone: 'Africa/Johannesburg' });
  assert.equal((await node.authorize(input(id, 90_000, { occurredAt: now }))).approved, true);
  assert.equal((await node.authorize(input(id, 20_000, { occurredAt: now }))).approved, false);
  now = new Date('2031-03-04T22:00:00Z'); // midnight there
  const next = await node.authorize(input(id, 20_000, { occurredAt: now }));
  assert.equal(next.approved, true, next.reason);
  assert.equal((await node.authorize(input(id, 85_000, { occurredAt: now }))).reason, 'daily limit 100000 ZAR exceeded (spent 20000 today + 85000)');
});

test('a rule\'s freeze inside a batch commits with its decision; the other decisions of the batch are unaffected', async () => {
  const [victim, ...others] = await Promise.all(Array.from({ length: 6 }, () => newCard()));
  const burst = [
    cards().authorize(input(victim, 75_000, { merchant: { name: 'Liquor City', mcc: '5921', city: 'Johannesburg', country: 'ZA' } })),
    ...others.map((c) => cards().authorize(input(c, 2_000))),
  ];
  const sameCardRightAfter = [cards().authorize(input(victim, 2_000)), cards().authorize(input(victim, 3_000))];
  const [blocked, ...fine] = await Promise.all(burst);
  assert.equal(blocked.reason, 'declined by risk rules: Alcohol or gambling merchant');
  assert.ok(fine.every((a) => a.approved));
  assert.deepEqual((await Promise.all(sameCardRightAfter)).map((a) => a.reason), ['card is frozen', 'card is frozen'], 'authorizations that arrived while the freeze was being written');
  assert.equal((await cards().authorize(input(victim, 1_000))).reason, 'card is frozen');
  const history = await t.tg.ctx.db.query<{ reason: string }>(`SELECT reason FROM card_status_history WHERE card_id = $1 AND to_status = 'frozen'`, [victim]);
  assert.match(history[0].reason, new RegExp(`decision ${blocked.decisionId}`));
  assert.equal(await count(`SELECT count(*)::int AS n FROM alerts WHERE subject_id IN (SELECT subject_id FROM risk_decisions WHERE id = $1)`, [blocked.decisionId]), 1, 'the alert of the block');
});
