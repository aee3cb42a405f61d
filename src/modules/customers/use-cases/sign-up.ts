import { AppError } from '../../../platform/errors.ts';
import { newId } from '../../../platform/ids.ts';
import { isUniqueViolation } from '../../../platform/db/db.ts';
import type { Core, OpenedChallenge } from '../customers.core.ts';
import { checkPasswordPolicy, normalizeEmail, normalizePhone } from '../customers.pii.ts';
import * as repo from '../customers.repo.ts';
import type { RequestMeta } from '../customers.schema.ts';

/**
 * Sign-up: e-mail, phone and password → an active customer whose phone is not verified yet, and a challenge
 * whose code is texted to the phone. `customer.created` is emitted inside the same transaction (the personal
 * area opens the wallet account there). Verifying the code marks the phone verified and logs the customer in.
 */
export function signUp(k: Core) {
  const { d } = k;
  return {
    async signup(input: { email: string; phone: string; password: string }, meta: RequestMeta): Promise<OpenedChallenge & { customerId: string }> {
      await k.limits.take('signup', meta.ip);
      const email = normalizeEmail(input.email);
      if (!email) throw new AppError('validation_failed', 'email is not a valid e-mail address');
      const phone = normalizePhone(input.phone);
      if (!phone) throw new AppError('validation_failed', 'phone must be an international number, e.g. +4915123456789');
      checkPasswordPolicy(input.password, { email, phone });
      const passwordHash = await k.hashPassword(input.password); // CPU work outside the transaction
      const customerId = newId('cus');
      const now = k.now();
      let opened: OpenedChallenge;
      try {
        opened = await d.db.tx(async (trx) => {
          await repo.insertCustomer(trx, {
            id: customerId, emailBidx: k.emailIndex(email), emailEnc: k.enc(email), phoneBidx: k.phoneIndex(phone), phoneEnc: k.enc(phone), passwordHash, now,
          });
          await repo.insertHistory(trx, customerId, 'active', `customer:${customerId}`, 'signed up', now);
          await d.events.emit(trx, 'customer.created', { customerId, actor: `customer:${customerId}` });
          return k.openChallenge(trx, { customerId, purpose: 'signup', methods: ['sms'], meta, smsTo: phone });
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('conflict', 'an account with this e-mail address or phone number already exists');
        throw err;
      }
      k.afterSms();
      return { customerId, ...opened };
    },
  };
}
