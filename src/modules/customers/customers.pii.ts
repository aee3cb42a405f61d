import { createHmac, hkdfSync } from 'node:crypto';
import { AppError } from '../../platform/errors.ts';

/**
 * Personal data helpers: normalization (so the blind index of "Alice@Example.com " and "alice@example.com"
 * is the same), the keyed blind index, masking for display, and the password policy.
 */

/** Keys derived from ENCRYPTION_KEY (HKDF-SHA256, one label each): the blind index and the one-time code hashes. */
export interface CustomerKeys { blindIndex: Buffer; codes: Buffer }

export function deriveCustomerKeys(encryptionKey: Buffer): CustomerKeys {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', encryptionKey, Buffer.alloc(0), info, 32));
  return { blindIndex: derive('tollgate/customers/blind-index/v1'), codes: derive('tollgate/customers/codes/v1') };
}

/** HMAC-SHA256 of "<kind>:<normalized value>" (hex): equal values give equal indexes, the value cannot be read back. */
export function blindIndex(key: Buffer, kind: 'email' | 'phone', normalized: string): string {
  return createHmac('sha256', key).update(`${kind}:${normalized}`).digest('hex');
}

/** Keyed hash of a one-time or recovery code, bound to what it belongs to (a challenge or a customer). */
export function codeHash(key: Buffer, scope: string, code: string): string {
  return createHmac('sha256', key).update(`${scope}:${code}`).digest('hex');
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/;

export function normalizeEmail(raw: string): string | null {
  const e = raw.normalize('NFKC').trim().toLowerCase();
  return e.length <= 254 && EMAIL.test(e) ? e : null;
}

/** E.164: "+" and 8–15 digits. Spaces, dashes, dots and parentheses are dropped; a leading "00" becomes "+". */
export function normalizePhone(raw: string): string | null {
  let p = raw.normalize('NFKC').trim().replace(/[\s\-().]/g, '');
  if (p.startsWith('00')) p = `+${p.slice(2)}`;
  return /^\+[1-9][0-9]{7,14}$/.test(p) ? p : null;
}

/** "+4915123456789" → "+49•••••••••89". */
export function maskPhone(phone: string): string {
  if (phone.length < 6) return '•'.repeat(phone.length);
  return phone.slice(0, 3) + '•'.repeat(phone.length - 5) + phone.slice(-2);
}

/** "alice@example.com" → "a•••e@example.com". */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '•••';
  const local = email.slice(0, at);
  return `${local[0]}${'•'.repeat(Math.max(1, Math.min(local.length - 2, 5)))}${local.length > 1 ? local[local.length - 1] : ''}${email.slice(at)}`;
}

const COMMON = new Set([
  'password', 'password1', 'password12', 'password123', 'passw0rd', '1234567890', '0123456789', '12345678910', 'qwertyuiop',
  'qwerty1234', 'qwerty12345', '1q2w3e4r5t', '1qaz2wsx3edc', 'iloveyou12', 'letmein123', 'welcome123', 'administrator',
  'abcdefghij', 'abc1234567', 'football12', 'baseball12', 'monkey1234', 'dragon1234', 'sunshine12', 'princess12',
  'trustno1234', 'changeme123', 'tollgate123', 'zaq12wsxcde', 'asdfghjkl1',
]);

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;

/**
 * The password policy: 10–128 characters, at least 5 different characters, not a well-known password,
 * not built from the account's e-mail name or phone number. Length beats composition rules (NIST 800-63B).
 */
export function checkPasswordPolicy(password: string, ctx: { email?: string; phone?: string } = {}): void {
  const fail = (m: string) => { throw new AppError('validation_failed', `password ${m}`); };
  const chars = [...password];
  if (chars.length < PASSWORD_MIN) fail(`must have at least ${PASSWORD_MIN} characters`);
  if (chars.length > PASSWORD_MAX) fail(`must have at most ${PASSWORD_MAX} characters`);
  if (new Set(chars).size < 5) fail('must use at least 5 different characters');
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) fail('is too common');
  const local = ctx.email?.split('@')[0];
  if (local && local.length >= 4 && lower.includes(local)) fail('must not contain your e-mail name');
  const digits = ctx.phone?.replace(/\D/g, '');
  if (digits && digits.length >= 6 && password.replace(/\D/g, '').includes(digits.slice(-6))) fail('must not contain your phone number');
}
