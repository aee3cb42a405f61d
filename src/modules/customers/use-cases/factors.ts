import { randomBytes } from 'node:crypto';
import { generateSecret, generateURI, verify as verifyTotp } from 'otplib';
import QRCode from 'qrcode';
import { generateRegistrationOptions, verifyRegistrationResponse, type RegistrationResponseJSON } from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { AppError, notFound } from '../../../platform/errors.ts';
import { newId } from '../../../platform/ids.ts';
import { isUniqueViolation } from '../../../platform/db/db.ts';
import { RULES, type Core } from '../customers.core.ts';
import * as repo from '../customers.repo.ts';
import * as authRepo from '../auth.repo.ts';
import type { CustomerAuth, RequestMeta, StepUpPurpose } from '../customers.schema.ts';

// Crockford base32 (no i, l, o, u): read aloud and typed back without confusion.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** 10 characters (50 bits), shown as "xxxxx-xxxxx". */
export function newRecoveryCode(): string {
  const bytes = randomBytes(10);
  const s = [...bytes].map((b) => ALPHABET[b & 31]).join('');
  return `${s.slice(0, 5)}-${s.slice(5)}`;
}

/** Lower case, no dashes or spaces, o→0 and i/l→1 (Crockford); null when it cannot be a recovery code. */
export function normalizeRecoveryCode(raw: string): string | null {
  const s = raw.toLowerCase().replace(/[\s-]/g, '').replace(/o/g, '0').replace(/[il]/g, '1');
  return /^[0-9a-hjkmnp-tv-z]{10}$/.test(s) ? s : null;
}

/**
 * Managing second factors from the personal area. Every change needs a fresh second factor (step-up) and ends
 * the customer's other sessions.
 */
export function factors(k: Core, requireStepUp: (auth: CustomerAuth, purpose: StepUpPurpose) => void) {
  const { d } = k;
  const customerOf = async (auth: CustomerAuth) => {
    const c = await repo.getCustomer(d.db, auth.customerId);
    if (!c) throw new AppError('unauthorized', 'login required');
    return c;
  };

  return {
    async securityOverview(auth: CustomerAuth) {
      const c = await customerOf(auth);
      const passkeys = await repo.listPasskeys(d.db, c.id);
      return {
        sms: c.phoneVerifiedAt !== null, totp: c.totpConfirmedAt !== null,
        passkeys: passkeys.map((p) => ({ id: p.id, name: p.name, createdAt: p.createdAt, lastUsedAt: p.lastUsedAt })),
        recoveryCodesLeft: c.recoveryLeft,
      };
    },

    // ---------- TOTP ----------
    /** Starts an enrolment: a new secret (kept pending until a first valid code confirms it). */
    async totpEnrol(auth: CustomerAuth) {
      requireStepUp(auth, 'change_2fa');
      const c = await customerOf(auth);
      const secret = generateSecret();
      await repo.setTotpPending(d.db, c.id, k.enc(secret), k.now());
      const otpauthUri = generateURI({ issuer: d.webauthn.rpName, label: k.dec(c.emailEnc), secret });
      return { secret, otpauthUri, qrDataUrl: await QRCode.toDataURL(otpauthUri, { errorCorrectionLevel: 'M', margin: 1, width: 240 }) };
    },

    /** Confirms the pending enrolment with a first valid code (at most 5 tries per enrolment). */
    async totpConfirm(auth: CustomerAuth, code: string) {
      requireStepUp(auth, 'change_2fa');
      const pendingEnc = await repo.takeTotpPendingAttempt(d.db, auth.customerId, RULES.maxAttempts);
      if (!pendingEnc) throw new AppError('bad_request', 'no authenticator enrolment is waiting (or it ran out of attempts); start again');
      const now = k.now();
      const r = /^\d{6}$/.test(code.trim())
        ? await verifyTotp({ secret: k.dec(pendingEnc), token: code.trim(), epoch: Math.floor(now.getTime() / 1000), epochTolerance: 30 }).catch(() => ({ valid: false as const }))
        : { valid: false as const };
      if (!r.valid || !('timeStep' in r)) throw new AppError('invalid_code', 'the code is not valid');
      const step = r.timeStep;
      const ended = await d.db.tx(async (trx) => {
        if (!(await repo.confirmTotp(trx, auth.customerId, pendingEnc, step, now))) throw new AppError('conflict', 'the enrolment changed meanwhile; start again');
        return authRepo.endSessions(trx, auth.customerId, auth.sessionId, 'factor_changed', now);
      });
      return { enabled: true, otherSessionsEnded: ended };
    },

    async totpRemove(auth: CustomerAuth) {
      requireStepUp(auth, 'change_2fa');
      const now = k.now();
      const ended = await d.db.tx(async (trx) => {
        await repo.clearTotp(trx, auth.customerId, now);
        return authRepo.endSessions(trx, auth.customerId, auth.sessionId, 'factor_changed', now);
      });
      return { otherSessionsEnded: ended };
    },

    // ---------- recovery codes ----------
    /** 10 new codes (the old ones stop working). Shown once: only keyed hashes are stored. */
    async newRecoveryCodes(auth: CustomerAuth) {
      requireStepUp(auth, 'change_2fa');
      const codes = Array.from({ length: RULES.recoveryCodes }, newRecoveryCode);
      const now = k.now();
      const ended = await d.db.tx(async (trx) => {
        await repo.replaceRecoveryCodes(trx, auth.customerId, codes.map((c) => k.codeHash(auth.customerId, normalizeRecoveryCode(c)!)), now);
        return authRepo.endSessions(trx, auth.customerId, auth.sessionId, 'factor_changed', now);
      });
      return { codes, otherSessionsEnded: ended };
    },

    // ---------- passkeys ----------
    async passkeyRegistrationOptions(auth: CustomerAuth, meta: RequestMeta) {
      requireStepUp(auth, 'change_2fa');
      const c = await customerOf(auth);
      const existing = await repo.listPasskeys(d.db, c.id);
      const options = await generateRegistrationOptions({
        rpName: d.webauthn.rpName, rpID: d.webauthn.rpID,
        userName: k.dec(c.emailEnc), userID: new TextEncoder().encode(c.id),
        attestationType: 'none', timeout: 120_000,
        excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports })),
        authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
      });
      const opened = await d.db.tx((trx) => k.openChallenge(trx, {
        customerId: c.id, purpose: 'passkey_register', methods: [], meta, sessionId: auth.sessionId, ttlMs: RULES.codeTtlMs, webauthnChallenge: options.challenge,
      }));
      return { challengeId: opened.challengeId, options };
    },

    async passkeyRegister(auth: CustomerAuth, input: { challengeId: string; response: unknown; name?: string }, meta: RequestMeta = { ip: null, userAgent: null }) {
      requireStepUp(auth, 'change_2fa');
      const closed = () => new AppError('bad_request', 'this passkey registration is not open any more; start again');
      const ch0 = await authRepo.getChallenge(d.db, input.challengeId);
      if (!ch0 || ch0.purpose !== 'passkey_register' || ch0.sessionId !== auth.sessionId) {
        if (ch0) k.reportForeignChallenge(ch0, auth, meta);
        throw closed();
      }
      const ch = await authRepo.takeAttempt(d.db, ch0.id, k.now(), RULES.maxAttempts);
      if (!ch?.webauthnChallenge) throw closed();
      let info;
      try {
        const r = await verifyRegistrationResponse({
          response: input.response as RegistrationResponseJSON, expectedChallenge: ch.webauthnChallenge,
          expectedOrigin: d.webauthn.origin, expectedRPID: d.webauthn.rpID, requireUserVerification: false,
        });
        if (!r.verified) throw new Error('not verified');
        info = r.registrationInfo;
      } catch {
        throw new AppError('bad_request', 'the passkey could not be verified');
      }
      const now = k.now();
      const id = newId('pkc');
      const name = input.name?.trim() || `Passkey ${now.toISOString().slice(0, 10)}`;
      try {
        await d.db.tx(async (trx) => {
          if (!(await authRepo.completeChallenge(trx, ch.id, 'passkey', now))) throw closed();
          await repo.insertPasskey(trx, {
            id, customerId: auth.customerId, credentialId: info.credential.id, publicKey: isoBase64URL.fromBuffer(info.credential.publicKey),
            counter: info.credential.counter, transports: info.credential.transports ?? [], name, deviceType: info.credentialDeviceType, backedUp: info.credentialBackedUp, now,
          });
          await authRepo.endSessions(trx, auth.customerId, auth.sessionId, 'factor_changed', now);
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('conflict', 'this passkey is already registered');
        throw err;
      }
      return { id, name, createdAt: now, lastUsedAt: null };
    },

    /** Removes one of the customer's passkeys; another customer's passkey id is the unknown-id 404, reported. */
    async passkeyRemove(auth: CustomerAuth, id: string, meta: RequestMeta = { ip: null, userAgent: null }) {
      requireStepUp(auth, 'change_2fa');
      const now = k.now();
      const removed = await d.db.tx(async (trx) => {
        if (!(await repo.deletePasskey(trx, auth.customerId, id))) return false;
        await authRepo.endSessions(trx, auth.customerId, auth.sessionId, 'factor_changed', now);
        return true;
      });
      if (removed) return;
      const owner = await repo.passkeyOwner(d.db, id);
      if (owner && owner !== auth.customerId) k.signal({ kind: 'not_found_foreign', ip: meta.ip ?? undefined, customerId: auth.customerId, subject: id, details: { route: 'DELETE /v1/me/security/passkeys/:id' } });
      throw notFound('passkey');
    },
  };
}
