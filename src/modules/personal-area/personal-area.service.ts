/**
 * The customer personal area (issue 4, parts 3–5 and 7): balances, history, live updates, receipts, top-ups,
 * bills of the internal accounting system, comments and feedback, payees and transfers between customers.
 *
 *   const pa = createPersonalAreaService(deps)   // registers its domain-event reactions
 *   app.register(personalAreaRoutes(pa, customerGuard))          // /v1/me/…, /v1/receipts/verify
 *   app.register(personalAreaAdminRoutes(pa, guards))            // /v1/admin/feedback…
 *   pa.close()                                                   // ends live streams (before app.close())
 *
 * Reactions (each inside the emitter's transaction):
 *   customer.created      → the wallet account (settings.walletCurrency) is opened in the sign-up transaction
 *   payment.captured      → purpose 'topup': credit the wallet once (topups.ts); purpose 'bill': card money → wallet → bill (bills.ts)
 *   payment.authorized / failed / voided (topup, bill) → capture / fail
 *   bill_posting.failed   → refund the wallet (a new transfer, kind 'refund')
 *
 * Ownership: every id a customer sends is checked against them; someone else's id gets exactly the answer of an
 * id that does not exist (404) and a 'not_found_foreign' signal to the security monitor.
 */
import type { PersonalAreaDeps } from './personal-area.deps.ts';
import { personalAreaCore, type Caller } from './personal-area.core.ts';
import { history } from './use-cases/history.ts';
import { topups } from './use-cases/topups.ts';
import { bills } from './use-cases/bills.ts';
import { feedback } from './use-cases/feedback.ts';
import { payees } from './use-cases/payees.ts';
import { receipts } from './receipts.ts';
import { LiveHub } from './live.ts';
import type { Txn } from './personal-area.schema.ts';
import { withIdempotency, type StoredResponse } from '../../platform/http/idempotency.ts';

export type { PersonalAreaDeps, PersonalAreaSettings } from './personal-area.deps.ts';

export function createPersonalAreaService(d: PersonalAreaDeps) {
  const k = personalAreaCore(d);
  const h = history(d, k);
  const top = topups(d, k);
  const bill = bills(d, k);
  const fb = feedback(d, k);
  const pay = payees(d, k);
  const rc = receipts(d, k);
  const hub = new LiveHub(d.db, d.log, d.ledger);

  d.events.on('customer.created', async (trx, e) => {
    await d.ledger.openAccountIn(trx, { ownerType: 'customer', ownerId: e.customerId, currency: d.settings.walletCurrency });
  });
  top.register();
  bill.register();

  /**
   * What a reconnecting stream missed: transfers after `lastEventId` (a transfer id this customer's stream sent)
   * on the customer's accounts, oldest first, at most 100. An unknown or foreign id replays nothing.
   */
  async function missedSince(customerId: string, accountIds: ReadonlySet<string>, lastEventId: string): Promise<Array<{ eventId: string; txn: Txn }>> {
    const last = await d.ledger.getTransfer(lastEventId).catch(() => null);
    if (!last || last.id !== lastEventId || (!accountIds.has(last.debitAccountId) && !accountIds.has(last.creditAccountId))) return [];
    const pages = await Promise.all([...accountIds].map((a) => d.ledger.listTransfers(a, { from: last.createdAt, order: 'asc', limit: 100 })));
    const after = [...new Map(pages.flatMap((p) => p.data).map((t) => [t.id, t])).values()]
      .filter((t) => t.createdAt.getTime() > last.createdAt.getTime() || (t.createdAt.getTime() === last.createdAt.getTime() && t.id > last.id))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1))
      .slice(0, 100);
    const out: Array<{ eventId: string; txn: Txn }> = [];
    for (const t of after) {
      const [txn] = await k.txns(customerId, accountIds, [t]);
      if (txn) out.push({ eventId: t.id, txn });
    }
    return out;
  }

  return {
    // balances and history
    accounts: h.accounts,
    listTransactions: h.listTransactions,
    getTransaction: h.getTransaction,
    accountsOf: k.accountsOf,
    accountView: k.accountView,
    /** The customer's view of these transfers (drops those not touching accountIds). */
    txns: k.txns,
    // receipts
    receipt: rc.issue,
    receiptHtml: rc.html,
    receiptPdf: rc.pdf,
    verifyReceipt: rc.verify,
    // top-ups
    createTopup: top.create,
    /** Idempotency-Key (Stripe semantics) for a customer's POST: the same key replays the first answer. */
    idempotent: (scope: string, key: string | undefined, request: unknown, run: () => Promise<StoredResponse>) => withIdempotency(d.db, scope, key, request, run),
    getTopup: top.get,
    listTopups: top.list,
    // bills
    listBills: bill.list,
    payBill: bill.pay,
    listBillPayments: bill.listPayments,
    getBillPayment: bill.getPayment,
    /** Sweep (app.ts, every 5 s): fails and voids card payments of bills abandoned for longer than cardAttemptTtlMinutes. */
    expireCardAttempts: bill.expireCardAttempts,
    // comments and feedback
    comment: fb.comment,
    createFeedback: fb.create,
    listFeedback: fb.list,
    getFeedback: fb.get,
    addFeedbackMessage: fb.addMessage,
    feedbackAdmin: fb.admin,
    // payees and transfers
    addPayee: pay.add,
    listPayees: pay.list,
    getPayee: pay.get,
    transfer: pay.transfer,
    // live updates
    live: hub,
    missedSince,
    /** Ends the live streams (call before closing the HTTP server: open streams would keep it waiting). */
    close: () => hub.close(),
  };
}
export type PersonalAreaService = ReturnType<typeof createPersonalAreaService>;
export type { Caller };
