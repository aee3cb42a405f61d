import { generateAuthenticationOptions } from '@simplewebauthn/server';
import { AppError } from '../../../platform/errors.ts';
import { RULES, type Core, type OpenedChallenge } from '../customers.core.ts';
import { maskPhone, normalizeEmail, normalizePhone } from '../customers.pii.ts';
import * as repo from '../customers.repo.ts';
import * as authRepo from '../auth.repo.ts';
import type { CustomerAuth, RequestMeta } from '../customers.schema.ts';

/** The same answer for an unknown login and a wrong password (status, body and the argon2 work). */
export const WRONG_LOGIN = () => new AppError('unauthorized', 'wrong login or password');

/**
 * Login, step 1: login name (e-mail or phone) + password → a challenge listing the customer's second factors.
 * The code is texted at once when SMS is the customer's only factor (otherwise on request: sendSms).
 */
export function logIn(k: Core) {
  const { d } = k;

  async function openChallengeFor(challengeId: string, auth: CustomerAuth | null, meta: RequestMeta) {
    const ch = await authRepo.getChallenge(d.db, challengeId);
    const now = k.now();
    const closed = () => new AppError('invalid_code', 'this challenge is not open any more; start again');
    if (!ch || ch.purpose === 'passkey_register') throw closed();
    // a session-bound challenge (step-up, phone change) from another session: exactly the unknown-id answer
    if (ch.sessionId && ch.sessionId !== auth?.sessionId) {
      k.reportForeignChallenge(ch, auth, meta);
      throw closed();
    }
    if (ch.completedAt || ch.expiresAt <= now) throw closed();
    return ch;
  }

  return {
    async login(input: { login: string; password: string }, meta: RequestMeta): Promise<OpenedChallenge> {
      await k.limits.take('login', meta.ip);
      const raw = input.login.trim();
      let bidx: string;
      let customer: repo.CustomerRecord | null = null;
      if (raw.includes('@')) {
        const email = normalizeEmail(raw);
        bidx = k.emailIndex(email ?? raw.toLowerCase());
        if (email) customer = await repo.findByBlindIndex(d.db, 'email', bidx);
      } else {
        const phone = normalizePhone(raw);
        bidx = k.phoneIndex(phone ?? raw);
        if (phone) customer = await repo.findByBlindIndex(d.db, 'phone', bidx);
      }
      // Unknown login names get their own failure counter and lockout: both cases look the same from outside.
      const subject = customer ? customer.id : `login:${bidx}`;
      await k.checkLock(subject);
      const ok = await k.verifyPassword(customer?.passwordHash ?? null, input.password);
      if (!customer || !ok) {
        await k.fail(subject, meta, { kind: 'login_failed', customerId: customer?.id, subject: `login:${bidx.slice(0, 16)}` });
        throw WRONG_LOGIN();
      }
      if (customer.status !== 'active') throw new AppError('blocked', 'this account is blocked; please contact support');
      const phone = k.dec(customer.phoneEnc);
      if (!customer.phoneVerifiedAt) {
        // sign-up never finished: the login completes it (the code goes to the phone given at sign-up)
        const opened = await d.db.tx((trx) => k.openChallenge(trx, { customerId: customer.id, purpose: 'signup', methods: ['sms'], meta, smsTo: phone }));
        k.afterSms();
        return opened;
      }
      const methods = k.methodsOf(customer);
      const textNow = !methods.includes('totp') && !methods.includes('passkey');
      const opened = await d.db.tx((trx) => k.openChallenge(trx, { customerId: customer.id, purpose: 'login', methods, meta, smsTo: textNow ? phone : null }));
      if (textNow) k.afterSms();
      return opened;
    },

    /** Texts a (new) code for the challenge: at most 3 per challenge, 30 s apart. */
    async sendSms(challengeId: string, meta: RequestMeta, auth: CustomerAuth | null): Promise<{ smsSentTo: string; codeExpiresAt: Date }> {
      await k.limits.take('sms', meta.ip);
      const ch = await openChallengeFor(challengeId, auth, meta);
      if (!ch.methods.includes('sms')) throw new AppError('bad_request', 'SMS is not a method of this challenge');
      const customer = await repo.getCustomer(d.db, ch.customerId);
      if (!customer) throw new AppError('invalid_code', 'this challenge is not open any more; start again');
      const phone = ch.purpose === 'change_phone' && ch.newPhoneEnc ? k.dec(ch.newPhoneEnc) : k.dec(customer.phoneEnc);
      const sent = await d.db.tx((trx) => k.textCode(trx, ch.id, phone));
      if (!sent) throw new AppError('rate_limited', 'no more codes for this challenge now: wait 30 s, or start again after 3 codes');
      k.afterSms();
      return { smsSentTo: maskPhone(phone), codeExpiresAt: new Date(k.now().getTime() + RULES.codeTtlMs) };
    },

    /** WebAuthn request options for a challenge that offers 'passkey' (the browser passes them to startAuthentication). */
    async passkeyOptions(challengeId: string, meta: RequestMeta, auth: CustomerAuth | null) {
      await k.limits.take('verify', meta.ip);
      const ch = await openChallengeFor(challengeId, auth, meta);
      if (!ch.methods.includes('passkey')) throw new AppError('bad_request', 'passkey is not a method of this challenge');
      const passkeys = await repo.listPasskeys(d.db, ch.customerId);
      const options = await generateAuthenticationOptions({
        rpID: d.webauthn.rpID,
        allowCredentials: passkeys.map((p) => ({ id: p.credentialId, transports: p.transports })),
        userVerification: 'preferred',
        timeout: 120_000,
      });
      if (!(await authRepo.setWebauthnChallenge(d.db, ch.id, options.challenge, k.now()))) throw new AppError('invalid_code', 'this challenge is not open any more; start again');
      return options;
    },
  };
}
