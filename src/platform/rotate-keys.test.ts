import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { FieldCipher } from './crypto.ts';
import { listMigrations } from './db/migrate.ts';
import { queueSms, SMS_JOB } from './notify/sms.ts';
import { rotateKeys, ENCRYPTED_COLUMNS, ENCRYPTED_JOB_PAYLOADS } from './rotate-keys.ts';
import { testDb } from '../../test/support/db.ts';

const A = { id: 'keyA', key: randomBytes(32) };
const B = { id: 'keyB', key: randomBytes(32) };

test('every _enc column the migrations create is rotated', () => {
  const found: string[] = [];
  for (const m of listMigrations()) {
    let table = '';
    for (const line of m.sql.replace(/--[^\n]*/g, '').split('\n')) {
      const t = /(?:CREATE TABLE(?: IF NOT EXISTS)?|ALTER TABLE(?: IF EXISTS)?)\s+([a-z_][a-z0-9_]*)/i.exec(line);
      if (t) table = t[1];
      for (const c of line.matchAll(/\b([a-z_][a-z0-9_]*_enc)\s+text\b/gi)) found.push(`${table}.${c[1]}`);
    }
  }
  const listed = new Set(ENCRYPTED_COLUMNS.map((c) => `${c.table}.${c.column}`));
  assert.ok(found.length >= ENCRYPTED_COLUMNS.length, `found only ${found.length} _enc columns: the scan is broken`);
  assert.deepEqual(found.filter((c) => !listed.has(c)), [], 'add these columns to ENCRYPTED_COLUMNS in rotate-keys.ts');
  assert.ok(ENCRYPTED_JOB_PAYLOADS.some((j) => j.kind === SMS_JOB.kind));
});

test('rotate-keys: values under A move to B, a second run changes nothing, then A can be dropped', async () => {
  const db = await testDb();
  try {
    const underA = new FieldCipher([A]);
    const n = 7;
    const plain = new Map<string, string>();
    await db.tx(async (trx) => {
      for (let i = 0; i < n; i++) {
        const id = `ch_${String(i).padStart(3, '0')}`;
        plain.set(`cardholders.${id}.name`, `Holder ${i}`);
        await trx.query(`INSERT INTO cardholders (id, name_enc, email_enc, phone_enc, created_by) VALUES ($1, $2, $3, NULL, 'test')`,
          [id, underA.encrypt(`Holder ${i}`), i % 2 ? underA.encrypt(`h${i}@example.com`) : null]);
        await trx.query(`INSERT INTO sms_outbox (id, to_enc, body_enc) VALUES ($1, $2, $3)`, [`sms_${i}`, underA.encrypt(`+4915100000${i}`), underA.encrypt(`code ${i}`)]);
      }
      await queueSms(trx, underA, { to: '+4915199999999', body: 'your code is 123456' });
    });
    // one value already under B before the run: left alone
    const rotated = new FieldCipher([B, A]);
    const preB = rotated.encrypt('already B');
    await db.query(`INSERT INTO sms_outbox (id, to_enc, body_enc) VALUES ('sms_b', $1, $1)`, [preB]);

    const dry = await rotateKeys(db, rotated, { dryRun: true, batchSize: 3 });
    assert.equal(dry.reencrypted, n + 3 + 2 * n + 1, 'dry run counts names, e-mails, outbox to/body and the job');
    assert.equal((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM sms_outbox WHERE to_enc LIKE 'v1:keyA:%'`))[0].n, n, 'dry run wrote nothing');

    const first = await rotateKeys(db, rotated, { batchSize: 3 });
    assert.equal(first.currentKeyId, 'keyB');
    assert.equal(first.failed, 0);
    assert.equal(first.reencrypted, n + 3 + 2 * n + 1);
    assert.equal(first.targets.find((t) => t.target === 'cardholders.name_enc')!.reencrypted, n);
    assert.equal(first.targets.find((t) => t.target === 'jobs[sms.send]')!.reencrypted, 1);

    const second = await rotateKeys(db, rotated, { batchSize: 3 });
    assert.equal(second.reencrypted, 0);
    assert.equal(second.failed, 0);
    const [{ v: stillB }] = await db.query<{ v: string }>(`SELECT to_enc AS v FROM sms_outbox WHERE id = 'sms_b'`);
    assert.equal(stillB, preB, 'a value already under the current key is not rewritten');

    // A is gone: everything still decrypts, and everything carries B's id
    const onlyB = new FieldCipher([B]);
    const holders = await db.query<{ id: string; name_enc: string; email_enc: string | null }>(`SELECT id, name_enc, email_enc FROM cardholders ORDER BY id`);
    assert.equal(holders.length, n);
    for (const h of holders) {
      assert.equal(FieldCipher.keyIdOf(h.name_enc), 'keyB');
      assert.equal(onlyB.decrypt(h.name_enc), plain.get(`cardholders.${h.id}.name`));
      if (h.email_enc) assert.match(onlyB.decrypt(h.email_enc), /^h\d@example\.com$/);
    }
    const outbox = await db.query<{ id: string; to_enc: string; body_enc: string }>(`SELECT id, to_enc, body_enc FROM sms_outbox WHERE id <> 'sms_b' ORDER BY id`);
    assert.deepEqual(outbox.map((r) => onlyB.decrypt(r.body_enc)), Array.from({ length: n }, (_, i) => `code ${i}`));
    const [job] = await db.query<{ payload: { to: string; body: string } }>(`SELECT payload FROM jobs WHERE kind = $1`, [SMS_JOB.kind]);
    assert.equal(onlyB.decrypt(job.payload.to), '+4915199999999');
    assert.equal(onlyB.decrypt(job.payload.body), 'your code is 123456');
    const third = await rotateKeys(db, onlyB);
    assert.deepEqual([third.reencrypted, third.failed], [0, 0]);
  } finally {
    await db.close();
  }
});

test('rotate-keys: a value whose key is not configured is reported and left as it is, the rest is rotated', async () => {
  const db = await testDb();
  try {
    const lost = new FieldCipher([{ id: 'lost', key: randomBytes(32) }]).encrypt('unreadable');
    await db.query(`INSERT INTO sms_outbox (id, to_enc, body_enc) VALUES ('sms_1', $1, $2), ('sms_2', $3, $3)`, [lost, new FieldCipher([A]).encrypt('ok'), new FieldCipher([A]).encrypt('fine')]);
    const report = await rotateKeys(db, new FieldCipher([B, A]));
    assert.equal(report.failed, 1);
    assert.equal(report.reencrypted, 3);
    assert.match(report.errors[0], /sms_outbox\.to_enc: .*key 'lost'.*not configured/);
    const [{ to_enc }] = await db.query<{ to_enc: string }>(`SELECT to_enc FROM sms_outbox WHERE id = 'sms_1'`);
    assert.equal(to_enc, lost);
  } finally {
    await db.close();
  }
});
