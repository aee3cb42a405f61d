import type { Config } from './config.ts';
import type { Db } from './platform/db/db.ts';
import type { Logger } from './platform/logger.ts';
import type { Clock } from './platform/clock.ts';
import type { Worker } from './platform/jobs/worker.ts';
import type { FieldCipher, CipherKey } from './platform/crypto.ts';
import type { EmailTransport } from './platform/notify/email.ts';
import type { DomainEvents } from './platform/events.ts';

/** Secrets generated and stored on first start when not configured (shared by all nodes through the DB). */
export interface Secrets {
  sandboxWebhookSecret: string;
  /** API key Tollgate uses to call the sandbox gateway's API. */
  sandboxApiKey: string;
  /** Partner API key for the demo platform's transfer API. */
  demoPlatformPartnerKey: string;
  /** Password of the demo platform's seller account used by the browser driver. */
  demoSellerPassword: string;
  /** HMAC secret of the card processor's Tollgate-Signature (CARD_PROCESSOR_SECRET). */
  cardProcessorSecret: string;
  /** API key of the internal accounting system's connector API (INTERNAL_SYSTEM_API_KEY). */
  internalSystemApiKey: string;
  /** AES-256-GCM keys of the fields encrypted at rest (ENCRYPTION_KEYS), the current (encrypting) key first. */
  encryptionKeys: CipherKey[];
  /** The current encryption key (encryptionKeys[0].key). Derive nothing long-lived from it: it rotates. */
  encryptionKey: Buffer;
  /** Long-lived key (INDEX_KEY) of the blind index, code hashes and receipt codes: does NOT change when encryption keys rotate. */
  indexKey: Buffer;
}

/** Everything a module needs from the platform; built once by buildApp. */
export interface AppContext {
  config: Config;
  db: Db;
  log: Logger;
  clock: Clock;
  worker: Worker;
  cipher: FieldCipher;
  secrets: Secrets;
  email: EmailTransport;
  events: DomainEvents;
}
