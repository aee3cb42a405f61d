import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual, createHash } from 'node:crypto';

/** Random URL-safe token with `bytes` of entropy. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256Hex(input: string | Buffer): string {
  return createHash('sha256').update(input).digest('hex');
}

export function hmacHex(secret: string, payload: string | Buffer): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

/** A key of the FieldCipher: `id` is written into every ciphertext so the right key is found on decryption. */
export interface CipherKey { id: string; key: Buffer }

/** Key ids go into the ciphertext ("v1:<id>:…"): letters, digits, '_' and '-', at most 32. */
export const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** Stable id of a key given without one (ENCRYPTION_KEY, the generated key): 'k' + the first 8 hex of sha256(key). */
export function keyIdOf(key: Buffer): string {
  return `k${sha256Hex(key).slice(0, 8)}`;
}

/** Thrown when a value cannot be decrypted: its key is not configured, or the key does not authenticate it. */
export class DecryptError extends Error {
  constructor(message: string, readonly keyId: string | null) { super(message); this.name = 'DecryptError'; }
}

/**
 * AES-256-GCM field encryption. Ciphertext format: "v1:<keyId>:<iv b64>:<tag b64>:<data b64>".
 * Several keys may be configured (rotation): new data uses the first, old data decrypts by the key id it carries.
 * The same id may be given more than once (an alias, e.g. the legacy id 'k1'): decryption tries each key of that id.
 */
export class FieldCipher {
  private readonly keys: Map<string, Buffer[]>;
  private readonly current: CipherKey;
  constructor(keys: CipherKey[]) {
    if (keys.length === 0) throw new Error('FieldCipher needs at least one key');
    this.keys = new Map();
    for (const k of keys) {
      if (!KEY_ID.test(k.id)) throw new Error(`encryption key id '${k.id}' must be 1-32 letters, digits, '_' or '-'`);
      if (k.key.length !== 32) throw new Error(`encryption key ${k.id} must be 32 bytes`);
      const list = this.keys.get(k.id) ?? [];
      if (!list.some((b) => b.equals(k.key))) list.push(k.key);
      this.keys.set(k.id, list);
    }
    this.current = keys[0];
  }
  /** The id new values are encrypted under. */
  get currentKeyId(): string { return this.current.id; }
  /** The ids this cipher can decrypt. */
  get keyIds(): string[] { return [...this.keys.keys()]; }
  /** The key id a stored value was encrypted under (null when it is not a v1 ciphertext). */
  static keyIdOf(encoded: string): string | null {
    const parts = encoded.split(':');
    return parts.length === 5 && parts[0] === 'v1' ? parts[1] : null;
  }
  /** True when the value was written under another key than the current one (rotation re-encrypts it). */
  isStale(encoded: string): boolean {
    return FieldCipher.keyIdOf(encoded) !== this.current.id;
  }
  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', this.current.id, iv.toString('base64'), cipher.getAuthTag().toString('base64'), data.toString('base64')].join(':');
  }
  decrypt(encoded: string): string {
    const parts = encoded.split(':');
    if (parts.length !== 5 || parts[0] !== 'v1') throw new DecryptError('cannot decrypt: not a v1 ciphertext', null);
    const [, keyId, iv, tag, data] = parts;
    const candidates = this.keys.get(keyId);
    if (!candidates) {
      throw new DecryptError(`cannot decrypt: the value was encrypted with key '${keyId}', which is not configured (add it to ENCRYPTION_KEYS; configured: ${this.keyIds.join(', ')})`, keyId);
    }
    for (const key of candidates) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
        decipher.setAuthTag(Buffer.from(tag, 'base64'));
        return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
      } catch { /* next key of this id */ }
    }
    throw new DecryptError(`cannot decrypt: key '${keyId}' does not authenticate the value (a different key under the same id, or the value was altered)`, keyId);
  }
}

/** Decodes a base64 (or base64url) 32-byte key; null when it is not one. */
export function decodeKey(b64: string): Buffer | null {
  const s = b64.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(s)) return null;
  const key = Buffer.from(s, /[-_]/.test(s) ? 'base64url' : 'base64');
  return key.length === 32 ? key : null;
}
