import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDb } from '../../../test/support/db.ts';
import type { Db } from '../db/db.ts';
import { createLogger } from '../logger.ts';
import { enqueue, claim, complete, fail, heartbeat, getJob, requeue } from './queue.ts';
import { Worker, JobFailure } from './worker.ts';

let db: Db;
before(async () => { db = await testDb(); });
after(async () => { await db?.close(); });

test('a job is claimed by one worker at a time; an expired lease returns it; dedupe keys enqueue once', async () => {
  const id = await db.tx((trx) => enqueue(trx, { queue: 'q1', kind: 'k', payload: { n: 1 }, dedupeKey: 'once' }));
  assert.ok(id);
  assert.equal(await db.tx((trx) => enqueue(trx, { queue: 'q1', kind: 'k', dedupeKey: 'once' })), null);
  const [a, b] = await Promise.all([db.tx((trx) => claim(trx, ['q1'], 'w1', 5, 30)), db.tx((trx) => claim(trx, ['q1'], 'w2', 5, 30))]);
  assert.equal(a.length + b.length, 1);
  const holder = a.length ? 'w1' : 'w2';
  assert.equal((await db.tx((trx) => claim(trx, ['q1'], 'w3', 5, 30))).length, 0, 'leased');
  assert.equal(await db.tx((trx) => heartbeat(trx, id!, 'w3', 30)), false, 'not the holder');
  assert.equal(await db.tx((trx) => heartbeat(trx, id!, holder, 30)), true);
  await db.query(`UPDATE jobs SET lease_until = now() - interval '1 second' WHERE id = $1`, [id]);
  const again = await db.tx((trx) => claim(trx, ['q1'], 'w3', 5, 30));
  assert.equal(again.length, 1);
  assert.equal(again[0].attempts, 2);
  assert.equal(await db.tx((trx) => complete(trx, id!, { ok: true })), 'done');
  assert.equal(await db.tx((trx) => complete(trx, id!, { ok: true })), 'already_done');
});

test('failures retry with backoff, then the job is dead; an operator can requeue it', async () => {
  const id = (await db.tx((trx) => enqueue(trx, { queue: 'q2', kind: 'k', maxAttempts: 2 })))!;
  await db.tx((trx) => claim(trx, ['q2'], 'w', 1, 30));
  assert.equal(await db.tx((trx) => fail(trx, id, 'boom 1')), 'retry');
  const j1 = (await getJob(db, id))!;
  assert.equal(j1.status, 'queued');
  assert.ok(j1.runAt.getTime() > Date.now(), 'backs off');
  assert.equal((await db.tx((trx) => claim(trx, ['q2'], 'w', 1, 30))).length, 0, 'not before run_at');
  await db.query(`UPDATE jobs SET run_at = now() WHERE id = $1`, [id]);
  await db.tx((trx) => claim(trx, ['q2'], 'w', 1, 30));
  assert.equal(await db.tx((trx) => fail(trx, id, 'boom 2')), 'dead');
  assert.equal((await getJob(db, id))!.lastError, 'boom 2');
  assert.equal(await db.tx((trx) => requeue(trx, id)), true);
  assert.equal((await getJob(db, id))!.status, 'queued');
});

test('worker: runs handlers, non-retryable failures go dead at once with the dead handler called; stop() waits for in-flight work and claims nothing after', async () => {
  const w = new Worker(db, createLogger('silent'), { queues: ['q3'], concurrency: 2, pollMs: 20 });
  const seen: string[] = [];
  const dead: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  w.register('ok', async (job) => { seen.push(String(job.payload.n)); return { done: true }; });
  w.register('bad', async () => { throw new JobFailure('refused', false); }, async (job, err) => { dead.push(`${job.id}:${err}`); });
  w.register('slow', async () => { await gate; seen.push('slow'); });
  const ids = await db.tx(async (trx) => [
    await enqueue(trx, { queue: 'q3', kind: 'ok', payload: { n: 1 } }),
    await enqueue(trx, { queue: 'q3', kind: 'bad' }),
  ]);
  w.start();
  for (let i = 0; i < 100 && (seen.length < 1 || dead.length < 1); i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(seen, ['1']);
  assert.equal(dead.length, 1);
  assert.equal((await getJob(db, ids[1]!))!.status, 'dead');

  const slowId = await db.tx((trx) => enqueue(trx, { queue: 'q3', kind: 'slow' }));
  w.wake();
  for (let i = 0; i < 100 && w.inFlight === 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(w.inFlight, 1);
  const stopping = w.stop();
  const later = await db.tx((trx) => enqueue(trx, { queue: 'q3', kind: 'ok', payload: { n: 2 } }));
  let stopped = false;
  void stopping.then(() => { stopped = true; });
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(stopped, false, 'waits for the in-flight job');
  release();
  await stopping;
  assert.equal((await getJob(db, slowId!))!.status, 'done');
  assert.equal((await getJob(db, later!))!.status, 'queued', 'nothing claimed after stop');
});
