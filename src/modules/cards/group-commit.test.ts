import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupCommit } from './group-commit.ts';

/** The group commit on its own: batching, the in-flight limit, results in order, one bad item failing alone. */

function deferred() {
  let open!: () => void;
  const p = new Promise<void>((r) => { open = r; });
  return { p, open };
}

test('items arriving while a batch is written go together into the next one; each gets its own result after its batch', async () => {
  const batches: number[][] = [];
  const gates: Array<ReturnType<typeof deferred>> = [];
  const gc = new GroupCommit<number, string>(async (items) => {
    batches.push(items);
    const g = deferred();
    gates.push(g);
    await g.p;
    return items.map((i) => `done ${i}`);
  }, { maxInFlight: 1, maxBatch: 100 });

  const first = gc.submit(1);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(batches, [[1]], 'alone at once when nothing is being written');
  const later = [2, 3, 4, 5].map((i) => gc.submit(i));
  await new Promise((r) => setImmediate(r));
  assert.equal(batches.length, 1, 'the next batch waits for the slot');
  let settled = false;
  void later[0].then(() => { settled = true; });
  gates[0].open();
  assert.equal(await first, 'done 1');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(batches[1], [2, 3, 4, 5], 'what queued meanwhile is one batch');
  assert.equal(settled, false, 'no answer before its batch is written');
  gates[1].open();
  assert.deepEqual(await Promise.all(later), ['done 2', 'done 3', 'done 4', 'done 5']);
  assert.deepEqual({ batches: gc.stats.batches, items: gc.stats.items, largest: gc.stats.largest }, { batches: 2, items: 5, largest: 4 });
});

test('batches are capped at maxBatch and at most maxInFlight are written at once', async () => {
  let running = 0;
  let most = 0;
  const sizes: number[] = [];
  const gc = new GroupCommit<number, number>(async (items) => {
    running++;
    most = Math.max(most, running);
    sizes.push(items.length);
    await new Promise((r) => setTimeout(r, 5));
    running--;
    return items.map((i) => i * 2);
  }, { maxInFlight: 2, maxBatch: 10 });
  const out = await Promise.all(Array.from({ length: 55 }, (_, i) => gc.submit(i)));
  assert.deepEqual(out, Array.from({ length: 55 }, (_, i) => i * 2));
  assert.ok(sizes.every((s) => s <= 10), `sizes ${sizes}`);
  assert.equal(most, 2);
  assert.equal(sizes.reduce((a, b) => a + b, 0), 55);
});

test('a batch that fails is written again item by item: only the bad item fails', async () => {
  const gc = new GroupCommit<string, string>(async (items) => {
    if (items.includes('bad')) throw new Error(`cannot write ${items.length} items with a bad one`);
    return items.map((i) => i.toUpperCase());
  }, { maxInFlight: 1 });
  const results = await Promise.allSettled(['a', 'bad', 'c'].map((i) => gc.submit(i)));
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
  assert.deepEqual(results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<string>).value), ['A', 'C']);
  assert.match(String((results[1] as PromiseRejectedResult).reason), /cannot write 1 items/);
});
