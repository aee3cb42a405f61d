import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ledgerFixture, fundedWallet, wallet, move, codeOf, uniq, type LedgerFixture } from './ledger.testing.ts';
import type { Account, Transfer } from './index.ts';

let f: LedgerFixture;
before(async () => { f = await ledgerFixture(); });
after(async () => { await f.close(); });

const bal = (a: Account) => f.ledger.balance(a.id);
async function hold(from: Account, to: Account, amount: number, timeoutSeconds = 600): Promise<Transfer> {
  return f.ledger.transferOne(move(from.id, to.id, amount, { type: 'pending', kind: 'card_hold', description: 'card authorization', timeoutSeconds }));
}
const post = (pendingId: string, amount?: number) => f.ledger.transferOne({ type: 'post_pending', id: uniq('post'), pendingId, amount });
const voidHold = (pendingId: string) => f.ledger.transferOne({ type: 'void_pending', id: uniq('void'), pendingId });

test('a hold reserves funds: available balance drops, the posted balance does not, spending beyond available is refused', async () => {
  const w = await fundedWallet(f.ledger, 1_000);
  const merchant = await f.ledger.systemAccount('card_settlement', 'USD');
  const h = await hold(w, merchant, 700);
  assert.equal(h.type, 'pending');
  assert.equal(h.expiresAt!.getTime(), f.clock.now().getTime() + 600_000);
  const b = await bal(w);
  assert.equal(b.posted, 1_000);
  assert.equal(b.debitsPending, 700);
  assert.equal(b.available, 300);
  assert.equal((await bal(merchant)).creditsPending >= 700, true);
  const shop = await wallet(f.ledger);
  assert.equal(await codeOf(f.ledger.transferOne(move(w.id, shop.id, 301))), 'insufficient_funds');
  assert.equal(await codeOf(hold(w, merchant, 301)), 'insufficient_funds');
  await f.ledger.transferOne(move(w.id, shop.id, 300));
  assert.equal((await bal(w)).available, 0);
  assert.equal((await f.ledger.getHold(h.id)).state, 'pending');
  assert.equal((await f.ledger.trialBalance()).balanced, true);
});

test('posting part of a hold moves that part and releases the rest; posting again is refused', async () => {
  const w = await fundedWallet(f.ledger, 1_000);
  const settle = await wallet(f.ledger);
  const h = await hold(w, settle, 600);
  const p = await post(h.id, 450);
  assert.equal(p.type, 'post_pending');
  assert.equal(p.pendingId, h.id);
  assert.equal(p.amount, 450);
  assert.equal(p.kind, 'card_hold');
  const b = await bal(w);
  assert.deepEqual([b.posted, b.debitsPending, b.available], [550, 0, 550]);
  const s = await bal(settle);
  assert.deepEqual([s.posted, s.creditsPending], [450, 0]);
  const state = await f.ledger.getHold(h.id);
  assert.equal(state.state, 'posted');
  assert.equal(state.resolvedBy, p.id);
  assert.equal(await codeOf(post(h.id, 10)), 'illegal_transition');
  assert.equal(await codeOf(voidHold(h.id)), 'illegal_transition');
  assert.deepEqual(await bal(w), b);
  // the history shows the hold and its posting; the transfer rows themselves never changed
  const history = (await f.ledger.listTransfers(w.id, { types: ['pending', 'post_pending'] })).data.map((t) => t.type);
  assert.deepEqual(history, ['post_pending', 'pending']);
  assert.equal((await f.ledger.getTransfer(h.id)).amount, 600);
});

test('posting a hold in full (amount omitted), more than held, and replaying a post', async () => {
  const w = await fundedWallet(f.ledger, 1_000);
  const settle = await wallet(f.ledger);
  const h = await hold(w, settle, 400);
  assert.equal(await codeOf(post(h.id, 401)), 'unprocessable');
  const leg = { type: 'post_pending' as const, id: uniq('post'), pendingId: h.id };
  const p = await f.ledger.transferOne(leg);
  assert.equal(p.amount, 400);
  assert.deepEqual(await f.ledger.transferOne(leg), p, 'a replay returns the original posting');
  assert.equal(await codeOf(f.ledger.transferOne({ ...leg, amount: 399 })), 'transfer_id_reused');
  assert.equal((await bal(w)).posted, 600);
  assert.equal(await codeOf(post('ltr_00000000000000000000000000')), 'not_found');
  const plain = await f.ledger.transferOne(move(w.id, settle.id, 1));
  assert.equal(await codeOf(post(plain.id)), 'not_found', 'only holds can be posted');
});

test('voiding a hold releases it in full; it cannot be posted afterwards', async () => {
  const w = await fundedWallet(f.ledger, 1_000);
  const settle = await wallet(f.ledger);
  const h = await hold(w, settle, 800);
  const v = await voidHold(h.id);
  assert.equal(v.type, 'void_pending');
  assert.equal(v.amount, 800);
  const b = await bal(w);
  assert.deepEqual([b.posted, b.debitsPending, b.available], [1_000, 0, 1_000]);
  assert.equal((await f.ledger.getHold(h.id)).state, 'voided');
  assert.equal(await codeOf(post(h.id)), 'illegal_transition');
  assert.equal(await codeOf(voidHold(h.id)), 'illegal_transition');
});

test('holds past their expiry are released by the sweep, exactly once; a post after the expiry is refused', async () => {
  const w = await fundedWallet(f.ledger, 1_000);
  const settle = await wallet(f.ledger);
  const short = await hold(w, settle, 300, 60);
  const long = await hold(w, settle, 200, 3_600);
  assert.equal(await f.ledger.expireDue(), 0, 'nothing is due yet');
  f.clock.advance(61);
  assert.equal(await codeOf(post(short.id)), 'illegal_transition', 'past its expiry, even before the sweep');
  assert.equal(await codeOf(voidHold(short.id)), 'illegal_transition');
  // two sweeps at once (two nodes): the hold expires once
  const [a, b] = await Promise.all([f.ledger.expireDue(), f.ledger.expireDue()]);
  assert.ok(a + b >= 1);
  assert.equal(await f.ledger.expireDue(), 0);
  const state = await f.ledger.getHold(short.id);
  assert.equal(state.state, 'expired');
  const expiry = await f.ledger.getTransfer(state.resolvedBy!);
  assert.equal(expiry.type, 'expire_pending');
  assert.equal(expiry.amount, 300);
  const bw = await bal(w);
  assert.deepEqual([bw.posted, bw.debitsPending, bw.available], [1_000, 200, 800]);
  assert.equal(await codeOf(post(short.id)), 'illegal_transition');
  // the long hold is still good
  assert.equal((await post(long.id, 150)).amount, 150);
  assert.equal((await bal(w)).posted, 850);
  assert.equal((await f.ledger.trialBalance()).balanced, true);
  assert.deepEqual(await f.ledger.reconcile(), []);
});

test('concurrent posts and voids of one hold: exactly one resolves it, the others are refused; the sweep expires the rest', async () => {
  const w = await fundedWallet(f.ledger, 10_000);
  const settle = await wallet(f.ledger);
  const holds = await Promise.all(Array.from({ length: 20 }, () => hold(w, settle, 100, 30)));
  // posts submitted concurrently with each other: each hold is resolved by exactly one of them
  const attempts = await Promise.allSettled(holds.flatMap((h) => [post(h.id, 60), post(h.id, 70), voidHold(h.id)]));
  assert.equal(attempts.filter((r) => r.status === 'fulfilled').length, 20);
  for (const r of attempts) if (r.status === 'rejected') assert.equal((r.reason as { code: string }).code, 'illegal_transition');
  assert.equal((await bal(w)).debitsPending, 0);
  const more = await Promise.all(Array.from({ length: 10 }, () => hold(w, settle, 50, 30)));
  f.clock.advance(31);
  assert.equal(await f.ledger.expireDue(), 10);
  for (const h of more) assert.equal((await f.ledger.getHold(h.id)).state, 'expired');
  assert.equal((await bal(w)).debitsPending, 0);
  assert.deepEqual(await f.ledger.reconcile(), []);
});

test('a hold shape is checked: timeouts only on holds, positive and bounded', async () => {
  const w = await fundedWallet(f.ledger, 100);
  const settle = await wallet(f.ledger);
  assert.equal(await codeOf(f.ledger.transferOne(move(w.id, settle.id, 1, { timeoutSeconds: 10 }))), 'validation_failed');
  assert.equal(await codeOf(f.ledger.transferOne(move(w.id, settle.id, 1, { type: 'pending', timeoutSeconds: 0 }))), 'validation_failed');
  assert.equal(await codeOf(f.ledger.transferOne({ type: 'void_pending', id: uniq('v'), pendingId: 'x', amount: 5 } as never)), 'validation_failed');
  assert.equal(await codeOf(f.ledger.transferOne({ type: 'post_pending', id: uniq('p'), pendingId: 'x', amount: 0 })), 'validation_failed');
  assert.equal(await codeOf(f.ledger.transferOne({ type: 'expire_pending', id: uniq('e'), pendingId: 'x' } as never)), 'validation_failed');
});
