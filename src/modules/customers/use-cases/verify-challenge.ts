import { verify as verifyTotp } from 'otplib';
import { verifyAuthenticationResponse, type AuthenticationResponseJSON } from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { AppError } from '../../../platform/errors.ts';
import { isUniqueViolation, type Sql } from '../../../platform/db/db.ts';
import { safeEqual } from '../../../platform/crypto.ts';
import { RULES, type Core } from '../customers.core.ts';
import * as repo from '../customers.repo.ts';
import * as authRepo from '../auth.repo.ts';
import type { ChallengeRecord } from '../auth.repo.ts';
import type { CustomerAuth, Method, RequestMeta, VerifyInput } from '../customers.schema.ts';
import { normalizeRecoveryCode } from './factors.ts';

export interface VerifyResult { purpose: ChallengeRecord['purpose']; token?: string; customerId?: string; stepUpAt?: Date; sessionId?: string }

const WRONG_CODE = () => new AppError('invalid_code', 'the code is not valid');
const CLOSED = () => new AppError('invalid_code', 'this challenge is not open any more (expired, used, or out of attempts); start again');

/** Which factor the input is for, when the client did not say. */
function resolveMethod(ch: ChallengeRecord, input: VerifyInput): Method {
  let method: Method;
  if (input.method) method = input.method;
  else if (input.response) method = 'passkey';
  else if (ch.purpose === 'signup' || ch.purpose === 'change_phone') method = 'sms';
  else if (input.code && !/^\d{6}$/.test(input.code.trim()) && normalizeRecoveryCode(input.code)) method = 'recovery_code';
  else if (ch.smsSent > 0 || !ch.methods.includes('totp')) method = 'sms';
  else method = 'totp';
  if (!ch.methods.includes(method)) throw new AppError('bad_request', `${method} is not a method of this challenge (it offers ${ch.methods.join(', ')})`);
  if (method === 'passkey') {
    if (!input.response) throw new AppError('bad_request', 'a passkey answer needs the response of the authenticator');
    if (!ch.webauthnChallenge) throw new AppError('bad_request', 'ask for the passkey options of this challenge first');
  } else if (!input.code) throw new AppError('bad_request', `${method} needs a code`);
  return method;
}

/** What a correct answer consumes, atomically, in the completing transaction (false: it was used meanwhile). */
type Check = { ok: false } | { ok: true; consume: (trx: Sql) => Promise<boolean> };

/**
 * Login step 2 (and every other second-factor check): one attempt is taken atomically first — at most 5 per
 * challenge however many requests race — then the factor is checked; a wrong answer counts against the account
 * (escalating lockout). A right answer completes the challenge once, in one transaction with what it unlocks.
 */
export function verifyChallenge(k: Core) {
  const { d } = k;

  async function check(method: Method, ch: ChallengeRecord, c: repo.CustomerRecord, input: VerifyInput): Promise<Check> {
    const now = k.now();
    const code = input.code?.trim() ?? '';
    switch (method) {
      case 'sms': {
        if (!ch.codeHash || !ch.codeExpiresAt || ch.codeExpiresAt <= now || !/^\d{6}$/.test(code)) return { ok: false };
        return safeEqual(k.codeHash(ch.id, code), ch.codeHash) ? { ok: true, consume: async () => true } : { ok: false };
      }
      case 'totp': {
        if (!c.totpSecretEnc || !/^\d{6}$/.test(code)) return { ok: false };
        const r = await verifyTotp({
          secret: k.dec(c.totpSecretEnc), token: code, epoch: Math.floor(now.getTime() / 1000), epochTolerance: 30,
          ...(c.totpLastStep !== null ? { afterTimeStep: c.totpLastStep } : {}),
        }).catch(() => ({ valid: false as const }));
        if (!r.valid || !('timeStep' in r)) return { ok: false };
        const step = r.timeStep;
        return { ok: true, consume: (trx) => repo.useTotpStep(trx, c.id, step) };
      }
      case 'recovery_code': {
        const norm = normalizeRecoveryCode(code);
        if (!norm) return { ok: false };
        const h = k.codeHash(c.id, norm);
        return { ok: true, consume: (trx) => repo.useRecoveryCode(trx, c.id, h, now) };
      }
      case 'passkey': {
        const response = input.response as unknown as AuthenticationResponseJSON;
        const pk = (await repo.listPasskeys(d.db, c.id)).find((p) => p.credentialId === response.id);
        if (!pk) return { ok: false };
        try {
          const r = await verifyAuthenticationResponse({
            response, expectedChallenge: ch.webauthnChallenge!, expectedOrigin: d.webauthn.origin, expectedRPID: d.webauthn.rpID,
            credential: { id: pk.credentialId, publicKey: isoBase64URL.toBuffer(pk.publicKey), counter: pk.counter, transports: pk.transports },
            requireUserVerification: false,
          });
          if (!r.verified) return { ok: false };
          const counter = r.authenticationInfo.newCounter;
          return { ok: true, consume: (trx) => repo.usePasskey(trx, pk.id, counter, now) };
        } catch {
          return { ok: false };
        }
      }
    }
  }

  return {
    async verify(challengeId: string, input: VerifyInput, meta: RequestMeta, auth: CustomerAuth | null): Promise<VerifyResult> {
      await k.limits.take('verify', meta.ip);
      const ch0 = await authRepo.getChallenge(d.db, challengeId);
      if (!ch0 || ch0.purpose === 'passkey_register') throw CLOSED();
      if (ch0.sessionId && ch0.sessionId !== auth?.sessionId) {
        // a session-bound challenge (step-up, phone change) from another session: exactly the unknown-id answer
        k.reportForeignChallenge(ch0, auth, meta);
        throw CLOSED();
      }
      const method = resolveMethod(ch0, input);
      await k.checkLock(ch0.customerId);
      const ch = await authRepo.takeAttempt(d.db, ch0.id, k.now(), RULES.maxAttempts);
      if (!ch) throw CLOSED();
      const customer = await repo.getCustomer(d.db, ch.customerId);
      if (!customer) throw CLOSED();
      const failed = () => k.fail(customer.id, meta, { kind: 'code_failed', customerId: customer.id, subject: ch.id, details: { method, purpose: ch.purpose } });

      const result = await check(method, ch, customer, input);
      if (!result.ok) {
        await failed();
        throw WRONG_CODE();
      }
      if (customer.status !== 'active') throw new AppError('blocked', 'this account is blocked; please contact support');

      const now = k.now();
      let out: VerifyResult | null;
      try {
        out = await d.db.tx(async (trx): Promise<VerifyResult | null> => {
          if (!(await result.consume(trx))) return null; // a TOTP step, recovery code or passkey counter used meanwhile
          if (!(await authRepo.completeChallenge(trx, ch.id, method, now))) return null;
          await repo.clearFailures(trx, customer.id);
          switch (ch.purpose) {
            case 'signup': {
              await repo.markPhoneVerified(trx, customer.id, now);
              const s = await k.createSession(trx, customer.id, meta);
              return { purpose: ch.purpose, token: s.token, sessionId: s.sessionId, customerId: customer.id };
            }
            case 'login': {
              const s = await k.createSession(trx, customer.id, meta);
              return { purpose: ch.purpose, token: s.token, sessionId: s.sessionId, customerId: customer.id };
            }
            case 'step_up': {
              if (!ch.sessionId || !(await authRepo.setStepUp(trx, ch.sessionId, now))) throw new AppError('unauthorized', 'the session that started this challenge has ended');
              return { purpose: ch.purpose, stepUpAt: now, customerId: customer.id };
            }
            case 'change_phone': {
              if (!ch.newPhoneEnc || !ch.newPhoneBidx || !ch.sessionId) throw CLOSED();
              await repo.updatePhone(trx, customer.id, ch.newPhoneBidx, ch.newPhoneEnc, now);
              await authRepo.endSessions(trx, customer.id, ch.sessionId, 'phone_changed', now);
              await authRepo.setStepUp(trx, ch.sessionId, now);
              return { purpose: ch.purpose, stepUpAt: now, customerId: customer.id };
            }
            default:
              throw CLOSED();
          }
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('conflict', 'this phone number belongs to another account');
        throw err;
      }
      if (!out) {
        await failed();
        throw WRONG_CODE();
      }
      return out;
    },
  };
}
