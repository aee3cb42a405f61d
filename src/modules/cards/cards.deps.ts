import type { Db } from '../../platform/db/db.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Clock } from '../../platform/clock.ts';
import type { FieldCipher } from '../../platform/crypto.ts';
import type { RiskDecision, RiskEvent } from '../risk/index.ts';

/** What the cards module needs from the platform and from the risk engine (a port: tests pass a stand-in). */
export interface CardsDeps {
  db: Db;
  log: Logger;
  clock: Clock;
  cipher: FieldCipher;
  /** The risk engine; null when RISK=false (authorizations are then judged by card status and controls only). */
  risk: { evaluate(e: RiskEvent): Promise<RiskDecision> } | null;
  /** CARD_PROCESSOR_SECRET (shown to staff with cards:write who set up the processor; audited). */
  processorSecret: string;
  /** Longer than this, and the processor gets the card program's fallback answer. */
  decisionBudgetMs: number;
  /** Cardholder notifications: e-mail through the outbox (a job sends it when SMTP is configured), SMS to the dev outbox. */
  notify: { emailTransport: 'smtp' | 'outbox'; emailJob: { queue: string; kind: string } };
}
