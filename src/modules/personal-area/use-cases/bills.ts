import type { Sql } from '../../../platform/db/db.ts';
import { AppError, isAppError, notFound } from '../../../platform/errors.ts';
import { newId } from '../../../platform/ids.ts';
import { raiseAlert } from '../../../platform/alerts.ts';
import { assertTransition } from '../../../platform/states.ts';
import { enqueueBillPosting, isTransientUpstream, type Bill, type BillPosting } from '../../gateway/index.ts';
import { GatewayRefused, GatewayUnavailable } from '../../payments/index.ts';
import type { PersonalAreaDeps } from '../personal-area.deps.ts';
import type { Caller, PersonalAreaCore } from '../personal-area.core.ts';
import { BILL_PAYMENT_TRANSITIONS } from '../personal-area.states.ts';
import * as repo from '../personal-area.repo.ts';
import type { Leg } from '../../ledger/index.ts';

/** In the failure reason of a card payment whose captured amount did not match the bill: the money is in the wallet. */
const CREDITED_INSTEAD = 'credited to the wallet instead';

export interface BillView { id: string; contractId: string | null; description: string; amount: { amount: number; currency: string }; dueDate: string; status: 'open' | 'paid' }

const billView = (b: Bill): BillView => ({
  id: b.id, contractId: b.contractId, description: b.description,
  amount: b.status === 'open' ? { amount: b.openAmount.amount, currency: b.openAmount.currency } : { amount: b.amount.amount, currency: b.amount.currency },
  dueDate: b.dueOn, status: b.status,
});

type PostingStatus = BillPosting['status'];
function paymentView(p: repo.BillPaymentRow, posting?: PostingStatus, checkoutUrl?: string) {
  const status = p.status === 'queued' && posting === 'posted' ? 'posted' as const : p.status;
  return {
    id: p.id, billId: p.billId, description: p.description, amount: { amount: p.amount, currency: p.currency }, method: p.method, status,
    transactionId: p.transferId, refundTransactionId: p.refundTransferId, createdAt: p.createdAt,
    ...(checkoutUrl && p.paymentId ? { payment: { id: p.paymentId, checkoutUrl } } : {}),
  };
}

/**
 * Bills of the company's internal accounting system, reached only through the guarded gateway, and paying
 * them: from the wallet (one transaction: ledger debit wallet → bills_clearing with client id `bill:<billId>`
 * + the bill posting in the outbox) or by card (payment purpose 'bill': on capture, the card money is credited
 * to the wallet and paid on exactly as above, in the webhook's transaction). The outbox's job posts to the
 * internal system (retries across an outage, idempotency key = the posting id); a permanent refusal emits
 * 'bill_posting.failed' and the wallet is refunded in that same transaction.
 */
export function bills(d: PersonalAreaDeps, k: PersonalAreaCore) {
  const cacheMs = (d.settings.billCacheHours ?? 24) * 3_600_000;

  /** The customer's key in the internal system: enrolled on first use (ref = the customer id), then remembered. */
  async function externalRef(c: Caller): Promise<string> {
    const customerId = c.auth.customerId;
    const cust = await d.customers.getCustomer(customerId);
    if (!cust) throw notFound('customer');
    if (cust.externalRef) return cust.externalRef;
    const enrolled = await d.gateway.call({ customerId, op: 'enrolCustomer', ip: c.ip ?? undefined },
      (signal) => d.accounting.enrolCustomer(customerId, { email: cust.email, ...(cust.name ? { name: cust.name } : {}) }, signal));
    await d.customers.setExternalRef(customerId, enrolled.ref);
    return enrolled.ref;
  }

  async function list(c: Caller, status?: 'open' | 'paid'): Promise<BillView[]> {
    const ref = await externalRef(c);
    const found = await d.gateway.call({ customerId: c.auth.customerId, op: 'listBills', ip: c.ip ?? undefined }, (signal) => d.accounting.listBills(ref, status, signal));
    const views = found.filter((b) => b.customerRef === ref).map(billView);
    await repo.rememberBills(d.db, c.auth.customerId, views.map((b) => ({ id: b.id, contractId: b.contractId, description: b.description, amount: b.amount.amount, currency: b.amount.currency, dueOn: b.dueDate, status: b.status })));
    return views;
  }

  /**
   * The bill to pay, checked to be this customer's. While the internal system cannot be reached, a bill the
   * customer was shown recently is taken from what they saw (the posting waits in the outbox; the system
   * checks it when it is back and a refusal refunds the wallet).
   */
  async function billFor(c: Caller, billId: string): Promise<{ id: string; description: string; amount: number; currency: string; status: 'open' | 'paid' }> {
    const customerId = c.auth.customerId;
    let ref: string | null = null;
    try {
      ref = await externalRef(c);
      const b = await d.gateway.call({ customerId, op: 'getBill', ip: c.ip ?? undefined }, (signal) => d.accounting.getBill(billId, signal));
      if (b.customerRef !== ref) throw k.foreign(c, 'bill', billId);
      return { id: b.id, description: b.description, amount: b.openAmount.amount, currency: b.openAmount.currency, status: b.status };
    } catch (err) {
      if (isAppError(err) && err.code === 'not_found') {
        if (err.details?.upstreamStatus === 404) throw notFound('bill'); // the system has no such bill
        throw err;
      }
      if (!isTransientUpstream(err)) throw err;
      const seen = await repo.seenBill(d.db, billId);
      if (!seen) throw err;
      if (seen.customerId !== customerId) throw k.foreign(c, 'bill', billId);
      if (d.clock.now().getTime() - seen.seenAt.getTime() > cacheMs) throw err;
      d.log.info({ billId, customerId }, 'internal system unreachable: paying a bill the customer was shown recently; the posting waits in the outbox');
      return { id: seen.billId, description: seen.description, amount: seen.amount, currency: seen.currency, status: seen.status === 'paid' ? 'paid' : 'open' };
    }
  }

  /** Debit the wallet and queue the posting (inside the caller's transaction). */
  async function debitAndQueue(trx: Sql, p: repo.BillPaymentRow, actor: string, before: Leg[] = []): Promise<string> {
    const wallet = await k.walletIn(trx, p.customerId, p.currency);
    const clearing = await k.systemIn(trx, 'bills_clearing', p.currency);
    // one linked call: the ledger locks every account of the group once, in its sorted order
    const posted = await d.ledger.transferIn(trx, [...before, {
      id: p.clientId, debitAccountId: wallet.id, creditAccountId: clearing, amount: p.amount, currency: p.currency, kind: 'bill_payment',
      description: `Bill: ${p.description}`.slice(0, 200), metadata: { reference: p.id, billId: p.billId },
    }]);
    const t = posted[posted.length - 1];
    await repo.updateBillPayment(trx, p.id, { status: 'queued', transferId: t.id });
    await enqueueBillPosting(trx, { id: p.id, customerId: p.customerId, billId: p.billId, amount: p.amount, currency: p.currency, reference: t.id, actor });
    return t.id;
  }

  async function pay(c: Caller, billId: string, body: { method: 'wallet' } | { method: 'gateway'; gateway: string }) {
    const customerId = c.auth.customerId;
    const bill = await billFor(c, billId);
    const live = await repo.liveBillPayment(d.db, billId);
    let replace: repo.BillPaymentRow | null = null; // a card attempt the wallet payment takes over from
    if (live) {
      if (live.customerId !== customerId) throw k.foreign(c, 'bill', billId);
      if (live.status === 'awaiting_payment' && body.method === 'wallet') {
        replace = live;
      } else {
        let checkoutUrl: string | undefined;
        if (live.status === 'awaiting_payment' && live.paymentId) checkoutUrl = (await d.payments.get(live.paymentId))?.checkoutUrl ?? undefined;
        const existing = await view(live, checkoutUrl);
        if (existing.status === 'posted') throw new AppError('conflict', 'this bill is already paid', { billPaymentId: live.id });
        return { created: false, payment: existing }; // paying the same bill again while it is on its way finds the first payment (with its checkout link)
      }
    }
    if (bill.status !== 'open') throw new AppError('conflict', 'this bill is already paid');
    if (!Number.isSafeInteger(bill.amount) || bill.amount <= 0) throw new AppError('unprocessable', 'this bill has nothing left to pay');
    const accounts = await k.accountsOf(customerId);
    if (!accounts.some((a) => a.code === 'wallet' && a.currency === bill.currency && a.status === 'open')) {
      throw new AppError('unprocessable', `this bill is in ${bill.currency}; your wallet is in ${accounts.map((a) => a.currency).join(', ')}`);
    }
    d.customers.requireStepUp(c.auth, 'payment', { amountMinor: bill.amount });
    const actor = `customer:${customerId}`;
    const id = newId('bpy');

    if (body.method === 'wallet') {
      const out = await d.db.tx(async (trx) => {
        // an abandoned card attempt: failed and voided at the gateway in this transaction (a late capture of it is refunded)
        if (replace) await abandonCard(trx, replace.id, 'replaced by a payment from the wallet', actor);
        const clientId = await clientIdFor(trx, billId);
        const row = await repo.insertBillPayment(trx, { id, customerId, billId, description: bill.description, amount: bill.amount, currency: bill.currency, method: 'wallet', status: 'queued', clientId });
        if (!row) return null; // a concurrent request paid it first
        await repo.addHistory(trx, id, null, 'queued', actor, 'paid from the wallet');
        await debitAndQueue(trx, row, actor); // insufficient_funds → the whole transaction rolls back: nothing queued
        return row.id;
      });
      d.wake?.();
      const p = await repo.getBillPayment(d.db, out ?? (await repo.liveBillPayment(d.db, billId))?.id ?? id);
      if (!p) throw notFound('bill payment');
      return { created: out !== null, payment: await view(p) };
    }

    // by card: the payment (purpose 'bill') is captured first, then paid on from the wallet in the webhook's transaction
    const customer = await d.customers.getCustomer(customerId);
    if (!customer) throw notFound('customer');
    const paymentId = await d.db.tx(async (trx) => {
      const clientId = await clientIdFor(trx, billId);
      const row = await repo.insertBillPayment(trx, { id, customerId, billId, description: bill.description, amount: bill.amount, currency: bill.currency, method: 'gateway', status: 'awaiting_payment', clientId });
      if (!row) throw new AppError('conflict', 'this bill is being paid already');
      await repo.addHistory(trx, id, null, 'awaiting_payment', actor, `by card (${body.gateway})`);
      const pid = await d.payments.createPending(trx, { orderId: id, purpose: 'bill', amount: bill.amount, currency: bill.currency, gateway: body.gateway, actor });
      await repo.updateBillPayment(trx, id, { status: 'awaiting_payment', paymentId: pid });
      return pid;
    });
    try {
      const opened = await d.payments.openAtGateway({
        paymentId, orderId: id, amount: bill.amount, currency: bill.currency, gateway: body.gateway, email: customer.email,
        description: `Bill ${bill.description}`.slice(0, 200), returnUrl: `${d.settings.publicUrl}/account/bills`, captureMethod: 'automatic',
      });
      const p = (await repo.getBillPayment(d.db, id))!;
      return { created: true, payment: await view(p, opened.checkoutUrl) };
    } catch (err) {
      d.log.error({ err, billPaymentId: id }, 'gateway could not open the bill payment');
      await d.db.tx(async (trx) => {
        await d.payments.markOpenFailed(trx, paymentId, 'gateway could not open the payment');
        await failCard(trx, id, 'the payment gateway could not open the payment', 'system');
      });
      if (err instanceof GatewayUnavailable || err instanceof GatewayRefused || err instanceof TypeError) {
        throw new AppError('gateway_unavailable', 'the payment gateway is unavailable, please try again');
      }
      throw err;
    }
  }

  /** `bill:<billId>`: paying the same bill twice is one debit; after a refunded/failed attempt the next one is a new transfer. */
  async function clientIdFor(trx: Sql, billId: string): Promise<string> {
    const n = await repo.endedAttempts(trx, billId);
    return n === 0 ? `bill:${billId}` : `bill:${billId}:${n + 1}`;
  }

  async function view(p: repo.BillPaymentRow, checkoutUrl?: string) {
    const posting = p.status === 'queued' ? (await d.billPostings.getPosting(p.id))?.status : undefined;
    return paymentView(p, posting, checkoutUrl);
  }

  async function listPayments(customerId: string, opts: { limit?: number; before?: string } = {}) {
    const rows = await repo.listBillPayments(d.db, customerId, Math.min(Math.max(opts.limit ?? 50, 1), 200), opts.before ?? null);
    const postings = rows.some((r) => r.status === 'queued') ? await d.billPostings.listPostings(customerId, { limit: 200 }) : [];
    const status = new Map(postings.map((p) => [p.id, p.status]));
    return rows.map((r) => paymentView(r, status.get(r.id)));
  }

  async function getPayment(c: Caller, id: string) {
    const p = await repo.getBillPayment(d.db, id);
    if (!p) throw notFound('bill payment');
    if (p.customerId !== c.auth.customerId) throw k.foreign(c, 'bill payment', id);
    return view(p);
  }

  /**
   * Gives up on a card attempt still awaiting payment (inside the caller's transaction): the bill payment fails and the
   * gateway is asked to void the payment (a job). Should the card be captured after all, onCardCaptured finds the bill
   * payment failed and refunds the card.
   */
  async function abandonCard(trx: Sql, id: string, reason: string, actor: string): Promise<boolean> {
    const p = await repo.getBillPayment(trx, id, true);
    if (!p || p.status !== 'awaiting_payment') return false;
    await failCard(trx, id, reason, actor);
    if (p.paymentId) await d.payments.request(trx, 'void', p.paymentId, `bill payment ${p.id}: ${reason}`);
    return true;
  }

  /**
   * The sweep: card attempts awaiting payment for longer than settings.cardAttemptTtlMinutes (default 30) are failed
   * and voided at the gateway, so an abandoned checkout does not block its bill. Returns how many were failed.
   */
  async function expireCardAttempts(now: Date = d.clock.now(), limit = 100): Promise<number> {
    const ttlMs = (d.settings.cardAttemptTtlMinutes ?? 30) * 60_000;
    const stale = await repo.staleCardAttempts(d.db, new Date(now.getTime() - ttlMs), limit);
    let n = 0;
    for (const id of stale) {
      if (await d.db.tx((trx) => abandonCard(trx, id, 'the card payment was not completed in time', 'system:sweep'))) n++;
    }
    if (n > 0) d.wake?.();
    return n;
  }

  async function failCard(trx: Sql, id: string, reason: string, actor: string): Promise<void> {
    const p = await repo.getBillPayment(trx, id, true);
    if (!p || p.status !== 'awaiting_payment') return;
    assertTransition('bill payment', BILL_PAYMENT_TRANSITIONS, p.status, 'failed');
    await repo.updateBillPayment(trx, id, { status: 'failed', failureReason: reason });
    await repo.addHistory(trx, id, p.status, 'failed', actor, reason);
  }

  /** Card payment of a bill captured (webhook transaction): card money → wallet → bills_clearing + posting, one commit. */
  async function onCardCaptured(trx: Sql, e: { paymentId: string; orderId: string; amount: number; currency: string; actor: string }): Promise<void> {
    const p = await repo.getBillPayment(trx, e.orderId, true);
    if (!p) {
      await raiseAlert(trx, { severity: 'critical', kind: 'bill_payment.unknown', message: `Payment ${e.paymentId} captured for an unknown bill payment ${e.orderId}`, subjectId: e.paymentId });
      return;
    }
    if (p.status !== 'awaiting_payment') {
      if (p.status !== 'queued') {
        await raiseAlert(trx, { severity: 'critical', kind: 'bill_payment.late_capture', message: `Bill payment ${p.id} is ${p.status} but its card payment ${e.paymentId} was captured; refunding`, subjectId: p.id });
        await d.payments.request(trx, 'refund', e.paymentId, `late capture for ${p.status} bill payment ${p.id}`);
      }
      return;
    }
    if (e.currency !== p.currency || !Number.isSafeInteger(e.amount) || e.amount <= 0) {
      await failCard(trx, p.id, `captured ${e.amount} ${e.currency}, expected ${p.amount} ${p.currency}`, e.actor);
      await raiseAlert(trx, { severity: 'critical', kind: 'bill_payment.currency_mismatch', message: `Bill payment ${p.id}: captured ${e.amount} ${e.currency}, expected ${p.currency}; refunding`, subjectId: p.id });
      await d.payments.request(trx, 'refund', e.paymentId, `currency mismatch on bill payment ${p.id}`);
      return;
    }
    const wallet = await k.walletIn(trx, p.customerId, p.currency);
    const clearing = await k.systemIn(trx, 'gateway_clearing', p.currency);
    const credit: Leg = {
      id: `billcard:${p.id}`, debitAccountId: clearing, creditAccountId: wallet.id, amount: e.amount, currency: p.currency, kind: 'topup',
      description: 'Card payment for a bill', metadata: { reference: p.id, paymentId: e.paymentId, billId: p.billId },
    };
    if (e.amount !== p.amount) {
      // the money stays in the wallet (never lost); the bill is not paid with a different amount
      await d.ledger.transferIn(trx, [credit]);
      await failCard(trx, p.id, `captured ${e.amount}, the bill is ${p.amount}: ${CREDITED_INSTEAD}`, e.actor);
      await raiseAlert(trx, { severity: 'warning', kind: 'bill_payment.amount_mismatch', message: `Bill payment ${p.id}: captured ${e.amount} ${e.currency} instead of ${p.amount}; credited to the wallet, the bill is left open`, subjectId: p.id });
      return;
    }
    assertTransition('bill payment', BILL_PAYMENT_TRANSITIONS, p.status, 'queued');
    await repo.addHistory(trx, p.id, p.status, 'queued', e.actor, `card payment ${e.paymentId} captured`);
    await debitAndQueue(trx, p, e.actor, [credit]); // card money → wallet → bills_clearing: one linked group
  }

  /** The internal system refused the posting for good (inside that transaction): the wallet gets the money back. */
  async function onPostingFailed(trx: Sql, e: { postingId: string; customerId: string; billId: string; amount: number; currency: string; reason: string; actor: string }): Promise<void> {
    const p = await repo.getBillPayment(trx, e.postingId, true);
    if (!p) return; // not paid through the personal area
    if (p.status !== 'queued') return; // refunded already
    const wallet = await k.walletIn(trx, p.customerId, p.currency);
    const clearing = await k.systemIn(trx, 'bills_clearing', p.currency);
    const [t] = await d.ledger.transferIn(trx, [{
      id: `refund:${p.id}`, debitAccountId: clearing, creditAccountId: wallet.id, amount: p.amount, currency: p.currency, kind: 'refund',
      description: `Refund: the bill payment was refused (${e.reason})`.slice(0, 200), metadata: { reference: p.id, billId: p.billId },
    }]);
    assertTransition('bill payment', BILL_PAYMENT_TRANSITIONS, p.status, 'refunded');
    await repo.updateBillPayment(trx, p.id, { status: 'refunded', refundTransferId: t.id, failureReason: e.reason });
    await repo.addHistory(trx, p.id, 'queued', 'refunded', e.actor, e.reason);
  }

  /**
   * The gateway gave a bill's card money back to the card (refund / chargeback; the webhook's transaction). When that
   * money had reached the wallet (captured and paid on, or credited after an amount mismatch), it is taken back from
   * the wallet (client id `bill-refund:<id>`), any shortfall from suspense, and staff get a critical alert: a bill
   * already forwarded was paid to the company while the money went back to the card.
   */
  async function onCardRefunded(trx: Sql, e: { paymentId: string; orderId: string; actor: string }): Promise<void> {
    const p = await repo.getBillPayment(trx, e.orderId, true);
    if (!p) return;
    const credited = p.status === 'queued' || p.status === 'refunded' || (p.status === 'failed' && await repo.hasHistory(trx, p.id, 'failed', CREDITED_INSTEAD));
    if (!credited) return; // the card money never reached the wallet (our own refund of a late or mismatched capture)
    const [pay] = (await d.payments.listForOrder(trx, p.id)).filter((x) => x.id === e.paymentId);
    const amount = pay?.capturedAmount ?? p.amount;
    const { fromWallet, fromSuspense } = await k.clawBack(trx, {
      customerId: p.customerId, currency: p.currency, amount, clientId: `bill-refund:${p.id}`,
      description: 'Card payment for a bill refunded by the gateway', metadata: { reference: p.id, billId: p.billId, paymentId: e.paymentId },
    });
    await repo.addHistory(trx, p.id, p.status, p.status, e.actor, `card payment ${e.paymentId} refunded at the gateway: ${fromWallet} from the wallet, ${fromSuspense} from suspense`);
    await raiseAlert(trx, {
      severity: 'critical', kind: 'bill_payment.card_refunded', subjectId: p.id,
      details: { paymentId: e.paymentId, customerId: p.customerId, billId: p.billId, status: p.status, amount, currency: p.currency, fromWallet, fromSuspense },
      message: `Bill payment ${p.id} (${p.status}): its card payment ${e.paymentId} was refunded/charged back at the gateway; ${fromWallet} ${p.currency} taken back from the wallet`
        + (fromSuspense > 0 ? `, ${fromSuspense} from suspense — recover it from customer ${p.customerId}` : '')
        + (p.status === 'queued' ? `; bill ${p.billId} was paid to the company with that money` : ''),
    });
  }

  function register(): void {
    d.events.on('bill_posting.failed', (trx, e) => onPostingFailed(trx, e));
    d.events.on('payment.refunded', async (trx, e) => {
      if (e.purpose === 'bill') await onCardRefunded(trx, e);
    });
    d.events.on('payment.captured', async (trx, e) => {
      if (e.purpose === 'bill') await onCardCaptured(trx, e);
    });
    d.events.on('payment.authorized', async (trx, e) => {
      if (e.purpose !== 'bill') return;
      const p = await repo.getBillPayment(trx, e.orderId, true);
      if (p?.status === 'awaiting_payment') await d.payments.request(trx, 'capture', e.paymentId, `bill payment ${p.id}`);
      else await d.payments.request(trx, 'void', e.paymentId, `bill payment ${e.orderId} is ${p?.status ?? 'unknown'}`);
    });
    d.events.on('payment.failed', async (trx, e) => {
      if (e.purpose === 'bill') await failCard(trx, e.orderId, `card payment failed: ${e.reason}`, e.actor);
    });
    d.events.on('payment.voided', async (trx, e) => {
      if (e.purpose === 'bill') await failCard(trx, e.orderId, 'card payment voided', e.actor);
    });
  }

  return { list, pay, listPayments, getPayment, register, externalRef, expireCardAttempts };
}
