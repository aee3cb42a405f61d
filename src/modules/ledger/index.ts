export { createLedgerService, type LedgerService, type LedgerDeps } from './ledger.service.ts';
export { ledgerRoutes, accountView, transferView } from './ledger.routes.ts';
export { LEDGER_CHANNEL, type LedgerNotification, type GroupCommitOptions } from './ledger.batch.ts';
export { DEFAULT_HOLD_SECONDS } from './ledger.engine.ts';
export {
  TRANSFER_KINDS, TRANSFER_TYPES, SYSTEM_CODES,
  type TransferKind, type TransferType, type SystemCode, type NormalSide, type OpenAccountInput, type Account, type Balance,
  type Leg, type MoveLeg, type PostPendingLeg, type VoidPendingLeg, type Transfer, type AccountTransfer, type Hold, type HoldState,
  type TransferQuery, type Page, type TrialBalance, type TransferOutcome,
} from './ledger.schema.ts';
