import type { Sql } from '../../../platform/db/db.ts';
import { AppError, notFound } from '../../../platform/errors.ts';
import { hasPrefix } from '../../../platform/ids.ts';
import { assertTransition } from '../../../platform/states.ts';
import { audit } from '../../staff/index.ts';
import type { Core } from '../customers.core.ts';
import { normalizeEmail, normalizePhone } from '../customers.pii.ts';
import * as repo from '../customers.repo.ts';
import * as authRepo from '../auth.repo.ts';
import { CUSTOMER_TRANSITIONS } from '../customers.states.ts';
import { listSmsOutbox } from '../../../platform/notify/sms.ts';
import type { CustomerStatus } from '../customers.schema.ts';

/** Staff actions on customers (console). Every change, and every look at one customer's data, is audited. */
export function admin(k: Core) {
  const { d } = k;
  const row = (c: repo.CustomerRecord) => ({
    id: c.id, email: k.dec(c.emailEnc), phone: k.dec(c.phoneEnc), phoneVerified: c.phoneVerifiedAt !== null, status: c.status, externalRef: c.externalRef, createdAt: c.createdAt,
  });

  async function move(actor: string, id: string, to: CustomerStatus, reason: string, ip: string | null) {
    const now = k.now();
    return d.db.tx(async (trx) => {
      const c = await repo.getCustomer(trx, id, true);
      if (!c) throw notFound('customer');
      assertTransition('customer', CUSTOMER_TRANSITIONS, c.status, to);
      await repo.setStatus(trx, id, c.status, to, actor, reason, now);
      const ended = to === 'blocked' ? await authRepo.endSessions(trx, id, null, 'blocked', now) : 0;
      await audit(trx, { actor, action: to === 'blocked' ? 'customer.blocked' : 'customer.unblocked', subjectId: id, details: { reason, sessionsEnded: ended }, ip });
      return { id, status: to, sessionsEnded: ended };
    });
  }

  return {
    /** By id (cus_…), external ref, e-mail or phone (through the blind index: exact matches only); newest first without q. */
    async search(actor: string, q: string | undefined, opts: { limit?: number; before?: string; ip?: string | null } = {}) {
      const query = q?.trim();
      if (!query) return (await repo.listCustomers(d.db, opts.limit ?? 50, opts.before)).map(row);
      let found: repo.CustomerRecord | null = null;
      let by: string;
      if (hasPrefix(query, 'cus')) {
        by = 'id';
        found = await repo.getCustomer(d.db, query);
      } else if (query.includes('@')) {
        by = 'email';
        const email = normalizeEmail(query);
        if (email) found = await repo.findByBlindIndex(d.db, 'email', k.emailIndex(email));
      } else {
        by = 'phone';
        const phone = normalizePhone(query);
        if (phone) found = await repo.findByBlindIndex(d.db, 'phone', k.phoneIndex(phone));
        if (!found) {
          found = await repo.findByExternalRef(d.db, query);
          if (found) by = 'external_ref';
        }
      }
      // the query itself is personal data: the audit log keeps only what kind of search it was and what it found
      await d.db.tx((trx) => audit(trx, { actor, action: 'customers.searched', subjectId: found?.id ?? null, details: { by, found: found !== null }, ip: opts.ip ?? null }));
      return found ? [row(found)] : [];
    },

    smsOutbox: (opts: { limit?: number; before?: string } = {}) => listSmsOutbox(d.db, d.cipher, opts),

    async detail(actor: string, id: string, ip: string | null) {
      const c = await repo.getCustomer(d.db, id);
      if (!c) throw notFound('customer');
      const now = k.now();
      const [sessions, failures, history] = [await authRepo.countActiveSessions(d.db, id, now), await repo.getFailures(d.db, id), await repo.statusHistory(d.db, id)];
      await d.db.tx((trx) => audit(trx, { actor, action: 'customer.viewed', subjectId: id, ip }));
      return {
        ...row(c), name: k.decOrNull(c.nameEnc),
        factors: { sms: c.phoneVerifiedAt !== null, totp: c.totpConfirmedAt !== null, passkeys: c.passkeys, recoveryCodesLeft: c.recoveryLeft },
        sessions, failures: failures?.failures ?? 0, lockedUntil: failures?.lockedUntil && failures.lockedUntil > now ? failures.lockedUntil : null, history,
      };
    },

    block: (actor: string, id: string, reason: string, ip: string | null) => move(actor, id, 'blocked', reason, ip),
    unblock: (actor: string, id: string, reason: string, ip: string | null) => move(actor, id, 'active', reason, ip),

    /** Lifts a lockout and clears the failure counter (e.g. after support verified the caller). */
    async unlock(actor: string, id: string, reason: string, ip: string | null) {
      await d.db.tx(async (trx) => {
        if (!(await repo.getCustomer(trx, id))) throw notFound('customer');
        await repo.clearFailures(trx, id);
        await audit(trx, { actor, action: 'customer.unlocked', subjectId: id, details: { reason }, ip });
      });
      return { id, lockedUntil: null };
    },

    /** Removes TOTP, passkeys and recovery codes (SMS to the verified phone stays) and ends every session. */
    async resetTwoFactor(actor: string, id: string, reason: string, ip: string | null) {
      const now = k.now();
      return d.db.tx(async (trx) => {
        const c = await repo.getCustomer(trx, id, true);
        if (!c) throw notFound('customer');
        await repo.clearTotp(trx, id, now);
        await repo.deletePasskeys(trx, id);
        await repo.deleteRecoveryCodes(trx, id);
        const ended = await authRepo.endSessions(trx, id, null, 'factors_reset', now);
        await audit(trx, { actor, action: 'customer.2fa_reset', subjectId: id, details: { reason, hadTotp: c.totpConfirmedAt !== null, passkeys: c.passkeys, sessionsEnded: ended }, ip });
        return { id, factors: c.phoneVerifiedAt ? ['sms'] : [], sessionsEnded: ended };
      });
    },

    // ---------- for other modules (through index.ts) ----------
    /** A customer's contact data, decrypted (null when unknown). */
    async getCustomer(id: string) {
      const c = await repo.getCustomer(d.db, id);
      if (!c) return null;
      return { ...row(c), name: k.decOrNull(c.nameEnc), address: k.decOrNull(c.addressEnc) };
    },

    /** Links the customer to their id in the company's internal accounting system (in the caller's transaction when given). */
    async setExternalRef(id: string, externalRef: string | null, trx?: Sql) {
      try {
        if (!(await repo.setExternalRef(trx ?? d.db, id, externalRef, k.now()))) throw notFound('customer');
      } catch (err) {
        if ((err as { code?: string }).code === '23505') throw new AppError('conflict', 'this external reference belongs to another customer');
        throw err;
      }
    },

    async findByExternalRef(externalRef: string) {
      const c = await repo.findByExternalRef(d.db, externalRef);
      return c ? { id: c.id, status: c.status } : null;
    },
  };
}
