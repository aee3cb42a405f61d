import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupCommit } from './ledger.batch.ts';

/** The group commit's scheduling, with a fake transaction the test completes by hand. */
interface Item { name: string; keys: string[] | null }
function harness(maxInFlight = 2, maxBatch = 100) {
  const started: Array<{ items: string[]; finish: () => void }> = [];
  let running = 0;
  let maxRunning = 0;
  const gc = new GroupCommit<Item, string>(
    (items) => new Promise((resolve) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      started.push({ items: items.map((i) => i.name), finish: () => { running--; resolve(items.map((i) => `done:${i.name}`)); } });
    }),
    { maxBatch, maxInFlight, lingerMs: 0 },
    (i) => i.keys,
  );
  const tick = async () => { for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r)); };
  return { gc, started, tick, maxRunning: () => maxRunning };
}

test('groups are collected into one transaction while another is in flight; results go back to each caller', async () => {
  const h = harness(1);
  const first = h.gc.submit({ name: 'a', keys: ['A', 'B'] });
  await h.tick();
  const rest = ['b', 'c', 'd'].map((n) => h.gc.submit({ name: n, keys: ['A', 'B'] }));
  await h.tick();
  assert.deepEqual(h.started.map((s) => s.items), [['a']]);
  h.started[0].finish();
  assert.equal(await first, 'done:a');
  await h.tick();
  assert.deepEqual(h.started[1].items, ['b', 'c', 'd']);
  h.started[1].finish();
  assert.deepEqual(await Promise.all(rest), ['done:b', 'done:c', 'done:d']);
  await h.gc.drain();
});

test('batches in flight never share an account; groups sharing one wait and keep their order; others go ahead', async () => {
  const h = harness(2);
  void h.gc.submit({ name: 'ab', keys: ['A', 'B'] });
  await h.tick();
  // B is busy: 'bc' waits, and 'cd' (after a waiting group on C) waits behind it; 'ef' is free and goes now
  const later = [h.gc.submit({ name: 'bc', keys: ['B', 'C'] }), h.gc.submit({ name: 'cd', keys: ['C', 'D'] }), h.gc.submit({ name: 'ef', keys: ['E', 'F'] })];
  await h.tick();
  assert.deepEqual(h.started.map((s) => s.items), [['ab'], ['ef']]);
  assert.equal(h.maxRunning(), 2);
  h.started[1].finish();
  await h.tick();
  assert.equal(h.started.length, 2, 'bc still waits for ab');
  h.started[0].finish();
  await h.tick();
  assert.deepEqual(h.started[2].items, ['bc', 'cd'], 'in submission order, in one batch');
  h.started[2].finish();
  assert.deepEqual(await Promise.all(later), ['done:bc', 'done:cd', 'done:ef']);
});

test('a group whose accounts are unknown (a hold resolution) runs alone, after everything submitted before it', async () => {
  const h = harness(2);
  void h.gc.submit({ name: 'ab', keys: ['A', 'B'] });
  await h.tick();
  const post = h.gc.submit({ name: 'post', keys: null });
  const after = h.gc.submit({ name: 'xy', keys: ['X', 'Y'] });
  await h.tick();
  assert.deepEqual(h.started.map((s) => s.items), [['ab']], 'the post waits for the batch in flight, and the group after it waits too');
  h.started[0].finish();
  await h.tick();
  assert.deepEqual(h.started[1].items, ['post', 'xy']);
  const more = h.gc.submit({ name: 'zz', keys: ['Z', 'W'] });
  await h.tick();
  assert.equal(h.started.length, 2, 'nothing starts beside a batch holding a hold resolution');
  h.started[1].finish();
  await h.tick();
  assert.deepEqual(h.started[2].items, ['zz']);
  h.started[2].finish();
  assert.deepEqual(await Promise.all([post, after, more]), ['done:post', 'done:xy', 'done:zz']);
});

test('a full batch leaves the rest queued in order', async () => {
  const h = harness(1, 3);
  const all = Array.from({ length: 7 }, (_, i) => h.gc.submit({ name: `t${i}`, keys: [`K${i}`, 'H'] }));
  await h.tick();
  assert.deepEqual(h.started[0].items, ['t0', 't1', 't2']);
  h.started[0].finish();
  await h.tick();
  assert.deepEqual(h.started[1].items, ['t3', 't4', 't5']);
  h.started[1].finish();
  await h.tick();
  h.started[2].finish();
  assert.equal((await Promise.all(all)).length, 7);
  assert.deepEqual(h.started.map((s) => s.items.length), [3, 3, 1]);
});
