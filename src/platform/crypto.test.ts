import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { DecryptError, FieldCipher, keyIdOf } from './crypto.ts';
import { ConfigError, loadConfig, parseEncryptionKeys } from '../config.ts';

const A = { id: 'a', key: randomBytes(32) };
const B = { id: 'b', key: randomBytes(32) };

test('new values are encrypted with the first key and carry its id', () => {
  const c = new FieldCipher([B, A]);
  const enc = c.encrypt('alice@example.com');
  assert.equal(FieldCipher.keyIdOf(enc), 'b');
  assert.equal(c.decrypt(enc), 'alice@example.com');
  assert.equal(c.isStale(enc), false);
});

test('a value written under key A decrypts after rotating to [B, A], and is stale there', () => {
  const before = new FieldCipher([A]).encrypt('+4915123456789');
  const after = new FieldCipher([B, A]);
  assert.equal(after.decrypt(before), '+4915123456789');
  assert.equal(after.isStale(before), true);
});

test('a value whose key is no longer configured gives an error naming the key', () => {
  const enc = new FieldCipher([A]).encrypt('secret');
  const onlyB = new FieldCipher([B]);
  assert.throws(() => onlyB.decrypt(enc), (e: unknown) => e instanceof DecryptError && e.keyId === 'a' && /key 'a'.*not configured/.test(e.message));
});

test('a different key under the same id fails authentication with a clear error (no garbage plaintext)', () => {
  const enc = new FieldCipher([A]).encrypt('secret');
  const impostor = new FieldCipher([{ id: 'a', key: randomBytes(32) }]);
  assert.throws(() => impostor.decrypt(enc), /key 'a' does not authenticate/);
});

test('an id given twice (the legacy alias k1) tries each of its keys', () => {
  const old1 = new FieldCipher([{ id: 'k1', key: A.key }]).encrypt('written under A as k1');
  const old2 = new FieldCipher([{ id: 'k1', key: B.key }]).encrypt('written under B as k1');
  const c = new FieldCipher([{ id: 'kc', key: randomBytes(32) }, { id: 'k1', key: A.key }, { id: 'k1', key: B.key }]);
  assert.equal(c.decrypt(old1), 'written under A as k1');
  assert.equal(c.decrypt(old2), 'written under B as k1');
});

test('bad ids and bad key lengths are refused', () => {
  assert.throws(() => new FieldCipher([{ id: 'a:b', key: randomBytes(32) }]), /key id/);
  assert.throws(() => new FieldCipher([{ id: 'a', key: randomBytes(16) }]), /32 bytes/);
  assert.throws(() => new FieldCipher([]), /at least one key/);
});

test('ENCRYPTION_KEYS: first key encrypts; ids and 32-byte keys are validated with clear messages', () => {
  const ka = A.key.toString('base64');
  const kb = B.key.toString('base64url');
  const keys = parseEncryptionKeys(`b:${kb}, a:${ka}`, undefined)!;
  assert.deepEqual(keys.map((k) => k.id), ['b', 'a']);
  assert.ok(keys[0].key.equals(B.key) && keys[1].key.equals(A.key));
  const cfg = loadConfig({ ENCRYPTION_KEYS: `b:${kb},a:${ka}` });
  assert.equal(cfg.encryptionKeys![0].id, 'b');

  const bad = (list: string, re: RegExp) => assert.throws(() => parseEncryptionKeys(list, undefined), (e: unknown) => e instanceof ConfigError && re.test(e.message));
  bad(`${ka}`, /entry 1 must be "id:base64key"/);
  bad(`b:${kb},`, /entry 2 is empty/);
  bad(`b c:${kb}`, /key id 'b c'/);
  bad(`b:${kb},b:${ka}`, /'b' appears twice/);
  bad(`b:${randomBytes(16).toString('base64')}`, /key 'b' must be 32 bytes/);
  bad(`b:not*base64`, /key 'b' must be 32 bytes/);
  assert.throws(() => loadConfig({ ENCRYPTION_KEYS: `a:${ka}`, ENCRYPTION_KEY: ka }), /not both/);
  assert.throws(() => loadConfig({ INDEX_KEY: 'short' }), /INDEX_KEY must be 32 bytes/);
});

test('ENCRYPTION_KEY (single): a stable id derived from the key, and still readable as legacy k1', () => {
  const ka = A.key.toString('base64');
  const keys = parseEncryptionKeys(undefined, ka)!;
  assert.equal(keys[0].id, keyIdOf(A.key));
  assert.match(keys[0].id, /^k[0-9a-f]{8}$/);
  assert.deepEqual(parseEncryptionKeys(undefined, ka)!.map((k) => k.id), keys.map((k) => k.id));
  const legacy = new FieldCipher([{ id: 'k1', key: A.key }]).encrypt('from before key ids');
  assert.equal(new FieldCipher(keys).decrypt(legacy), 'from before key ids');
  assert.throws(() => parseEncryptionKeys(undefined, randomBytes(31).toString('base64')), /ENCRYPTION_KEY must be 32 bytes/);
});
