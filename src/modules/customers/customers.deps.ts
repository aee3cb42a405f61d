import type { Db } from '../../platform/db/db.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Clock } from '../../platform/clock.ts';
import type { FieldCipher } from '../../platform/crypto.ts';
import type { DomainEvents } from '../../platform/events.ts';
import type { SecuritySink } from '../../platform/security.ts';
import type { CustomerKeys } from './customers.pii.ts';

/** What the customers module needs from the platform (tests build it with stand-ins). */
export interface CustomersDeps {
  db: Db;
  log: Logger;
  /** All of the module's time decisions (code expiry, lockouts, step-up freshness) read this clock. */
  clock: Clock;
  cipher: FieldCipher;
  events: DomainEvents;
  /** deriveCustomerKeys(ENCRYPTION_KEY): the blind index key and the code-hash key. */
  keys: CustomerKeys;
  /** Signals for the security monitor (default: nullSecuritySink). */
  security?: SecuritySink;
  /** Relying party of passkeys: rpID is the host name of PUBLIC_URL, origin is PUBLIC_URL's origin. */
  webauthn: { rpID: string; rpName: string; origin: string | string[] };
  /** Paying more than thresholdMinor needs a second factor younger than maxAgeMinutes (default 5). */
  stepUp: { thresholdMinor: number; maxAgeMinutes?: number };
  /** Per-IP limits (requests per minute); over them the answer is 429. */
  limits: { loginPerMinute: number; verifyPerMinute: number; signupPerMinute: number; smsPerMinute: number };
  /** Shares the per-IP limits across nodes (in memory on one node when unset). */
  redisUrl?: string;
  /** Called after a transaction queued an SMS job (wakes the worker). */
  wake?: () => void;
  /** Session lifetime (default 30 days). */
  sessionTtlHours?: number;
  /** Secure cookies (PUBLIC_URL is https). */
  secureCookies?: boolean;
}
