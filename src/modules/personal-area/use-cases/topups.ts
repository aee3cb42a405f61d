import type { Sql } from '../../../platform/db/db.ts';
import { AppError, notFound } from '../../../platform/errors.ts';
import { newId } from '../../../platform/ids.ts';
import { raiseAlert } from '../../../platform/alerts.ts';
import { assertTransition } from '../../../platform/states.ts';
import { GatewayRefused, GatewayUnavailable } from '../../payments/index.ts';
import type { PersonalAreaDeps } from '../personal-area.deps.ts';
import type { Caller, PersonalAreaCore } from '../personal-area.core.ts';
import { TOPUP_TRANSITIONS } from '../personal-area.states.ts';
import * as repo from '../personal-area.repo.ts';

const view = (t: repo.Topup) => ({
  id: t.id, status: t.status, amount: { amount: t.capturedAmount ?? t.amount, currency: t.currency }, transactionId: t.transferId, createdAt: t.createdAt,
});

/**
 * Wallet top-ups through a payment gateway.
 *
 *   create: tx { top-up row (pending) + payment (purpose 'topup') } → the gateway opens the payment (outside the tx)
 *   the gateway's capture webhook → payments emits 'payment.captured' inside the webhook's transaction →
 *   onCaptured: under the top-up's row lock, pending → completed and ledger.transferIn(gateway_clearing → wallet,
 *   client id `topup:<id>`) in that same commit. Exactly once: the inbox stores each event once, the payment moves
 *   to captured once, the top-up is checked under its lock, and the ledger client id would replay, not repeat.
 */
export function topups(d: PersonalAreaDeps, k: PersonalAreaCore) {
  const min = d.settings.topupMinMinor ?? 100;
  const max = d.settings.topupMaxMinor ?? 1_000_000;

  async function create(c: Caller, input: { amount: { amount: number; currency: string }; gateway: string }) {
    const customerId = c.auth.customerId;
    const { amount, currency } = input.amount;
    if (!Number.isSafeInteger(amount) || amount < min || amount > max) {
      throw new AppError('validation_failed', `a top-up is between ${min} and ${max} minor units`);
    }
    const accounts = await k.accountsOf(customerId);
    const wallet = accounts.find((a) => a.code === 'wallet' && a.currency === currency);
    if (!wallet) throw new AppError('unprocessable', `your wallet is in ${accounts.map((a) => a.currency).join(', ')}; top up in that currency`);
    if (wallet.status !== 'open') throw new AppError('unprocessable', 'this wallet is closed');
    const customer = await d.customers.getCustomer(customerId);
    if (!customer) throw notFound('customer');
    const id = newId('top');
    const paymentId = await d.db.tx(async (trx) => {
      await repo.insertTopup(trx, { id, customerId, accountId: wallet.id, amount, currency, gateway: input.gateway });
      await repo.addHistory(trx, id, null, 'pending', `customer:${customerId}`, null);
      // throws unprocessable (422) for a gateway that is not configured: nothing is written
      const pid = await d.payments.createPending(trx, { orderId: id, purpose: 'topup', amount, currency, gateway: input.gateway, actor: `customer:${customerId}` });
      await repo.setTopupPayment(trx, id, pid);
      return pid;
    });
    try {
      const opened = await d.payments.openAtGateway({
        paymentId, orderId: id, amount, currency, gateway: input.gateway, email: customer.email,
        description: `Wallet top-up ${id}`, returnUrl: `${d.settings.publicUrl}/account/topups/${id}`,
        captureMethod: d.settings.topupCaptureMethod ?? 'automatic',
      });
      return { id, status: 'pending' as const, payment: { id: paymentId, checkoutUrl: opened.checkoutUrl } };
    } catch (err) {
      d.log.error({ err, topupId: id }, 'gateway could not open the top-up payment');
      await d.db.tx(async (trx) => {
        await d.payments.markOpenFailed(trx, paymentId, 'gateway could not open the payment');
        await fail(trx, id, 'the payment gateway could not open the payment', 'system');
      });
      if (err instanceof GatewayUnavailable || err instanceof GatewayRefused || err instanceof TypeError) {
        throw new AppError('gateway_unavailable', 'the payment gateway is unavailable, please try again');
      }
      throw err;
    }
  }

  async function get(c: Caller, id: string) {
    const t = await repo.getTopup(d.db, id);
    if (!t) throw notFound('top-up');
    if (t.customerId !== c.auth.customerId) throw k.foreign(c, 'top-up', id);
    return view(t);
  }

  async function list(customerId: string, opts: { limit?: number; before?: string } = {}) {
    const rows = await repo.listTopups(d.db, customerId, Math.min(Math.max(opts.limit ?? 50, 1), 200), opts.before ?? null);
    return rows.map(view);
  }

  async function fail(trx: Sql, id: string, reason: string, actor: string): Promise<void> {
    const t = await repo.getTopup(trx, id, true);
    if (!t || t.status !== 'pending') return;
    assertTransition('top-up', TOPUP_TRANSITIONS, t.status, 'failed');
    await repo.failTopup(trx, id, reason);
    await repo.addHistory(trx, id, 'pending', 'failed', actor, reason);
  }

  /** Inside the webhook's transaction: credit the wallet once, with what was captured. */
  async function onCaptured(trx: Sql, e: { paymentId: string; orderId: string; amount: number; currency: string; actor: string }): Promise<void> {
    const t = await repo.getTopup(trx, e.orderId, true);
    if (!t) {
      await raiseAlert(trx, { severity: 'critical', kind: 'topup.unknown', message: `Payment ${e.paymentId} captured for an unknown top-up ${e.orderId}`, subjectId: e.paymentId });
      return;
    }
    if (t.status === 'completed') return; // already credited (a replayed event)
    if (t.status === 'failed') {
      // the gateway took the money after we gave up on it: give it back rather than keep it unaccounted
      await raiseAlert(trx, { severity: 'critical', kind: 'topup.late_capture', message: `Top-up ${t.id} captured after it failed; refunding payment ${e.paymentId}`, subjectId: t.id, details: { paymentId: e.paymentId } });
      await d.payments.request(trx, 'refund', e.paymentId, `late capture of failed top-up ${t.id}`);
      return;
    }
    if (e.currency !== t.currency) {
      await fail(trx, t.id, `captured in ${e.currency}, the wallet is in ${t.currency}`, e.actor);
      await raiseAlert(trx, { severity: 'critical', kind: 'topup.currency_mismatch', message: `Top-up ${t.id}: the gateway captured ${e.amount} ${e.currency}, expected ${t.currency}; refunding`, subjectId: t.id, details: { paymentId: e.paymentId } });
      await d.payments.request(trx, 'refund', e.paymentId, `currency mismatch on top-up ${t.id}`);
      return;
    }
    if (!Number.isSafeInteger(e.amount) || e.amount <= 0) {
      await fail(trx, t.id, `captured amount ${e.amount} is not a positive amount`, e.actor);
      await raiseAlert(trx, { severity: 'critical', kind: 'topup.amount_invalid', message: `Top-up ${t.id}: the gateway reported a capture of ${e.amount}`, subjectId: t.id, details: { paymentId: e.paymentId } });
      return;
    }
    if (e.amount !== t.amount) {
      await raiseAlert(trx, {
        severity: 'warning', kind: 'topup.amount_mismatch', subjectId: t.id, details: { paymentId: e.paymentId, expected: t.amount, captured: e.amount, currency: t.currency },
        message: `Top-up ${t.id}: the gateway captured ${e.amount} ${e.currency} instead of ${t.amount}; the wallet is credited with what was captured`,
      });
    }
    const clearing = await k.systemIn(trx, 'gateway_clearing', t.currency);
    const [transfer] = await d.ledger.transferIn(trx, [{
      id: `topup:${t.id}`, debitAccountId: clearing, creditAccountId: t.accountId, amount: e.amount, currency: t.currency, kind: 'topup',
      description: `Top-up by card (${t.gateway})`, metadata: { reference: t.id, topupId: t.id, paymentId: e.paymentId },
    }]);
    assertTransition('top-up', TOPUP_TRANSITIONS, t.status, 'completed');
    await repo.completeTopup(trx, t.id, e.amount, transfer.id);
    await repo.addHistory(trx, t.id, 'pending', 'completed', e.actor, `payment ${e.paymentId} captured`);
  }

  /**
   * The gateway gave a completed top-up's money back to the card (refund or chargeback; inside the webhook's
   * transaction, under the top-up's lock): the wallet gives it back to gateway_clearing (client id
   * `topup-refund:<id>`); what the wallet no longer holds comes from suspense as a linked leg, with a critical alert.
   * Once per top-up: the top-up moves completed → refunded under its lock (a repeat finds it refunded), and the
   * ledger client ids would replay anyway.
   */
  async function onRefunded(trx: Sql, e: { paymentId: string; orderId: string; actor: string }): Promise<void> {
    const t = await repo.getTopup(trx, e.orderId, true);
    if (!t) {
      await raiseAlert(trx, { severity: 'critical', kind: 'topup.unknown', message: `Payment ${e.paymentId} refunded for an unknown top-up ${e.orderId}`, subjectId: e.paymentId });
      return;
    }
    if (t.status !== 'completed') return; // never credited (failed, late capture refunded by us): nothing to take back
    const amount = t.capturedAmount ?? t.amount;
    const { fromWallet, fromSuspense } = await k.clawBack(trx, {
      customerId: t.customerId, currency: t.currency, amount, clientId: `topup-refund:${t.id}`,
      description: `Top-up refunded by the gateway (${t.gateway})`, metadata: { reference: t.id, topupId: t.id, paymentId: e.paymentId },
    });
    assertTransition('top-up', TOPUP_TRANSITIONS, t.status, 'refunded');
    await repo.refundTopup(trx, t.id);
    await repo.addHistory(trx, t.id, 'completed', 'refunded', e.actor, `payment ${e.paymentId} refunded at the gateway: ${fromWallet} from the wallet, ${fromSuspense} from suspense`);
    await raiseAlert(trx, {
      severity: fromSuspense > 0 ? 'critical' : 'warning', kind: fromSuspense > 0 ? 'topup.refund_shortfall' : 'topup.refunded', subjectId: t.id,
      details: { paymentId: e.paymentId, customerId: t.customerId, amount, currency: t.currency, fromWallet, fromSuspense },
      message: fromSuspense > 0
        ? `Top-up ${t.id} was refunded/charged back at the gateway but the wallet held only ${fromWallet} of ${amount} ${t.currency}; ${fromSuspense} posted from suspense — recover it from customer ${t.customerId}`
        : `Top-up ${t.id} was refunded/charged back at the gateway; ${amount} ${t.currency} taken back from the wallet`,
    });
  }

  function register(): void {
    d.events.on('payment.refunded', async (trx, e) => {
      if (e.purpose === 'topup') await onRefunded(trx, e);
    });
    d.events.on('payment.captured', async (trx, e) => {
      if (e.purpose === 'topup') await onCaptured(trx, e);
    });
    // a gateway that authorizes first (manual capture): a top-up has nothing to decide, capture it
    d.events.on('payment.authorized', async (trx, e) => {
      if (e.purpose !== 'topup') return;
      const t = await repo.getTopup(trx, e.orderId, true);
      if (t?.status === 'pending') await d.payments.request(trx, 'capture', e.paymentId, `top-up ${t.id}`);
      else await d.payments.request(trx, 'void', e.paymentId, `top-up ${e.orderId} is ${t?.status ?? 'unknown'}`);
    });
    d.events.on('payment.failed', async (trx, e) => {
      if (e.purpose === 'topup') await fail(trx, e.orderId, `payment failed: ${e.reason}`, e.actor);
    });
    d.events.on('payment.voided', async (trx, e) => {
      if (e.purpose === 'topup') await fail(trx, e.orderId, 'payment voided', e.actor);
    });
  }

  return { create, get, list, onCaptured, onRefunded, register };
}
