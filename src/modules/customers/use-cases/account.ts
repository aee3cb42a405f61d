import { AppError } from '../../../platform/errors.ts';
import { isUniqueViolation } from '../../../platform/db/db.ts';
import type { Core, OpenedChallenge } from '../customers.core.ts';
import { checkPasswordPolicy, maskPhone, normalizeEmail, normalizePhone } from '../customers.pii.ts';
import * as repo from '../customers.repo.ts';
import * as authRepo from '../auth.repo.ts';
import type { CustomerAuth, RequestMeta, StepUpPurpose } from '../customers.schema.ts';

/**
 * The customer's own account: profile, step-up, and the changes that need one (password, e-mail, phone).
 */
export function account(k: Core) {
  const { d } = k;
  const maxAgeMs = (d.stepUp.maxAgeMinutes ?? 5) * 60_000;

  const customerOf = async (auth: CustomerAuth) => {
    const c = await repo.getCustomer(d.db, auth.customerId);
    if (!c) throw new AppError('unauthorized', 'login required');
    return c;
  };

  /**
   * Throws 403 step_up_required (details: { challengeUrl, purpose, maxAgeMinutes }) unless this session passed a
   * second factor within the last N minutes (default 5). For 'payment', amounts up to the configured threshold
   * (minor units) need none.
   */
  function requireStepUp(auth: CustomerAuth, purpose: StepUpPurpose, opts: { amountMinor?: number } = {}): void {
    if (purpose === 'payment' && opts.amountMinor !== undefined && opts.amountMinor <= d.stepUp.thresholdMinor) return;
    const at = auth.stepUpAt?.getTime();
    const now = k.now().getTime();
    if (at !== undefined && now - at <= maxAgeMs && at <= now + 60_000) return;
    throw new AppError('step_up_required', 'confirm it is you with a second factor first', { challengeUrl: '/v1/me/step-up', purpose, maxAgeMinutes: maxAgeMs / 60_000 });
  }

  return {
    requireStepUp,

    async me(auth: CustomerAuth) {
      const c = await customerOf(auth);
      return {
        id: c.id, email: k.dec(c.emailEnc), phone: maskPhone(k.dec(c.phoneEnc)), phoneVerified: c.phoneVerifiedAt !== null, status: c.status,
        factors: k.methodsOf(c), name: k.decOrNull(c.nameEnc), address: k.decOrNull(c.addressEnc), documentNumber: k.decOrNull(c.documentEnc), createdAt: c.createdAt,
      };
    },

    /** Name, address, document number: encrypted; null clears a field. */
    async updateProfile(auth: CustomerAuth, p: { name?: string | null; address?: string | null; documentNumber?: string | null }) {
      const enc = (v: string | null | undefined) => (v === undefined ? undefined : v === null ? null : k.enc(v.trim()));
      await repo.updateProfile(d.db, auth.customerId, { nameEnc: enc(p.name), addressEnc: enc(p.address), documentEnc: enc(p.documentNumber) }, k.now());
    },

    /** Starts a step-up challenge for this session (verified at /v1/auth/challenges/:id/verify with the same session). */
    async startStepUp(auth: CustomerAuth, meta: RequestMeta): Promise<OpenedChallenge> {
      const c = await customerOf(auth);
      const methods = k.methodsOf(c);
      if (methods.length === 0) throw new AppError('bad_request', 'no second factor is set up for this account');
      const textNow = methods.includes('sms') && !methods.includes('totp') && !methods.includes('passkey');
      const opened = await d.db.tx((trx) => k.openChallenge(trx, { customerId: c.id, purpose: 'step_up', methods, meta, sessionId: auth.sessionId, smsTo: textNow ? k.dec(c.phoneEnc) : null }));
      if (textNow) k.afterSms();
      return opened;
    },

    /** Needs the current password and a step-up; ends every other session. */
    async changePassword(auth: CustomerAuth, input: { currentPassword: string; newPassword: string }, meta: RequestMeta) {
      requireStepUp(auth, 'change_password');
      const c = await customerOf(auth);
      await k.checkLock(c.id);
      if (!(await k.verifyPassword(c.passwordHash, input.currentPassword))) {
        await k.fail(c.id, meta, { kind: 'login_failed', customerId: c.id, subject: 'change_password' });
        throw new AppError('unauthorized', 'the current password is wrong');
      }
      checkPasswordPolicy(input.newPassword, { email: k.dec(c.emailEnc), phone: k.dec(c.phoneEnc) });
      if (input.newPassword === input.currentPassword) throw new AppError('validation_failed', 'the new password must differ from the current one');
      const hash = await k.hashPassword(input.newPassword);
      const now = k.now();
      const ended = await d.db.tx(async (trx) => {
        await repo.updatePassword(trx, c.id, hash, now);
        return authRepo.endSessions(trx, c.id, auth.sessionId, 'password_changed', now);
      });
      return { otherSessionsEnded: ended };
    },

    /** Needs a step-up; ends every other session (the new address is not verified by a link yet). */
    async changeEmail(auth: CustomerAuth, input: { email: string }) {
      requireStepUp(auth, 'change_email');
      const email = normalizeEmail(input.email);
      if (!email) throw new AppError('validation_failed', 'email is not a valid e-mail address');
      const now = k.now();
      let ended: number;
      try {
        // the e-mail is a login name: like a password change, it ends every other session
        ended = await d.db.tx(async (trx) => {
          await repo.updateEmail(trx, auth.customerId, k.emailIndex(email), k.enc(email), now);
          return authRepo.endSessions(trx, auth.customerId, auth.sessionId, 'email_changed', now);
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('conflict', 'this e-mail address belongs to another account');
        throw err;
      }
      return { email, otherSessionsEnded: ended };
    },

    /** Texts a code to the new number; verifying it (same session) switches the phone and ends other sessions. */
    async startPhoneChange(auth: CustomerAuth, input: { phone: string }, meta: RequestMeta): Promise<OpenedChallenge> {
      requireStepUp(auth, 'change_phone');
      const phone = normalizePhone(input.phone);
      if (!phone) throw new AppError('validation_failed', 'phone must be an international number, e.g. +4915123456789');
      const bidx = k.phoneIndex(phone);
      const owner = await repo.findByBlindIndex(d.db, 'phone', bidx);
      if (owner && owner.id !== auth.customerId) throw new AppError('conflict', 'this phone number belongs to another account');
      if (owner) throw new AppError('bad_request', 'this is already your phone number');
      await k.limits.take('sms', meta.ip);
      const opened = await d.db.tx((trx) => k.openChallenge(trx, {
        customerId: auth.customerId, purpose: 'change_phone', methods: ['sms'], meta, sessionId: auth.sessionId, smsTo: phone, newPhone: { enc: k.enc(phone), bidx },
      }));
      k.afterSms();
      return opened;
    },
  };
}
