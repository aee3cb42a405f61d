/**
 * The guarded gateway between the public side and the company's internal systems, the connector to the
 * internal accounting system, and the durable posting of bill payments (an outbox).
 *
 *   // any call on behalf of a customer (personal area, bots):
 *   const bills = await gateway.call({ customerId, op: 'listBills', ip }, (signal) => accounting.listBills(customerId, 'open', signal));
 *
 *   // paying a bill, inside the transaction that debits the wallet:
 *   await enqueueBillPosting(trx, { id: newId('bpy'), customerId, billId, amount, currency, reference });
 *   events.on('bill_posting.failed', (trx, e) => refund the wallet)   // the system refused it for good
 *
 * Errors from gateway.call: 429 rate_limited { reason, retryAfterSeconds }, 503 upstream_unavailable
 * { reason: 'breaker_open' | 'concurrency_global', retryAfterSeconds } or the system is down, 504 upstream_timeout,
 * and the system's own refusals: 404 not_found, 409 conflict, 422 unprocessable, 400 bad_request.
 */
export { Gateway, createGateway, type GatewayDeps, type GatewayScope, type GatewaySettings, type GatewayMetrics, type RejectReason, type BreakerState } from './gateway.ts';
export {
  HttpAccountingConnector, isPermanentRefusal, isTransientUpstream,
  type AccountingConnector, type AccountingCustomer, type Bill, type Contract, type InternalPayment, type PostPaymentInput, type Money, type HttpConnectorOptions,
} from './connector.ts';
export {
  createBillPostingsService, enqueueBillPosting, BILL_POSTINGS_QUEUE, BILL_POSTING_JOB, BILL_POSTING_MAX_ATTEMPTS,
  type BillPostingsService, type BillPostingsDeps, type EnqueueBillPostingInput, type BillPosting, type BillPostingHistory,
} from './bill-postings.service.ts';
export { BILL_POSTING_TRANSITIONS, type BillPostingStatus } from './bill-postings.states.ts';
export { gatewayRoutes, postingJson, PostingBody } from './gateway.routes.ts';
