import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { ledgerFixture, wallet, fundedWallet, move, codeOf, uniq, type LedgerFixture } from './ledger.testing.ts';
import { LEDGER_CHANNEL, type LedgerNotification } from './index.ts';

let f: LedgerFixture;
before(async () => { f = await ledgerFixture(); });
after(async () => { await f.close(); });

const snapshot = async (...ids: string[]) => Promise.all(ids.map(async (id) => (await f.ledger.getAccount(id)).balance));
const exists = async (clientId: string) => f.ledger.getTransfer(clientId).then(() => true, () => false);

test('opening an account is idempotent per owner, currency and code; defaults depend on the owner', async () => {
  const owner = uniq('cus');
  const a = await f.ledger.openAccount({ ownerType: 'customer', ownerId: owner, currency: 'USD' });
  const b = await f.ledger.openAccount({ ownerType: 'customer', ownerId: owner, currency: 'USD' });
  const eur = await f.ledger.openAccount({ ownerType: 'customer', ownerId: owner, currency: 'EUR' });
  assert.equal(a.id, b.id);
  assert.notEqual(a.id, eur.id);
  assert.match(a.id, /^lac_[0-9a-z]{26}$/);
  assert.equal(a.code, 'wallet');
  assert.equal(a.normalSide, 'credit');
  assert.equal(a.debitsMustNotExceedCredits, true);
  assert.deepEqual((await f.ledger.accountsOf('customer', owner)).map((x) => x.id).sort(), [a.id, eur.id].sort());
  assert.equal((await f.ledger.walletOf(owner, 'EUR'))?.id, eur.id);

  const gw = await f.ledger.systemAccount('gateway_clearing', 'USD');
  assert.equal((await f.ledger.systemAccount('gateway_clearing', 'USD')).id, gw.id);
  assert.equal(gw.ownerId, null);
  assert.equal(gw.normalSide, 'debit');
  assert.equal(gw.debitsMustNotExceedCredits, false);
  assert.equal((await f.ledger.systemAccount('fees', 'USD')).normalSide, 'credit');

  assert.equal(await codeOf(f.ledger.openAccount({ ownerType: 'customer', currency: 'USD' })), 'validation_failed');
  assert.equal(await codeOf(f.ledger.openAccount({ ownerType: 'customer', ownerId: owner, currency: 'usd' })), 'validation_failed');
  assert.equal(await codeOf(f.ledger.openAccount({ ownerType: 'system', code: 'Bad Code', currency: 'USD' })), 'validation_failed');
});

test('a top-up and a payment move money between wallets and system accounts; the trial balance stays balanced', async () => {
  const w = await fundedWallet(f.ledger, 10_000);
  const shop = await wallet(f.ledger);
  const [t] = await f.ledger.transfer([move(w.id, shop.id, 2_500, { kind: 'payment', metadata: { order: 'ord_1' } })]);
  assert.match(t.id, /^ltr_[0-9a-z]{26}$/);
  assert.equal(t.type, 'posted');
  assert.deepEqual(t.metadata, { order: 'ord_1' });
  const bw = await f.ledger.balance(w.id);
  assert.equal(bw.posted, 7_500);
  assert.equal(bw.available, 7_500);
  assert.equal((await f.ledger.balance(shop.id)).posted, 2_500);
  const gw = await f.ledger.systemAccount('gateway_clearing', 'USD');
  assert.ok((await f.ledger.balance(gw.id)).posted >= 10_000, 'gateway clearing is debit-normal: money the gateway owes us');
  const tb = await f.ledger.trialBalance();
  assert.equal(tb.balanced, true);
  const usd = tb.currencies.find((c) => c.currency === 'USD')!;
  assert.equal(usd.debits, usd.credits);
  assert.deepEqual(await f.ledger.reconcile(), []);
});

test('refused transfers change nothing and say why', async () => {
  const w = await fundedWallet(f.ledger, 100);
  const other = await wallet(f.ledger);
  const eur = await wallet(f.ledger, 'EUR');
  const before = await snapshot(w.id, other.id, eur.id);
  const cases: Array<[string, ReturnType<typeof move>]> = [
    ['insufficient_funds', move(w.id, other.id, 101)],
    ['unprocessable', move(w.id, eur.id, 10)], // currency mismatch
    ['not_found', move(w.id, 'lac_00000000000000000000000000', 10)],
    ['validation_failed', move(w.id, other.id, 0)],
    ['validation_failed', move(w.id, other.id, 1.5)],
    ['validation_failed', move(w.id, other.id, Number.MAX_SAFE_INTEGER + 1)],
    ['validation_failed', move(w.id, w.id, 10)],
    ['validation_failed', move(w.id, other.id, 10, { kind: 'gift' as never })],
    ['validation_failed', move(w.id, other.id, 10, { description: '' })],
    ['validation_failed', move(w.id, other.id, 10, { id: 'has spaces' })],
  ];
  for (const [code, leg] of cases) {
    assert.equal(await codeOf(f.ledger.transfer([leg])), code, `${leg.amount} ${leg.debitAccountId}→${leg.creditAccountId}`);
    assert.equal(await exists(leg.id), false);
  }
  assert.deepEqual(await snapshot(w.id, other.id, eur.id), before);
  const outcome = await f.ledger.tryTransfer([move(w.id, other.id, 500)]);
  assert.equal(outcome.ok, false);
  assert.equal(!outcome.ok && outcome.error.code, 'insufficient_funds');

  // closed accounts take nothing; an account with a balance cannot be closed
  const empty = await wallet(f.ledger);
  assert.equal(await codeOf(f.ledger.closeAccount(w.id)), 'unprocessable');
  assert.equal((await f.ledger.closeAccount(empty.id)).status, 'closed');
  assert.equal(await codeOf(f.ledger.transfer([move(w.id, empty.id, 1)])), 'unprocessable');
  assert.deepEqual(await snapshot(w.id), [before[0]]);
});

test('an overdraft lets a wallet go below zero down to its limit, not further', async () => {
  const w = await fundedWallet(f.ledger, 100, 'USD', { allowOverdraft: true, overdraftLimit: 50 });
  const shop = await wallet(f.ledger);
  assert.equal((await f.ledger.balance(w.id)).spendable, 150);
  await f.ledger.transfer([move(w.id, shop.id, 150)]);
  assert.equal((await f.ledger.balance(w.id)).posted, -50);
  assert.equal(await codeOf(f.ledger.transfer([move(w.id, shop.id, 1)])), 'limit_exceeded');
  // lowering the limit below what is used is refused; raising it works
  assert.equal(await codeOf(f.ledger.setOverdraft(w.id, { allowOverdraft: true, overdraftLimit: 10 })), 'unprocessable');
  await f.ledger.setOverdraft(w.id, { allowOverdraft: true, overdraftLimit: 60 });
  await f.ledger.transfer([move(w.id, shop.id, 10)]);
  assert.equal((await f.ledger.balance(w.id)).posted, -60);
});

test('the same id with the same contents returns the original transfer, once (sequential, concurrent, in one batch)', async () => {
  const w = await fundedWallet(f.ledger, 1_000);
  const shop = await wallet(f.ledger);
  const leg = move(w.id, shop.id, 100, { metadata: { b: 2, a: 1 } });
  const [first] = await f.ledger.transfer([leg]);
  const [again] = await f.ledger.transfer([{ ...leg, metadata: { a: 1, b: 2 } }]); // key order does not matter
  assert.deepEqual(again, first);
  assert.equal((await f.ledger.balance(w.id)).posted, 900);

  // concurrent submissions of one id: one effect, everyone gets the same transfer
  const leg2 = move(w.id, shop.id, 50);
  const results = await Promise.all(Array.from({ length: 20 }, () => f.ledger.transferOne({ ...leg2 })));
  assert.equal(new Set(results.map((r) => r.id)).size, 1);
  assert.equal((await f.ledger.balance(w.id)).posted, 850);
  // concurrent through separate transactions (transferIn) as well
  const leg3 = move(w.id, shop.id, 25);
  const viaTx = await Promise.all(Array.from({ length: 6 }, () => f.db.tx((trx) => f.ledger.transferIn(trx, [{ ...leg3 }]))));
  assert.equal(new Set(viaTx.map((r) => r[0].id)).size, 1);
  assert.equal((await f.ledger.balance(w.id)).posted, 825);

  // same id, different contents
  assert.equal(await codeOf(f.ledger.transfer([{ ...leg, amount: 101 }])), 'transfer_id_reused');
  assert.equal(await codeOf(f.ledger.transfer([{ ...leg, description: 'other' }])), 'transfer_id_reused');
  assert.equal(await codeOf(f.ledger.transfer([{ ...leg, metadata: { a: 1 } }])), 'transfer_id_reused');
  assert.equal(await codeOf(f.db.tx((trx) => f.ledger.transferIn(trx, [{ ...leg, amount: 7 }]))), 'transfer_id_reused');
  // and in the same batch as its first use: the second submission sees the first
  const leg4 = move(w.id, shop.id, 10);
  const [a, b] = await Promise.allSettled([f.ledger.transferOne(leg4), f.ledger.transferOne({ ...leg4, amount: 11 })]);
  assert.equal(a.status, 'fulfilled');
  assert.equal(b.status === 'rejected' && (b.reason as { code: string }).code, 'transfer_id_reused');
  assert.equal((await f.ledger.balance(w.id)).posted, 815);
  // a refused transfer leaves no trace: its id can be used once the wallet has the money
  const leg5 = move(w.id, shop.id, 5_000);
  assert.equal(await codeOf(f.ledger.transferOne(leg5)), 'insufficient_funds');
  const gw = await f.ledger.systemAccount('gateway_clearing', 'USD');
  await f.ledger.transferOne(move(gw.id, w.id, 5_000, { kind: 'topup' }));
  assert.equal((await f.ledger.transferOne(leg5)).amount, 5_000);
});

test('a linked group applies all legs or none', async () => {
  const w = await fundedWallet(f.ledger, 1_000);
  const shop = await wallet(f.ledger);
  const fees = await f.ledger.systemAccount('fees', 'USD');
  const before = await snapshot(w.id, shop.id, fees.id);
  const pay = move(w.id, shop.id, 900, { kind: 'payment' });
  const fee = move(w.id, fees.id, 200, { kind: 'fee' }); // 900 + 200 > 1000: the second leg fails
  const outcome = await f.ledger.tryTransfer([pay, fee]);
  assert.equal(outcome.ok, false);
  assert.equal(!outcome.ok && outcome.legIndex, 1);
  assert.equal(!outcome.ok && outcome.error.code, 'insufficient_funds');
  assert.deepEqual(await snapshot(w.id, shop.id, fees.id), before);
  assert.equal(await exists(pay.id), false);

  const fee2 = { ...fee, id: uniq('fee'), amount: 100 };
  const done = await f.ledger.transfer([pay, fee2]);
  assert.equal(done.length, 2);
  assert.ok(done[0].linkId && done[0].linkId === done[1].linkId);
  assert.equal((await f.ledger.balance(w.id)).posted, 0);
  // replaying the group returns it; a part of it or a different group with its ids is refused
  assert.deepEqual((await f.ledger.transfer([pay, fee2])).map((t) => t.id), done.map((t) => t.id));
  assert.equal(await codeOf(f.ledger.transfer([pay])), 'transfer_id_reused');
  assert.equal(await codeOf(f.ledger.transfer([pay, move(shop.id, w.id, 1)])), 'transfer_id_reused');
  // the same id twice in one group is a mistake
  assert.equal(await codeOf(f.ledger.transfer([pay, pay])), 'validation_failed');
});

test('transferIn commits with the caller\'s transaction, or not at all', async () => {
  const w = await fundedWallet(f.ledger, 500);
  const shop = await wallet(f.ledger);
  const leg = move(w.id, shop.id, 200, { kind: 'bill_payment' });
  await assert.rejects(f.db.tx(async (trx) => {
    await f.ledger.transferIn(trx, [leg]);
    throw new Error('the caller fails after posting');
  }), /the caller fails/);
  assert.equal(await exists(leg.id), false);
  assert.equal((await f.ledger.balance(w.id)).posted, 500);
  const [t] = await f.db.tx((trx) => f.ledger.transferIn(trx, [leg]));
  assert.equal((await f.ledger.getTransfer(t.id)).clientId, leg.id);
  assert.equal((await f.ledger.balance(w.id)).posted, 300);
  assert.equal(await codeOf(f.db.tx((trx) => f.ledger.transferIn(trx, [move(w.id, shop.id, 301)]))), 'insufficient_funds');
});

test('transfers are immutable in the database', async () => {
  const w = await fundedWallet(f.ledger, 10);
  const [t] = (await f.ledger.listTransfers(w.id)).data;
  await assert.rejects(f.db.query(`UPDATE ledger_transfers SET amount = 1 WHERE id = $1`, [t.id]), /append-only/);
  await assert.rejects(f.db.query(`DELETE FROM ledger_transfers WHERE id = $1`, [t.id]), /append-only/);
  // the balance limit holds in the database too, whatever the code above it does
  await assert.rejects(f.db.query(`UPDATE ledger_accounts SET debits_posted = debits_posted + 1000 WHERE id = $1`, [w.id]), /ledger_accounts_debit_limit/);
});

test('an account\'s history pages with a stable cursor and filters by time, kind and amount', async () => {
  const w = await fundedWallet(f.ledger, 100_000);
  const shop = await wallet(f.ledger);
  const legs = Array.from({ length: 23 }, (_, i) => move(w.id, shop.id, 100 + i, { kind: i % 3 === 0 ? 'fee' : 'payment' }));
  for (const [i, leg] of legs.entries()) {
    f.clock.advance(1);
    if (i % 2) await f.ledger.transfer([leg]); else await f.db.tx((trx) => f.ledger.transferIn(trx, [leg]));
  }
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await f.ledger.listTransfers(shop.id, { limit: 5, cursor });
    seen.push(...page.data.map((t) => t.clientId));
    assert.ok(page.data.every((t) => t.direction === 'credit'));
    cursor = page.nextCursor;
  } while (cursor);
  assert.deepEqual(seen, legs.map((l) => l.id).reverse(), 'newest first, each once');
  const asc = await f.ledger.listTransfers(shop.id, { limit: 100, order: 'asc' });
  assert.deepEqual(asc.data.map((t) => t.clientId), legs.map((l) => l.id));

  const fees = await f.ledger.listTransfers(shop.id, { kinds: ['fee'], limit: 100 });
  assert.equal(fees.data.length, 8);
  const mid = await f.ledger.listTransfers(shop.id, { minAmount: 110, maxAmount: 112, limit: 100 });
  assert.deepEqual(mid.data.map((t) => t.amount).sort(), [110, 111, 112]);
  const t5 = await f.ledger.getTransfer(legs[5].id);
  const t9 = await f.ledger.getTransfer(legs[9].id);
  const window = await f.ledger.listTransfers(shop.id, { from: t5.createdAt, to: t9.createdAt, limit: 100 });
  assert.deepEqual(window.data.map((t) => t.clientId).reverse(), legs.slice(5, 9).map((l) => l.id));
  const wHistory = await f.ledger.listTransfers(w.id, { limit: 100 });
  assert.equal(wHistory.data.length, 24);
  assert.equal(wHistory.data.at(-1)!.direction, 'credit'); // the top-up
  assert.equal(wHistory.data[0].direction, 'debit');
  assert.equal(await codeOf(f.ledger.listTransfers(shop.id, { cursor: 'nonsense' })), 'validation_failed');
  assert.equal(await codeOf(f.ledger.listTransfers('lac_00000000000000000000000000')), 'not_found');
});

test('posting notifies ledger_posted on commit with the accounts and transfers, in payloads below 8000 bytes', async () => {
  const got: LedgerNotification[] = [];
  let stop: () => Promise<void>;
  if (process.env.DATABASE_URL) {
    const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await c.connect();
    c.on('notification', (m) => { if (m.channel === LEDGER_CHANNEL) got.push(JSON.parse(m.payload!)); });
    await c.query(`LISTEN ${LEDGER_CHANNEL}`);
    stop = () => c.end();
  } else {
    const unlisten = await (f.db as unknown as { pglite: { listen(ch: string, cb: (p: string) => void): Promise<() => Promise<void>> } }).pglite
      .listen(LEDGER_CHANNEL, (p) => got.push(JSON.parse(p)));
    stop = unlisten;
  }
  try {
    const w = await fundedWallet(f.ledger, 1_000_000);
    const shops = await Promise.all(Array.from({ length: 5 }, () => wallet(f.ledger)));
    const legs = Array.from({ length: 300 }, (_, i) => move(w.id, shops[i % 5].id, 1));
    const done = (await Promise.all(legs.map((l) => f.ledger.transferOne(l)))).map((t) => t.id);
    const rolledBack = move(w.id, shops[0].id, 1);
    await f.db.tx(async (trx) => { await f.ledger.transferIn(trx, [rolledBack]); throw new Error('rollback'); }).catch(() => undefined);
    const mine = () => new Set(got.flatMap((g) => g.transfers));
    const until = Date.now() + 10_000;
    while (done.some((id) => !mine().has(id)) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    assert.ok(done.every((id) => mine().has(id)), 'every committed transfer was announced');
    for (const g of got) assert.ok(JSON.stringify(g).length < 8000);
    const withMine = got.filter((g) => g.transfers.some((id) => done.includes(id)));
    assert.ok(withMine.every((g) => g.accounts.includes(w.id)));
    assert.ok(withMine.length >= 2, 'a batch of 300 needs more than one payload');
    const rb = await f.ledger.getTransfer(rolledBack.id).catch(() => null);
    assert.equal(rb, null);
  } finally {
    await stop();
  }
});

test('free text and ids survive the batched write exactly (quotes, backslashes, braces, NULL, unicode)', async () => {
  const w = await fundedWallet(f.ledger, 1_000);
  const shop = await wallet(f.ledger);
  const description = 'He said "hi" \\ back\\\\slash, {braces}, NULL, \n new line, ünïcödé ✓';
  const metadata = { note: 'quote " and \\ and {x}', nested: { list: [1, 'NULL', null] } };
  const legs = [move(w.id, shop.id, 1, { description, metadata }), move(w.id, shop.id, 2, { id: 'NULL' })];
  const done = await Promise.all(legs.map((l) => f.ledger.transferOne(l))); // one batch
  const back = await f.ledger.getTransfer(done[0].id);
  assert.equal(back.description, description);
  assert.deepEqual(back.metadata, metadata);
  assert.equal(back.clientId, legs[0].id);
  assert.equal((await f.ledger.getTransfer('NULL')).clientId, 'NULL');
});

test('a database error caused by one group of a batch fails that group only; an outage fails the batch at once', async () => {
  const { createLedgerService } = await import('./index.ts');
  let mode: 'poison' | 'down' = 'poison';
  let attempts = 0;
  // the same database, with a fault injected into the statement that writes transfers
  const faulty = Object.create(f.db, {
    tx: {
      value: <T>(fn: (trx: import('../../platform/db/db.ts').Sql) => Promise<T>) => f.db.tx((trx) => {
        attempts++;
        return fn({
          query: async (q: string, p?: unknown[]) => {
            if (q.includes('INSERT INTO ledger_transfers')) {
              if (mode === 'down') throw Object.assign(new Error('connection terminated'), {});
              if (JSON.stringify(p).includes('poison')) throw Object.assign(new Error('violates check constraint'), { code: '23514' });
            }
            return trx.query(q, p) as never;
          },
        });
      }),
    },
  });
  const ledger = createLedgerService({ db: faulty, clock: f.clock });
  const w = await fundedWallet(f.ledger, 1_000);
  const shop = await wallet(f.ledger);
  const legs = Array.from({ length: 8 }, (_, i) => move(w.id, shop.id, 10, i === 5 ? { description: 'poison' } : {}));
  const results = await Promise.allSettled(legs.map((l) => ledger.transferOne(l)));
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
  assert.equal((await f.ledger.balance(w.id)).posted, 1_000 - 70);
  assert.equal(await exists(legs[5].id), false);

  mode = 'down';
  attempts = 0;
  const down = await Promise.allSettled(Array.from({ length: 8 }, () => ledger.transferOne(move(w.id, shop.id, 1))));
  assert.ok(down.every((r) => r.status === 'rejected' && /connection terminated/.test(String(r.reason))), JSON.stringify(down.map((r) => r.status === 'rejected' ? String(r.reason) : r.status)));
  assert.equal(attempts, 1, 'one attempt for the whole batch');
  assert.equal((await f.ledger.balance(w.id)).posted, 930);
  assert.equal(await codeOf(f.ledger.transferOne(move(w.id, shop.id, 1, { description: 'nul \u0000 char' }))), 'validation_failed');
});
