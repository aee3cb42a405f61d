/**
 * The demo internal accounting system: a stand-in for "the company's own system" that keeps customers'
 * contracts and bills. Tollgate ships it so the personal area has bills to pay with no outside service, but
 * it behaves like another system: its own ia_* tables, reached only over HTTP through the connector in
 * src/modules/gateway (never imported by other modules). Mount it with a prefix:
 *
 *   const ia = createInternalAccountingSystem({ db, apiKey, currency, cipher });
 *   app.register(ia.plugin, { prefix: '/internal-accounting/api' });
 *
 * Routes (relative to the prefix; every one needs `X-Api-Key: <apiKey>`, else 401):
 *   PUT  /customers/:ref              { name?, email? } → 201 enrolled (with two contracts and their bills) | 200 known → { id, ref, accountNo }
 *   GET  /customers/:ref/contracts    → { data: [{ id, number, service, title, status, monthlyAmount, startedOn }] } | 404
 *   GET  /customers/:ref/bills?status=open|paid → { data: [bill] } | 404   bill = { id, number, customerRef, contractId, description,
 *                                     period, amount, openAmount, dueOn, status, paymentId, issuedAt, paidAt }
 *   GET  /bills/:id                   → bill | 404
 *   POST /payments                    { idempotencyKey, billId, amount: { amount, currency }, reference, paidAt }
 *                                     → 201 new | 200 replay (same key, same contents) | 409 idempotency_key_reused
 *                                     | 422 amount_mismatch, bill_already_paid | 404 not_found
 *   POST /_admin/outage               { down, mode?: 'error'|'hang', latencyMs?, lateReplyMs? } → the switch's state
 *   GET  /_admin/outage               the switch's state
 * While down every other route answers 503 { error: { code: 'unavailable' } } (mode error) or gives no answer
 * until the caller gives up or the outage ends (mode hang).
 */
import type { Db } from '../../platform/db/db.ts';
import type { FieldCipher } from '../../platform/crypto.ts';
import { createInternalAccounting } from './internal-accounting.service.ts';
import { internalAccountingRoutes, OutageSwitch } from './internal-accounting.routes.ts';

export { OutageSwitch, type OutageState, type OutageMode } from './internal-accounting.routes.ts';
export type { InternalAccounting, IaBill, IaContract, IaPayment } from './internal-accounting.service.ts';

export interface InternalAccountingSystemOptions {
  db: Db;
  apiKey: string;
  /** Currency of the demo bills. */
  currency: string;
  cipher?: FieldCipher;
}

export function createInternalAccountingSystem(opts: InternalAccountingSystemOptions) {
  const service = createInternalAccounting({ db: opts.db, currency: opts.currency, cipher: opts.cipher });
  const outage = new OutageSwitch();
  return { service, outage, plugin: internalAccountingRoutes({ service, apiKey: opts.apiKey, outage }) };
}
export type InternalAccountingSystem = ReturnType<typeof createInternalAccountingSystem>;
