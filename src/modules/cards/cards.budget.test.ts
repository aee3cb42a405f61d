import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { testDb } from '../../../test/support/db.ts';
import type { Db } from '../../platform/db/db.ts';
import { FieldCipher } from '../../platform/crypto.ts';
import { createLogger } from '../../platform/logger.ts';
import { systemClock } from '../../platform/clock.ts';
import type { RiskDecision, RiskEvent } from '../risk/index.ts';
import { createCardsService, type CardsDeps } from './cards.service.ts';
import { uniq } from './cards.testing.ts';

/**
 * The decision budget and the cross-node guarantees, on the service with a stand-in risk engine whose speed and
 * verdict the test controls (the "artificially slow decision path").
 */
let db: Db;
before(async () => { db = await testDb(); });
after(async () => { await db?.close(); });

const cipher = new FieldCipher([{ id: 'k1', key: randomBytes(32) }]);
function stubRisk(opts: { delayMs?: number; decision?: 'allow' | 'block'; fail?: boolean } = {}) {
  const seen: RiskEvent[] = [];
  return {
    seen,
    async evaluate(e: RiskEvent): Promise<RiskDecision> {
      seen.push(e);
      if (opts.delayMs) await sleep(opts.delayMs);
      if (opts.fail) throw new Error('risk engine unavailable');
      const block = opts.decision === 'block';
      return { id: `dec_${uniq()}`, decision: block ? 'block' : 'allow', score: block ? 100 : 0, reasons: block ? [{ rule: 'Stub rule', message: 'stub' }] : [], actions: [], rulesetVersion: 1, features: {} };
    },
  };
}
function service(risk: CardsDeps['risk'], budgetMs = 1000) {
  return createCardsService({ db, log: createLogger('silent'), clock: systemClock, cipher, risk, processorSecret: 'cps_test_secret_0123456789abcdef', decisionBudgetMs: budgetMs, notify: { emailTransport: 'outbox', emailJob: { queue: 'notify', kind: 'notify.email' } } });
}
let setupService: ReturnType<typeof service> | null = null;
async function card(fallback?: 'approve' | 'decline', controls?: Record<string, unknown>) {
  const setup = (setupService ??= service(null));
  const holder = await setup.createCardholder('staff:test', { name: 'Test Shopper' });
  const program = fallback ? (await setup.createProgram('staff:test', { name: `P ${uniq()}`, fallback })).id : undefined;
  return (await setup.createCard('staff:test', { cardholderId: holder.id, processorCardId: uniq('pc_'), bin: '412752', last4: '7072', expMonth: 12, expYear: 2035, currency: 'ZAR', program, controls })).id;
}
const input = (cardRef: string, amount = 10_000, id = uniq('auth_')) => ({
  id, cardRef, amount: { amount, currency: 'ZAR' }, merchant: { name: 'Makro Woodmead', mcc: '5411', city: 'Johannesburg', country: 'ZA' }, occurredAt: new Date(), source: 'tollgate' as const,
});
const row = async (id: string) => (await db.query<Record<string, any>>(`SELECT * FROM card_authorizations WHERE id = $1`, [id]))[0];

test('a decision over budget answers the program\'s fallback in time, records it as a fallback, and links the late decision', async () => {
  const risk = stubRisk({ delayMs: 400 });
  const cards = service(risk, 100);
  const id = await card('approve');
  const i = input(id);
  const started = Date.now();
  const a = await cards.authorize(i);
  const took = Date.now() - started;
  assert.ok(took < 350, `answered within the budget (+ the write): ${took} ms`);
  assert.deepEqual(a, { approved: true, decisionId: null, reason: 'no decision within 100 ms: card program fallback (approve)', score: 0, fallback: true });
  const r = await row(i.id);
  assert.deepEqual([r.stage, r.fallback, r.approved, r.card_id], ['fallback', true, true, id]);
  // the slow decision finishes later and is linked for the analyst (the only second write, after the answer)
  const linked = await (async () => { for (let n = 0; n < 50; n++) { const x = await row(i.id); if (x.late_decision_id) return x; await sleep(50); } return null; })();
  assert.ok(linked, 'late decision linked');
  assert.match(linked.late_decision_id, /^dec_/);
  assert.match(linked.late_reason, /^late decision after \d+ ms: approve \(approved\)$/);
  assert.equal(linked.reason, a.reason, 'the recorded answer is the answer given');
  // the same id again replays the fallback answer
  assert.deepEqual(await cards.authorize(i), a);
  assert.equal(risk.seen.length, 1);
});

test('fallback "decline" declines; a card without a program falls back to decline; a failing engine falls back too', async () => {
  const slow = service(stubRisk({ delayMs: 300 }), 50);
  const declineCard = await card('decline');
  const d = await slow.authorize(input(declineCard));
  assert.deepEqual([d.approved, d.fallback, d.reason], [false, true, 'no decision within 50 ms: card program fallback (decline)']);
  const plain = await card();
  assert.equal((await slow.authorize(input(plain))).approved, false);

  const broken = service(stubRisk({ fail: true }), 1000);
  const approveCard = await card('approve');
  const b = await broken.authorize(input(approveCard));
  assert.deepEqual([b.approved, b.fallback, b.reason], [true, true, 'decision failed: card program fallback (approve)']);
});

test('within the budget the rules decide; the budget does not apply to card and control declines (no engine call)', async () => {
  const risk = stubRisk({ delayMs: 20, decision: 'block' });
  const cards = service(risk, 500);
  const id = await card('approve', { perTransaction: 5_000 });
  const ruled = await cards.authorize(input(id, 4_000));
  assert.deepEqual([ruled.approved, ruled.fallback, ruled.reason, ruled.score], [false, false, 'declined by risk rules: Stub rule', 100]);
  assert.equal(risk.seen[0].kind, 'card_authorization');
  assert.deepEqual(risk.seen[0].card, { bin: '412752', last4: '7072', id, program: risk.seen[0].card?.program });
  const control = await cards.authorize(input(id, 6_000));
  assert.equal(control.reason, 'per-transaction limit 5000 ZAR exceeded (amount 6000)');
  assert.equal(risk.seen.length, 1, 'controls decline before the engine is asked');
});

test('two nodes, one authorization id at the same time: one record, both answer the winner\'s answer', async () => {
  const id = await card('decline');
  const nodeA = service(stubRisk({ delayMs: 5, decision: 'allow' }));
  const nodeB = service(stubRisk({ delayMs: 5, decision: 'block' }));
  for (let round = 0; round < 5; round++) {
    const i = input(id, 1_000);
    const [a, b] = await Promise.all([nodeA.authorize(i), nodeB.authorize({ ...i })]);
    assert.deepEqual(a, b, `round ${round}`);
    assert.equal(Number((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM card_authorizations WHERE id = $1`, [i.id]))[0].n), 1);
  }
});

test('concurrent authorizations on one card (one node) cannot both pass the daily limit', async () => {
  const cards = service(stubRisk({ delayMs: 10 }));
  const id = await card('approve', { daily: 100_000 });
  const answers = await Promise.all([60_000, 60_000, 60_000].map((amt) => cards.authorize(input(id, amt))));
  assert.deepEqual(answers.map((a) => a.approved).sort(), [false, false, true]);
  assert.ok(answers.filter((a) => !a.approved).every((a) => a.reason === 'daily limit 100000 ZAR exceeded (spent 60000 today + 60000)'));
  await new Promise((r) => setImmediate(r)); // card locks are released right after the answers
  assert.deepEqual(cards.decisionStats(), { inflight: 0, cardLocks: 0, knownCards: cards.decisionStats().knownCards });
});
