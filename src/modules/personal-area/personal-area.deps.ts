import type { Db } from '../../platform/db/db.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Clock } from '../../platform/clock.ts';
import type { FieldCipher } from '../../platform/crypto.ts';
import type { DomainEvents } from '../../platform/events.ts';
import type { SecuritySink } from '../../platform/security.ts';
import type { LedgerService } from '../ledger/index.ts';
import type { CustomersService } from '../customers/index.ts';
import type { PaymentsService } from '../payments/index.ts';
import type { Gateway, AccountingConnector, BillPostingsService } from '../gateway/index.ts';

export interface PersonalAreaSettings {
  /** Currency of a new customer's wallet (config.personalArea.walletCurrency). */
  walletCurrency: string;
  /** Paying more than this needs a fresh second factor (customers.requireStepUp decides; this is for the answer). */
  stepUpThresholdMinor: number;
  companyName: string;
  companyDetails: string;
  /** PUBLIC_URL: the gateway's return URL and the receipts' verify URL start with it. */
  publicUrl: string;
  /** Top-up limits per request, minor units (defaults 100 and 1,000,000). */
  topupMinMinor?: number;
  topupMaxMinor?: number;
  /** Capture mode asked of the gateway for top-ups (default automatic). */
  topupCaptureMethod?: 'automatic' | 'manual';
  /** A bill shown within this many hours can be paid while the internal system is down (default 24). */
  billCacheHours?: number;
  /** A card payment of a bill still awaiting payment after this many minutes is failed and voided by the sweep (default 30). */
  cardAttemptTtlMinutes?: number;
}

/** What the personal area needs from the platform and the other modules (their index.ts surfaces only). */
export interface PersonalAreaDeps {
  db: Db;
  log: Logger;
  clock: Clock;
  cipher: FieldCipher;
  events: DomainEvents;
  security: SecuritySink;
  ledger: LedgerService;
  customers: CustomersService;
  payments: PaymentsService;
  gateway: Gateway;
  accounting: AccountingConnector;
  billPostings: BillPostingsService;
  /** The encryption key (receipt codes are HMACs under a key derived from it with HKDF, label 'receipt'). */
  encryptionKey: Buffer;
  settings: PersonalAreaSettings;
  /** Wakes the job worker after a transaction queued a job (bill postings). */
  wake?: () => void;
}
