import type { Db, Sql } from '../../platform/db/db.ts';
import type { Logger } from '../../platform/logger.ts';
import type { FieldCipher } from '../../platform/crypto.ts';
import { lockOrderScope, type DomainEvents } from '../../platform/events.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { randomToken, sha256Hex, safeEqual } from '../../platform/crypto.ts';
import { assertTransition } from '../../platform/states.ts';
import { raiseAlert } from '../../platform/alerts.ts';
import { enqueue } from '../../platform/jobs/queue.ts';
import { queueEmail } from '../../platform/notify/email.ts';
import { format } from '../../platform/money.ts';
import type { CatalogService } from '../catalog/index.ts';
import type { PaymentsService } from '../payments/index.ts';
import type { FulfilmentService } from '../fulfilment/index.ts';
import type { BlacklistService } from '../blacklist/index.ts';
import type { AutomationService } from '../automation/index.ts';
import { PlatformUnavailable, type PlatformDirectory } from '../platforms/directory.ts';
import { GatewayUnavailable, GatewayRefused } from '../payments/gateway.ts';
import { audit } from '../staff/index.ts';
import * as repo from './orders.repo.ts';
import type { Order, OrderLine } from './orders.repo.ts';
import { ORDER_TRANSITIONS, type OrderStatus } from './orders.states.ts';

export interface CreateOrderInput { email: string; items: Array<{ productId: string; quantity: number }>; platformUserId?: string; currency?: string; gateway?: string }
export interface RequestMeta { ip: string | null; userAgent: string | null }

export interface OrdersDeps {
  db: Db; log: Logger; events: DomainEvents; cipher: FieldCipher; catalog: CatalogService; payments: PaymentsService; fulfilment: FulfilmentService;
  blacklist: BlacklistService; automation: AutomationService; directories: Map<string, PlatformDirectory>;
  settings: { orderTtlSeconds: number; publicUrl: string; defaultCurrency: string; defaultGateway: string; captureMethod: 'automatic' | 'manual' };
}

export const EMAIL_JOB = { queue: 'notify', kind: 'notify.email' } as const;

export function createOrdersService(d: OrdersDeps) {
  const { db, log, events, catalog, payments, fulfilment, blacklist, automation } = d;

  /** The one way an order changes status: checked against the transition table, recorded in history. */
  async function move(trx: Sql, order: Order, to: OrderStatus, actor: string, reason: string | null, holdReason?: string): Promise<Order> {
    assertTransition('order', ORDER_TRANSITIONS, order.status, to);
    await repo.setStatus(trx, order.id, to, holdReason);
    await repo.insertHistory(trx, { orderId: order.id, from: order.status, to, actor, reason });
    return { ...order, status: to, holdReason: to === 'on_hold' ? holdReason ?? null : order.holdReason };
  }

  async function lockOrder(trx: Sql, orderId: string): Promise<Order> {
    await lockOrderScope(trx, orderId);
    const o = await repo.getOrder(trx, orderId, true);
    if (!o) throw new AppError('not_found', 'order not found');
    return o;
  }

  /** paid → fulfilling (unless automation is paused: then the order waits in paid until resume). */
  async function startFulfilmentIfRunning(trx: Sql, order: Order, actor: string): Promise<Order> {
    if (order.status !== 'paid') return order;
    if (await automation.isPaused(trx)) {
      log.info({ orderId: order.id }, 'automation paused: paid order waits');
      return order;
    }
    const moved = await move(trx, order, 'fulfilling', actor, 'automatic fulfilment');
    const lines = await repo.getLines(trx, order.id);
    await fulfilment.start(trx, order, lines.map((l) => ({ id: l.id, productId: l.productId, fulfilmentDriver: l.fulfilmentDriver, quantity: l.quantity, coins: l.coins })));
    return moved;
  }

  async function sendFulfilledEmail(trx: Sql, order: Order): Promise<void> {
    const lines = await repo.getLines(trx, order.id);
    const delivered = await fulfilment.deliveredFor(trx, order.id);
    const parts = lines.map((l) => {
      const f = delivered.find((x) => x.orderLineId === l.id);
      if (f?.delivered?.codes) return `${l.name} × ${l.quantity}:\n${f.delivered.codes.map((c) => `  ${c}`).join('\n')}`;
      if (f?.delivered?.coins) return `${l.name}: ${f.delivered.coins} coins sent to ${order.platformUserName ?? order.platformUserId}`;
      return `${l.name} × ${l.quantity}: delivered${f?.delivered?.note ? ` (${f.delivered.note})` : ''}`;
    });
    const text = `Thank you for your order ${order.id}.\n\n${parts.join('\n\n')}\n\nTotal paid: ${format({ amount: order.totalAmount, currency: order.currency })}\nOrder page: ${d.settings.publicUrl}/orders/${order.id}${order.clientSecretEnc ? `#secret=${encodeURIComponent(d.cipher.decrypt(order.clientSecretEnc))}` : ''}\n`;
    const messageId = await queueEmail(trx, { to: order.email, subject: `Your order ${order.id} is delivered`, text, subjectId: order.id });
    await enqueue(trx, { ...EMAIL_JOB, payload: { messageId }, dedupeKey: `email:fulfilled:${order.id}` });
  }

  // --- reactions to other modules' events (run inside their transaction, under the order lock) ---
  events.on('payment.captured', async (trx, e) => {
    const order = await lockOrder(trx, e.orderId);
    if (order.status !== 'pending_payment') {
      // Money arrived for an order that no longer takes it (expired, cancelled, or already paid by another payment): give it back.
      await raiseAlert(trx, { severity: 'warning', kind: 'payment.late_or_extra', message: `Payment ${e.paymentId} captured for order ${order.id} in status ${order.status}; refunding it`, subjectId: order.id, details: { paymentId: e.paymentId } });
      await payments.request(trx, 'refund', e.paymentId, `late payment for ${order.status} order`);
      return;
    }
    const paid = await move(trx, order, 'paid', e.actor, `payment ${e.paymentId} captured`);
    if (e.amount !== order.totalAmount || e.currency !== order.currency) {
      await move(trx, paid, 'on_hold', 'system', `amount_mismatch: paid ${e.amount} ${e.currency}, expected ${order.totalAmount} ${order.currency}`, 'amount_mismatch');
      await raiseAlert(trx, { severity: 'warning', kind: 'order.amount_mismatch', message: `Order ${order.id} paid ${e.amount} ${e.currency}, expected ${order.totalAmount} ${order.currency}`, subjectId: order.id });
      return;
    }
    await startFulfilmentIfRunning(trx, paid, 'system');
  });

  events.on('payment.authorized', async (trx, e) => {
    const order = await lockOrder(trx, e.orderId);
    if (order.status !== 'pending_payment') {
      await payments.request(trx, 'void', e.paymentId, `authorization for ${order.status} order`);
      return;
    }
    if (e.amount !== order.totalAmount || e.currency !== order.currency) {
      await raiseAlert(trx, { severity: 'warning', kind: 'order.amount_mismatch', message: `Authorization on order ${order.id} is ${e.amount} ${e.currency}, expected ${order.totalAmount} ${order.currency}; voided`, subjectId: order.id });
      await payments.request(trx, 'void', e.paymentId, 'amount_mismatch');
      return;
    }
    // Decision point for capture. The risk engine plugs in here; without it, a matching authorization is captured.
    await payments.request(trx, 'capture', e.paymentId, 'authorized amount matches order total');
  });

  events.on('payment.refunded', async (trx, e) => {
    const order = await lockOrder(trx, e.orderId);
    if (order.status === 'paid' || order.status === 'on_hold' || order.status === 'failed') {
      await move(trx, order, 'refunded', e.actor, `payment ${e.paymentId} refunded at the gateway`);
      await catalog.releaseKeys(trx, order.id);
    }
  });

  events.on('fulfilment.delivered', async (trx, e) => {
    const order = await lockOrder(trx, e.orderId);
    if (order.status !== 'fulfilling' && order.status !== 'failed') return;
    if (!(await fulfilment.allDelivered(trx, order.id))) return;
    let o = order;
    if (o.status === 'failed') o = await move(trx, o, 'fulfilling', e.actor, 'failed delivery completed by hand');
    const done = await move(trx, o, 'fulfilled', e.actor, 'all items delivered');
    await sendFulfilledEmail(trx, done);
  });

  events.on('fulfilment.failed', async (trx, e) => {
    const order = await lockOrder(trx, e.orderId);
    if (order.status !== 'fulfilling') return;
    await move(trx, order, 'failed', e.actor, `delivery failed: ${e.error}`);
    await raiseAlert(trx, { severity: 'critical', kind: 'order.fulfilment_failed', message: `Order ${order.id}: delivery failed after the last retry (${e.error})`, subjectId: order.id, details: { fulfilmentId: e.fulfilmentId } });
  });

  const service = {
    async create(input: CreateOrderInput, meta: RequestMeta) {
      const email = input.email.trim().toLowerCase();
      const currency = input.currency ?? d.settings.defaultCurrency;
      const gateway = input.gateway ?? d.settings.defaultGateway;
      const ids = input.items.map((i) => i.productId);
      if (new Set(ids).size !== ids.length) throw new AppError('validation_failed', 'each product may appear once; use quantity');

      const products = await catalog.getMany(ids);
      const lines = input.items.map((item) => {
        const p = products.find((x) => x.id === item.productId);
        if (!p || !p.active) throw new AppError('product_unavailable', `product ${item.productId} is not on sale`);
        const price = p.prices.find((x) => x.currency === currency);
        if (!price) throw new AppError('product_unavailable', `${p.name} is not sold in ${currency}`);
        if (item.quantity > p.maxQuantity) throw new AppError('validation_failed', `at most ${p.maxQuantity} of ${p.name} per order`);
        return { product: p, quantity: item.quantity, unitAmount: price.amount };
      });

      // A top-up needs a verified platform user id: no valid user, no order.
      const topups = lines.filter((l) => l.product.type === 'topup');
      const platforms = new Set(topups.map((l) => l.product.platform!));
      if (platforms.size > 1) throw new AppError('validation_failed', 'top-ups for different platforms need separate orders');
      let platform: string | null = null;
      let platformUser: { userId: string; displayName: string } | null = null;
      if (topups.length > 0) {
        platform = [...platforms][0];
        if (!input.platformUserId) throw new AppError('invalid_platform_user', `a ${platform} user id is required for this product`);
        platformUser = await service.verifyPlatformUser(platform, input.platformUserId);
      }

      const hit = await blacklist.match(db, { platformUserId: platformUser?.userId, email, ip: meta.ip });
      if (hit) {
        log.info({ blacklistId: hit.id }, 'order refused: blacklisted party');
        throw new AppError('blocked', 'this order cannot be accepted');
      }

      const total = lines.reduce((s, l) => s + l.unitAmount * l.quantity, 0);
      if (!Number.isSafeInteger(total)) throw new AppError('validation_failed', 'order total too large');
      const orderId = newId('ord');
      const clientSecret = `${orderId}_secret_${randomToken(24)}`;
      const paymentId = await db.tx(async (trx) => {
        await repo.insertOrder(trx, {
          id: orderId, status: 'pending_payment', email, platform, platformUserId: platformUser?.userId ?? null, platformUserName: platformUser?.displayName ?? null,
          currency, totalAmount: total, clientSecretHash: sha256Hex(clientSecret), clientSecretEnc: d.cipher.encrypt(clientSecret), ip: meta.ip, userAgent: meta.userAgent?.slice(0, 300) ?? null,
          expiresAt: new Date(Date.now() + d.settings.orderTtlSeconds * 1000),
        });
        await repo.insertHistory(trx, { orderId, from: null, to: 'pending_payment', actor: 'public', reason: 'order created' });
        for (const l of lines) {
          await repo.insertLine(trx, {
            id: newId('oln'), orderId, productId: l.product.id, sku: l.product.sku, name: l.product.name, type: l.product.type,
            fulfilmentDriver: l.product.fulfilmentDriver, coins: l.product.coins, quantity: l.quantity, unitAmount: l.unitAmount, currency, lineAmount: l.unitAmount * l.quantity,
          });
          if (l.product.fulfilmentDriver === 'key-stock') await catalog.reserveKeys(trx, l.product.id, l.quantity, orderId);
        }
        return payments.createPending(trx, { orderId, amount: total, currency, gateway, actor: 'public' });
      });

      let checkoutUrl: string;
      try {
        const opened = await payments.openAtGateway({
          paymentId, orderId, amount: total, currency, gateway, email, returnUrl: `${d.settings.publicUrl}/orders/${orderId}`, captureMethod: d.settings.captureMethod,
          description: lines.map((l) => `${l.product.name} × ${l.quantity}`).join(', '),
        });
        checkoutUrl = opened.checkoutUrl;
      } catch (err) {
        log.error({ err, orderId }, 'gateway could not open the payment; order cancelled');
        await db.tx(async (trx) => {
          const o = await lockOrder(trx, orderId);
          await payments.markOpenFailed(trx, paymentId, 'gateway could not open the payment');
          if (o.status === 'pending_payment') await move(trx, o, 'cancelled', 'system', 'payment gateway unavailable');
          await catalog.releaseKeys(trx, orderId);
        });
        if (err instanceof GatewayUnavailable || err instanceof GatewayRefused || err instanceof TypeError) {
          throw new AppError('gateway_unavailable', 'the payment gateway is unavailable, please try again');
        }
        throw err;
      }
      return { id: orderId, status: 'pending_payment' as const, total: { amount: total, currency }, clientSecret, payment: { id: paymentId, gateway, checkoutUrl } };
    },

    async verifyPlatformUser(platform: string, userId: string) {
      const dir = d.directories.get(platform);
      if (!dir) throw new AppError('invalid_platform_user', `unknown platform ${platform}`);
      let r;
      try {
        r = await dir.lookup(userId.trim());
      } catch (err) {
        if (err instanceof PlatformUnavailable) throw new AppError('service_unavailable', `${platform} cannot be reached to verify the user id, please try again`);
        throw err;
      }
      if (r.status === 'found') return r.user;
      if (r.status === 'malformed') throw new AppError('invalid_platform_user', `this is not a valid ${platform} user id: ${r.message}`);
      throw new AppError('invalid_platform_user', `no ${platform} user has the id ${userId.trim()}`);
    },

    /** Public read: only with the order's client secret. Unknown order and wrong secret look the same. */
    async getForBuyer(orderId: string, secret: string | null) {
      const o = await repo.getOrder(db, orderId);
      if (!o || !secret || !safeEqual(sha256Hex(secret), o.clientSecretHash)) throw new AppError('not_found', 'order not found');
      return service.view(o, false);
    },

    async getForStaff(orderId: string) {
      const o = await repo.getOrder(db, orderId);
      if (!o) throw new AppError('not_found', 'order not found');
      return service.view(o, true);
    },

    async view(o: Order, staff: boolean) {
      const [lines, pays, delivered, history] = await Promise.all([
        repo.getLines(db, o.id), payments.listForOrder(db, o.id), fulfilment.deliveredFor(db, o.id), repo.history(db, o.id),
      ]);
      const latest = pays[pays.length - 1] ?? null;
      const money = (amount: number) => ({ amount, currency: o.currency });
      return {
        id: o.id, status: o.status, email: o.email, platform: o.platform, platformUserId: o.platformUserId, platformUserName: o.platformUserName,
        total: money(o.totalAmount), holdReason: o.holdReason, createdAt: o.createdAt, expiresAt: o.expiresAt,
        lines: lines.map((l: OrderLine) => ({ id: l.id, productId: l.productId, name: l.name, type: l.type, quantity: l.quantity, coins: l.coins, unitPrice: money(l.unitAmount), lineTotal: money(l.lineAmount) })),
        payment: latest ? { id: latest.id, status: latest.status, gateway: latest.gateway, checkoutUrl: latest.status === 'pending' ? latest.checkoutUrl : null } : null,
        fulfilments: delivered.map((f) => ({ id: f.id, lineId: f.orderLineId, driver: f.driver, status: f.status, delivered: f.status === 'delivered' ? f.delivered : null, ...(staff ? { error: f.error, reference: f.reference, proof: f.proof, jobId: f.jobId } : {}) })),
        history,
        ...(staff ? { ip: o.ip, userAgent: o.userAgent, payments: pays.map((p) => ({ id: p.id, status: p.status, gateway: p.gateway, gatewayRef: p.gatewayRef, amount: { amount: p.amount, currency: p.currency }, captured: p.capturedAmount === null ? null : { amount: p.capturedAmount, currency: p.capturedCurrency! }, failureReason: p.failureReason, createdAt: p.createdAt })) } : {}),
      };
    },

    list: (f: { status?: string; q?: string; from?: string; to?: string; cursor?: string; limit: number }) =>
      repo.listOrders(db, { ...f, q: f.q?.trim() || undefined, before: f.cursor }),

    /** Expires unpaid orders past their time: codes go back to stock, open payments are voided. */
    async expireDue(limit = 200): Promise<number> {
      const ids = await repo.dueForExpiry(db, limit);
      let n = 0;
      for (const id of ids) {
        await db.tx(async (trx) => {
          const o = await lockOrder(trx, id);
          if (o.status !== 'pending_payment' || o.expiresAt.getTime() > Date.now()) return;
          await move(trx, o, 'expired', 'system', 'not paid in time');
          await catalog.releaseKeys(trx, o.id);
          for (const p of await payments.listForOrder(trx, o.id)) {
            if ((p.status === 'pending' || p.status === 'authorized') && p.gatewayRef) await payments.request(trx, 'void', p.id, 'order expired');
          }
          n++;
        });
      }
      return n;
    },

    /** Sends every order waiting in `paid` to fulfilment (after a resume, or as a safety sweep). */
    async fulfilWaiting(): Promise<number> {
      let n = 0;
      let after: string | undefined;
      for (;;) {
        if (await automation.isPaused(db)) return n;
        const ids = await repo.idsInStatus(db, 'paid', 100, after);
        if (ids.length === 0) return n;
        for (const id of ids) {
          await db.tx(async (trx) => {
            const o = await lockOrder(trx, id);
            const moved = await startFulfilmentIfRunning(trx, o, 'system');
            if (moved.status === 'fulfilling') n++;
          });
        }
        after = ids[ids.length - 1];
      }
    },

    // --- operator actions (each audited by the route layer's caller through `audit`) ---
    async releaseHold(actor: string, orderId: string, reason: string, ip?: string | null) {
      await db.tx(async (trx) => {
        const o = await lockOrder(trx, orderId);
        await audit(trx, { actor, action: 'order.hold_released', subjectId: orderId, details: { reason, from: o.status }, ip });
        const paid = await move(trx, o, 'paid', actor, `hold released: ${reason}`);
        await startFulfilmentIfRunning(trx, paid, actor);
      });
    },

    async refund(actor: string, orderId: string, reason: string, ip?: string | null) {
      await db.tx(async (trx) => {
        const o = await lockOrder(trx, orderId);
        await audit(trx, { actor, action: 'order.refunded', subjectId: orderId, details: { reason, from: o.status }, ip });
        await move(trx, o, 'refunded', actor, reason);
        await catalog.releaseKeys(trx, orderId);
        for (const p of await payments.listForOrder(trx, orderId)) {
          if (p.status === 'captured') await payments.request(trx, 'refund', p.id, reason);
          else if (p.status === 'authorized') await payments.request(trx, 'void', p.id, reason);
        }
      });
    },

    async cancel(actor: string, orderId: string, reason: string, ip?: string | null) {
      await db.tx(async (trx) => {
        const o = await lockOrder(trx, orderId);
        await audit(trx, { actor, action: 'order.cancelled', subjectId: orderId, details: { reason, from: o.status }, ip });
        await move(trx, o, 'cancelled', actor, reason);
        await catalog.releaseKeys(trx, orderId);
        for (const p of await payments.listForOrder(trx, orderId)) {
          if ((p.status === 'pending' || p.status === 'authorized') && p.gatewayRef) await payments.request(trx, 'void', p.id, reason);
        }
      });
    },

    async retryFulfilment(actor: string, orderId: string, ip?: string | null) {
      await db.tx(async (trx) => {
        const o = await lockOrder(trx, orderId);
        await audit(trx, { actor, action: 'order.fulfilment_retried', subjectId: orderId, details: { from: o.status }, ip });
        await move(trx, o, 'fulfilling', actor, 'fulfilment retried by an operator');
        const lines = await repo.getLines(trx, orderId);
        await fulfilment.start(trx, o, lines.map((l) => ({ id: l.id, productId: l.productId, fulfilmentDriver: l.fulfilmentDriver, quantity: l.quantity, coins: l.coins })));
      });
    },
  };
  return service;
}
export type OrdersService = ReturnType<typeof createOrdersService>;
