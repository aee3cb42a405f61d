/**
 * The customer personal area (issue 4). What other modules and app.ts use:
 *
 * - `createPersonalAreaService(deps)` → the service (registers its domain-event reactions: wallet on
 *   'customer.created', top-up/bill captures on 'payment.*', refunds on 'bill_posting.failed').
 * - `personalAreaRoutes(service, customers)` — `/v1/me/accounts|transactions|events|topups|bills|bill-payments|feedback|payees|transfers`
 *   and the public `/v1/receipts/verify`; `personalAreaAdminRoutes(service, guards)` — `/v1/admin/feedback…`.
 * - `service.close()` ends the live (SSE) streams; the routes plugin also does it in a preClose hook.
 * - `service.expireCardAttempts(now?)` — the sweep for app.ts (every 5 s): card payments of bills still awaiting
 *   payment after settings.cardAttemptTtlMinutes (default 30) are failed and voided at the gateway.
 */
export { createPersonalAreaService, type PersonalAreaService, type PersonalAreaDeps, type PersonalAreaSettings, type Caller } from './personal-area.service.ts';
export { personalAreaRoutes, type LiveOptions } from './personal-area.routes.ts';
export { personalAreaAdminRoutes } from './personal-area.admin.routes.ts';
export { deriveReceiptKey, normalizeCode as normalizeReceiptCode } from './receipts.ts';
export { TOPUP_TRANSITIONS, BILL_PAYMENT_TRANSITIONS, THREAD_TRANSITIONS } from './personal-area.states.ts';
export type { Txn, AccountView, TxnStatus } from './personal-area.schema.ts';
