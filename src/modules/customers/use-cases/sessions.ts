import { AppError, notFound } from '../../../platform/errors.ts';
import { sha256Hex } from '../../../platform/crypto.ts';
import { RULES, TOKEN_RE, type Core } from '../customers.core.ts';
import * as authRepo from '../auth.repo.ts';
import type { CustomerAuth, RequestMeta } from '../customers.schema.ts';

/** End reasons that mean someone deliberately cut the session off: presenting its token again is a replay. */
export const EXPLICIT_END: ReadonlySet<string> = new Set(['revoked', 'logout', 'blocked', 'factors_reset']);

/**
 * Customer sessions: opaque tokens (only their SHA-256 is stored), one per login, listed and revocable by the
 * customer. A token that never existed is reported as 'token_invalid'; the token of a session the customer
 * or staff explicitly ended (logout, revoke, block, factor reset) as 'token_revoked' (a replay). An expired
 * session, or one the system ended because of a password/factor/phone change, is a plain 401 without signal.
 */
export function sessions(k: Core) {
  const { d } = k;
  return {
    /**
     * The session behind a token, or 401. `route` only labels the security signal; `quiet` skips the signals
     * (a stale cookie sent along with a login is not an attack).
     */
    async authenticate(token: string | null, meta: RequestMeta & { route?: string; quiet?: boolean }): Promise<CustomerAuth> {
      if (token === null) throw new AppError('unauthorized', 'login required');
      const signal: typeof k.signal = (s) => { if (!meta.quiet) k.signal(s); };
      if (!TOKEN_RE.test(token)) {
        signal({ kind: 'token_invalid', ip: meta.ip ?? undefined, subject: meta.route, details: { reason: 'malformed' } });
        throw new AppError('unauthorized', 'login required');
      }
      const s = await authRepo.sessionByTokenHash(d.db, sha256Hex(token));
      if (!s) {
        signal({ kind: 'token_invalid', ip: meta.ip ?? undefined, subject: meta.route, details: { reason: 'unknown' } });
        throw new AppError('unauthorized', 'login required');
      }
      const now = k.now();
      if (s.endedAt || s.expiresAt <= now || s.customerStatus !== 'active') {
        // A replay only when someone explicitly ended the session (the customer's logout/revoke, staff's block or
        // factor reset). Expiry and the sessions the system ends on a password/factor/phone change are normal use:
        // a customer back after a month, their second device after a password change — no signal.
        if (s.endedAt && s.endReason && EXPLICIT_END.has(s.endReason)) {
          signal({ kind: 'token_revoked', ip: meta.ip ?? undefined, customerId: s.customerId, subject: s.id, details: { reason: s.endReason } });
        }
        throw new AppError('unauthorized', 'this session has ended; log in again');
      }
      await authRepo.touchSession(d.db, s.id, now, RULES.touchGapMs).catch((err) => d.log.warn({ err }, 'session touch failed'));
      return { customerId: s.customerId, sessionId: s.id, stepUpAt: s.stepUpAt };
    },

    async listSessions(auth: CustomerAuth) {
      const list = await authRepo.activeSessions(d.db, auth.customerId, k.now());
      return list.map((s) => ({ id: s.id, createdAt: s.createdAt, lastSeenAt: s.lastSeenAt, ip: s.ip, userAgent: s.userAgent, current: s.id === auth.sessionId }));
    },

    /** Ends one of the customer's sessions (another customer's id is a 404, reported to the monitor). */
    async revokeSession(auth: CustomerAuth, sessionId: string, meta: RequestMeta): Promise<void> {
      const ended = await d.db.tx((trx) => authRepo.endSession(trx, auth.customerId, sessionId, 'revoked', k.now()));
      if (ended) return;
      const s = await authRepo.getSession(d.db, sessionId);
      if (s && s.customerId !== auth.customerId) k.signal({ kind: 'not_found_foreign', ip: meta.ip ?? undefined, customerId: auth.customerId, subject: sessionId });
      if (!s || s.customerId !== auth.customerId) throw notFound('session');
      // already ended: revoking again is a no-op
    },

    async logout(auth: CustomerAuth): Promise<void> {
      await d.db.tx((trx) => authRepo.endSession(trx, auth.customerId, auth.sessionId, 'logout', k.now()));
    },
  };
}
