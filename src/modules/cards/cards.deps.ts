import type { Db, Sql } from '../../platform/db/db.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Clock } from '../../platform/clock.ts';
import type { FieldCipher } from '../../platform/crypto.ts';
import type { PreparedRiskDecision, RiskDecision, RiskEvent } from '../risk/index.ts';
import type { CardStateHooks } from './card-state.ts';

/**
 * The risk engine as the cards module uses it. With decide + writeDecisions (the real engine) the decision is
 * made without a write and its row is written with the authorization's, in one group-commit transaction; a
 * stand-in with evaluate only writes (or not) by itself.
 */
export interface CardsRisk {
  evaluate(e: RiskEvent): Promise<RiskDecision>;
  decide?(e: RiskEvent): Promise<PreparedRiskDecision>;
  writeDecisions?(trx: Sql, ds: readonly PreparedRiskDecision[]): Promise<() => Promise<void>>;
  /** Decisions without side actions as parts of the authorizations' own statement (one round trip for both). */
  decisionsInsert?(ds: readonly PreparedRiskDecision[]): { json: string; statement: (param: string, where?: string) => string };
}

/** What the cards module needs from the platform and from the risk engine (a port: tests pass a stand-in). */
export interface CardsDeps {
  db: Db;
  log: Logger;
  clock: Clock;
  cipher: FieldCipher;
  /** The risk engine; null when RISK=false (authorizations are then judged by card status and controls only). */
  risk: CardsRisk | null;
  /** CARD_PROCESSOR_SECRET (shown to staff with cards:write who set up the processor; audited). */
  processorSecret: string;
  /** Longer than this, and the processor gets the card program's fallback answer. */
  decisionBudgetMs: number;
  /** Cardholder notifications: e-mail through the outbox (a job sends it when SMTP is configured), SMS to the dev outbox. */
  notify: { emailTransport: 'smtp' | 'outbox'; emailJob: { queue: string; kind: string } };
  /** The decision path's card-state cache (set by createCardsService): told about changes after they commit. */
  cardState?: CardStateHooks;
}
