import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testDb } from '../../../test/support/db.ts';

const next = (received: string[], n: number) => new Promise<void>((resolve, reject) => {
  const t0 = Date.now();
  const tick = () => (received.length >= n ? resolve() : Date.now() - t0 > 5000 ? reject(new Error(`got ${received.length} of ${n} notifications`)) : setTimeout(tick, 10));
  tick();
});

test('listen: a NOTIFY inside a transaction arrives only after it commits; a rolled-back one never does; unlisten stops delivery', async () => {
  const db = await testDb();
  try {
    const got: string[] = [];
    const channel = `tg_test_${Math.random().toString(36).slice(2, 8)}`;
    const stop = await db.listen(channel, (p) => got.push(p));
    await db.tx(async (trx) => {
      await trx.query(`SELECT pg_notify($1, $2)`, [channel, 'one']);
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(got, [], 'nothing is delivered before COMMIT');
    });
    await next(got, 1);
    await db.tx(async (trx) => {
      await trx.query(`SELECT pg_notify($1, $2)`, [channel, 'rolled back']);
      throw new Error('abort');
    }).catch(() => undefined);
    await db.query(`SELECT pg_notify($1, $2)`, [channel, 'two']);
    await next(got, 2);
    assert.deepEqual(got, ['one', 'two']);
    await stop();
    await db.query(`SELECT pg_notify($1, $2)`, [channel, 'three']);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(got, ['one', 'two']);
  } finally {
    await db.close();
  }
});
