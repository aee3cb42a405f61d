import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Db, Sql } from '../../platform/db/db.ts';
import { isAppError } from '../../platform/errors.ts';
import { testDb } from '../../../test/support/db.ts';
import { createLedgerService, type LedgerService } from './index.ts';
import { move, uniq } from './ledger.testing.ts';

/**
 * Real concurrency needs real connections: on PostgreSQL many transactions run at once (several "nodes",
 * each with its own group commit, plus transactions of other modules posting with transferIn).
 * PGlite is one connection, so everything there is serialized and this file has nothing to prove.
 */
const skip = process.env.DATABASE_URL ? false : 'PGlite is a single connection (transactions never overlap): run with DATABASE_URL=postgres://… to test concurrency';

let db: Db;
let retries = 0;
/** The same database, counting transactions that had to be re-run (a deadlock or a serialization failure). */
let counted: Db;
before(async () => {
  if (skip) return;
  db = await testDb();
  counted = Object.create(db, {
    tx: {
      value: <T>(fn: (trx: Sql) => Promise<T>) => {
        let calls = 0;
        return db.tx((trx) => { if (++calls > 1) retries++; return fn(trx); });
      },
    },
  });
});
after(async () => { if (db) await db.close(); });

const nodes = (n: number): LedgerService[] => Array.from({ length: n }, () => createLedgerService({ db: counted }));

async function funded(ledger: LedgerService, amount: number) {
  const w = await ledger.openAccount({ ownerType: 'customer', ownerId: uniq('cus'), currency: 'USD' });
  const gw = await ledger.systemAccount('gateway_clearing', 'USD');
  await ledger.transferOne(move(gw.id, w.id, amount, { kind: 'topup' }));
  return w;
}

function tally(results: PromiseSettledResult<unknown>[]) {
  let ok = 0, refused = 0;
  for (const r of results) {
    if (r.status === 'fulfilled') ok++;
    else if (isAppError(r.reason) && r.reason.code === 'insufficient_funds') refused++;
    else throw r.reason; // anything else (a deadlock, a constraint) is a failure of the test
  }
  return { ok, refused };
}

test('200 concurrent debits of 1 against a balance of 100: exactly 100 succeed, the balance ends at exactly 0', { skip }, async () => {
  const [a, b] = nodes(2);
  const shop = await a.openAccount({ ownerType: 'customer', ownerId: uniq('cus'), currency: 'USD' });

  // (1) each debit in its own transaction of another module (transferIn): 200 transactions racing for one row
  const w1 = await funded(a, 100);
  const viaTx = await Promise.allSettled(Array.from({ length: 200 }, () => counted.tx((trx) => a.transferIn(trx, [move(w1.id, shop.id, 1)]))));
  assert.deepEqual(tally(viaTx), { ok: 100, refused: 100 });
  assert.equal((await a.balance(w1.id)).posted, 0);

  // (2) through the group commit of two nodes at once
  const w2 = await funded(a, 100);
  const viaBatch = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).transferOne(move(w2.id, shop.id, 1))));
  assert.deepEqual(tally(viaBatch), { ok: 100, refused: 100 });
  const bal = await a.balance(w2.id);
  assert.equal(bal.posted, 0);
  assert.equal(bal.debitsPending, 0);

  // (3) holds racing plain debits: reserved funds count against what is available
  const w3 = await funded(a, 100);
  const mixed = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => {
    const leg = move(w3.id, shop.id, 1, i % 3 === 0 ? { type: 'pending', kind: 'card_hold' } : {});
    return i % 2 ? a.transferOne(leg) : counted.tx((trx) => b.transferIn(trx, [leg]));
  }));
  assert.deepEqual(tally(mixed), { ok: 100, refused: 100 });
  const b3 = await a.balance(w3.id);
  assert.equal(b3.available, 0);
  assert.equal(b3.posted - b3.debitsPending, 0);
  assert.equal((await a.balance(shop.id)).posted, 200 + (100 - b3.debitsPending));

  assert.deepEqual(await a.reconcile(), []);
  assert.equal((await a.trialBalance()).balanced, true);
});

test('transfers between many accounts in both directions from several nodes at once: no deadlock, totals conserved', { skip }, async () => {
  retries = 0;
  const ns = nodes(3);
  const wallets = [];
  for (let i = 0; i < 24; i++) wallets.push(await funded(ns[0], 1_000));
  const ids = wallets.map((w) => w.id);
  const rnd = (n: number) => Math.floor(Math.random() * n);
  const pick2 = () => { const x = rnd(ids.length); let y = rnd(ids.length - 1); if (y >= x) y++; return [ids[x], ids[y]]; };
  const work: Array<Promise<unknown>> = [];
  for (let i = 0; i < 1_500; i++) {
    const [x, y] = pick2();
    const r = i % 10;
    if (r === 0) {
      // a linked pair in opposite directions: locks both accounts in one transaction
      work.push(ns[i % 3].transfer([move(x, y, 1 + rnd(50)), move(y, x, 1 + rnd(50))]));
    } else if (r < 4) {
      work.push(counted.tx((trx) => ns[i % 3].transferIn(trx, [move(x, y, 1 + rnd(80)), move(y, x, 1 + rnd(30))])));
    } else {
      work.push(ns[i % 3].transferOne(move(x, y, 1 + rnd(120))));
    }
  }
  const results = await Promise.allSettled(work);
  const { ok } = tally(results);
  assert.ok(ok > 500, `most transfers go through (${ok})`);
  assert.equal(retries, 0, 'no transaction had to be retried (no deadlock, no serialization failure)');
  const total = (await Promise.all(ids.map((id) => ns[1].balance(id)))).reduce((s, b) => s + b.posted, 0);
  assert.equal(total, 24 * 1_000, 'money only moved between these wallets');
  for (const id of ids) assert.ok((await ns[2].balance(id)).posted >= 0);
  assert.deepEqual(await ns[0].reconcile(), []);
  assert.equal((await ns[0].trialBalance()).balanced, true);
});
