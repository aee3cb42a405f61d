import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { resolveSecrets } from './secrets.ts';
import { loadConfig, ConfigError } from './config.ts';
import { FieldCipher, keyIdOf } from './platform/crypto.ts';
import { createLogger } from './platform/logger.ts';
import { setSetting } from './platform/settings.ts';
import { blindIndex, deriveCustomerKeys } from './modules/customers/customers.pii.ts';
import type { Db } from './platform/db/db.ts';
import { testDb } from '../test/support/db.ts';

const log = createLogger('silent');
const b64 = (b: Buffer) => b.toString('base64');

async function insertCustomer(db: Db, emailBidx: string) {
  await db.query(`INSERT INTO customers (id, email_bidx, email_enc, phone_bidx, phone_enc, password_hash) VALUES ('cus_1', $1, 'x', 'p', 'y', 'h')`, [emailBidx]);
}

test('fresh database: a generated encryption key with a derived id (readable as k1) and a separate index key, both stable', async () => {
  const db = await testDb();
  try {
    const s1 = await resolveSecrets(db, loadConfig({}), log);
    assert.equal(s1.encryptionKeys[0].id, keyIdOf(s1.encryptionKey));
    assert.ok(s1.encryptionKeys.some((k) => k.id === 'k1' && k.key.equals(s1.encryptionKey)));
    assert.equal(s1.indexKey.length, 32);
    assert.ok(!s1.indexKey.equals(s1.encryptionKey));
    const s2 = await resolveSecrets(db, loadConfig({}), log);
    assert.ok(s2.encryptionKey.equals(s1.encryptionKey) && s2.indexKey.equals(s1.indexKey));
  } finally { await db.close(); }
});

test('moving from the generated key to ENCRYPTION_KEYS: old values still decrypt and the index key does not change', async () => {
  const db = await testDb();
  try {
    const before = await resolveSecrets(db, loadConfig({}), log);
    const oldValue = new FieldCipher(before.encryptionKeys).encrypt('alice@example.com');
    const legacyValue = new FieldCipher([{ id: 'k1', key: before.encryptionKey }]).encrypt('written before key ids');
    const fresh = randomBytes(32);
    const after = await resolveSecrets(db, loadConfig({ ENCRYPTION_KEYS: `new1:${b64(fresh)}` }), log);
    assert.equal(after.encryptionKeys[0].id, 'new1');
    const cipher = new FieldCipher(after.encryptionKeys);
    assert.equal(cipher.decrypt(oldValue), 'alice@example.com');
    assert.equal(cipher.decrypt(legacyValue), 'written before key ids');
    assert.ok(after.indexKey.equals(before.indexKey), 'blind index / code hashes / receipts keep their key');
  } finally { await db.close(); }
});

test('upgrade of a database whose customers were indexed with the generated encryption key: that key becomes the index key', async () => {
  const db = await testDb();
  try {
    const legacy = randomBytes(32);
    await setSetting(db, 'secret.encryption_key', b64(legacy));
    const bidx = blindIndex(deriveCustomerKeys(legacy).blindIndex, 'email', 'alice@example.com');
    await insertCustomer(db, bidx);
    const s = await resolveSecrets(db, loadConfig({}), log);
    assert.equal(blindIndex(deriveCustomerKeys(s.indexKey).blindIndex, 'email', 'alice@example.com'), bidx, 'alice is still found by e-mail');
  } finally { await db.close(); }
});

test('upgrade with ENCRYPTION_KEY and existing customers but no INDEX_KEY: a clear configuration error instead of broken lookups', async () => {
  const db = await testDb();
  try {
    const key = randomBytes(32);
    await insertCustomer(db, 'whatever');
    await assert.rejects(resolveSecrets(db, loadConfig({ ENCRYPTION_KEY: b64(key) }), log), (e: unknown) => e instanceof ConfigError && /set INDEX_KEY to the same value as ENCRYPTION_KEY/.test(e.message));
    const s = await resolveSecrets(db, loadConfig({ ENCRYPTION_KEY: b64(key), INDEX_KEY: b64(key) }), log);
    assert.ok(s.indexKey.equals(key));
    assert.equal(s.encryptionKeys[0].id, keyIdOf(key));
  } finally { await db.close(); }
});
