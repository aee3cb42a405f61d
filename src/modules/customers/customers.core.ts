import { hash, verify } from '@node-rs/argon2';
import { randomInt } from 'node:crypto';
import type { Sql } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { randomToken, sha256Hex } from '../../platform/crypto.ts';
import { nullSecuritySink, type SecuritySignal, type SecuritySink } from '../../platform/security.ts';
import { queueSms } from '../../platform/notify/sms.ts';
import type { CustomersDeps } from './customers.deps.ts';
import { IpLimits } from './customers.limits.ts';
import { blindIndex, codeHash, maskPhone } from './customers.pii.ts';
import * as repo from './customers.repo.ts';
import * as authRepo from './auth.repo.ts';
import type { ChallengePurpose, Method, RequestMeta } from './customers.schema.ts';

/** The module's rules in numbers (the issue's requirements). */
export const RULES = {
  /** Verification attempts per challenge (each SMS code, TOTP, recovery code or passkey assertion). */
  maxAttempts: 5,
  /** A texted code works this long. */
  codeTtlMs: 5 * 60_000,
  /** A challenge (the second step of a login, a step-up) stays open this long. */
  challengeTtlMs: 10 * 60_000,
  /** Codes texted per challenge, and the pause between two. */
  maxSmsPerChallenge: 3,
  smsGapMs: 30_000,
  /** The failure counter starts over after this long without failures. */
  failureWindowMs: 24 * 3600_000,
  /** last_seen_at is written at most this often per session. */
  touchGapMs: 60_000,
  recoveryCodes: 10,
} as const;

/** Lockout after the n-th failure in a row: 5 → 1 min, 10 → 15 min, 15 and every 5 more → 1 h. */
export function lockoutFor(failures: number): number | null {
  if (failures >= 15 && failures % 5 === 0) return 3600_000;
  if (failures === 10) return 15 * 60_000;
  if (failures === 5) return 60_000;
  return null;
}

export const TOKEN_PREFIX = 'ctk_';
export const TOKEN_RE = /^ctk_[A-Za-z0-9_-]{43}$/;
export const COOKIE = 'tg_customer';

export interface OpenedChallenge { challengeId: string; methods: Method[]; expiresAt: Date; smsSentTo?: string }

/** Shared internals of the use cases: keys, clock, limits, lockout, sessions, challenges, texted codes. */
export function customersCore(d: CustomersDeps) {
  let security = d.security ?? nullSecuritySink;
  const limits = new IpLimits({ login: d.limits.loginPerMinute, verify: d.limits.verifyPerMinute, signup: d.limits.signupPerMinute, sms: d.limits.smsPerMinute }, d.redisUrl);
  const sessionTtlMs = (d.sessionTtlHours ?? 24 * 30) * 3600_000;
  let dummyHash: Promise<string> | null = null;

  const k = {
    d, limits,
    /** Replaces the security sink (the app passes it in deps; tests observe the signals). */
    setSecuritySink(sink: SecuritySink) { security = sink; },
    sessionTtlSeconds: Math.floor(sessionTtlMs / 1000),
    now: () => d.clock.now(),
    enc: (v: string) => d.cipher.encrypt(v),
    dec: (v: string) => d.cipher.decrypt(v),
    decOrNull: (v: string | null) => (v === null ? null : d.cipher.decrypt(v)),
    emailIndex: (email: string) => blindIndex(d.keys.blindIndex, 'email', email),
    phoneIndex: (phone: string) => blindIndex(d.keys.blindIndex, 'phone', phone),
    codeHash: (scope: string, code: string) => codeHash(d.keys.codes, scope, code),

    /** Reports to the security monitor; never lets a monitor problem fail the request. */
    signal(s: SecuritySignal) {
      try { security.record({ at: d.clock.now(), ...s }); } catch (err) { d.log.warn({ err, kind: s.kind }, 'security sink failed'); }
    },

    /**
     * A challenge used by someone it does not belong to: answered like an unknown challenge by the caller, and
     * reported as 'not_found_foreign' when a logged-in customer presents another customer's challenge.
     */
    reportForeignChallenge(ch: { id: string; customerId: string; purpose: string }, auth: { customerId: string } | null, meta: RequestMeta) {
      if (auth && auth.customerId !== ch.customerId) {
        k.signal({ kind: 'not_found_foreign', ip: meta.ip ?? undefined, customerId: auth.customerId, subject: ch.id, details: { purpose: ch.purpose } });
      }
    },

    hashPassword: (password: string) => hash(password),
    /** Argon2 verify; for an unknown login (hash null) the same work against a dummy hash, then false. */
    async verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
      dummyHash ??= hash(randomToken(24));
      const ok = await verify(passwordHash ?? (await dummyHash), password).catch(() => false);
      return passwordHash !== null && ok;
    },

    methodsOf(c: repo.CustomerRecord): Method[] {
      const m: Method[] = [];
      if (c.phoneVerifiedAt) m.push('sms');
      if (c.totpConfirmedAt) m.push('totp');
      if (c.passkeys > 0) m.push('passkey');
      if (c.recoveryLeft > 0) m.push('recovery_code');
      return m;
    },

    /** 423 while the subject (an account, or an unknown login name) is locked out. */
    async checkLock(subject: string): Promise<void> {
      const f = await repo.getFailures(d.db, subject);
      const now = d.clock.now().getTime();
      if (f?.lockedUntil && f.lockedUntil.getTime() > now) {
        const s = Math.ceil((f.lockedUntil.getTime() - now) / 1000);
        throw new AppError('account_locked', `too many failed attempts; try again in ${s} s`, { retryAfterSeconds: s });
      }
    },

    /**
     * Counts a failure against the subject (escalating lockout) and reports it. The failure is committed on its
     * own: it must survive the request failing.
     */
    async fail(subject: string, meta: RequestMeta, signal: Omit<SecuritySignal, 'ip'>): Promise<void> {
      const now = d.clock.now();
      const { failures, lockMs } = await d.db.tx(async (trx) => {
        const n = await repo.addFailure(trx, subject, now, new Date(now.getTime() - RULES.failureWindowMs));
        const ms = lockoutFor(n);
        if (ms) await repo.lockUntil(trx, subject, new Date(now.getTime() + ms));
        return { failures: n, lockMs: ms };
      });
      k.signal({ ...signal, ip: meta.ip ?? undefined, details: { ...signal.details, failures } });
      if (lockMs) k.signal({ kind: 'account_locked', ip: meta.ip ?? undefined, customerId: signal.customerId, subject: signal.subject, details: { failures, lockedForSeconds: lockMs / 1000 } });
    },

    /** A new session and its token (only the token's SHA-256 is stored). */
    async createSession(trx: Sql, customerId: string, meta: RequestMeta): Promise<{ sessionId: string; token: string }> {
      const now = d.clock.now();
      const token = `${TOKEN_PREFIX}${randomToken(32)}`;
      const sessionId = newId('cse');
      await authRepo.insertSession(trx, {
        id: sessionId, customerId, tokenHash: sha256Hex(token), ip: meta.ip, userAgent: meta.userAgent?.slice(0, 400) ?? null,
        now, expiresAt: new Date(now.getTime() + sessionTtlMs),
      });
      return { sessionId, token };
    },

    /**
     * Opens a challenge in the caller's transaction; with `smsTo`, also issues a code and queues the text
     * (sent by the sms.send job after commit — call afterSms() once the transaction committed).
     */
    async openChallenge(trx: Sql, c: {
      customerId: string; purpose: ChallengePurpose; methods: Method[]; meta: RequestMeta; sessionId?: string | null; smsTo?: string | null;
      ttlMs?: number; webauthnChallenge?: string; newPhone?: { enc: string; bidx: string };
    }): Promise<OpenedChallenge> {
      const now = d.clock.now();
      const id = newId('chl');
      const expiresAt = new Date(now.getTime() + (c.ttlMs ?? RULES.challengeTtlMs));
      await authRepo.insertChallenge(trx, {
        id, customerId: c.customerId, purpose: c.purpose, sessionId: c.sessionId ?? null, methods: c.methods, ip: c.meta.ip, now, expiresAt,
        webauthnChallenge: c.webauthnChallenge ?? null, newPhoneEnc: c.newPhone?.enc ?? null, newPhoneBidx: c.newPhone?.bidx ?? null,
      });
      const out: OpenedChallenge = { challengeId: id, methods: c.methods, expiresAt };
      if (c.smsTo) {
        if (!(await k.textCode(trx, id, c.smsTo))) throw new Error('could not issue a code on a new challenge');
        out.smsSentTo = maskPhone(c.smsTo);
      }
      return out;
    },

    /** Issues a fresh 6-digit code on the challenge (the previous one stops working) and queues the text. */
    async textCode(trx: Sql, challengeId: string, phone: string): Promise<boolean> {
      const now = d.clock.now();
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const ch = await authRepo.issueSmsCode(trx, challengeId, k.codeHash(challengeId, code), now, new Date(now.getTime() + RULES.codeTtlMs), RULES.maxSmsPerChallenge, RULES.smsGapMs);
      if (!ch) return false;
      await queueSms(trx, d.cipher, {
        to: phone,
        body: `${code} is your ${d.webauthn.rpName} code. It expires in ${RULES.codeTtlMs / 60_000} minutes. Never share it with anyone.`,
        dedupeKey: `sms:${challengeId}:${ch.smsSent}`,
      });
      return true;
    },

    afterSms() {
      d.wake?.();
    },

    async close() {
      await limits.close();
    },
  };
  return k;
}
export type Core = ReturnType<typeof customersCore>;
