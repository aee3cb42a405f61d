import { AppError } from '../../platform/errors.ts';
import { sha256Hex, safeEqual } from '../../platform/crypto.ts';
import * as repo from './orders.repo.ts';
import type { Order, OrderLine } from './orders.repo.ts';
import type { OrdersDeps } from './orders.deps.ts';

/** Read models of an order: the buyer's (with the client secret) and the staff's (with payments, proofs, IP). */
export function orderViews(d: OrdersDeps) {
  const { db, payments, fulfilment } = d;

  async function view(o: Order, staff: boolean) {
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
  }

  return {
    /** Public read: only with the order's client secret. Unknown order and wrong secret look the same. */
    async getForBuyer(orderId: string, secret: string | null) {
      const o = await repo.getOrder(db, orderId);
      if (!o || !secret || !safeEqual(sha256Hex(secret), o.clientSecretHash)) throw new AppError('not_found', 'order not found');
      return view(o, false);
    },
    async getForStaff(orderId: string) {
      const o = await repo.getOrder(db, orderId);
      if (!o) throw new AppError('not_found', 'order not found');
      return view(o, true);
    },
    list: (f: { status?: string; q?: string; from?: string; to?: string; cursor?: string; limit: number }) =>
      repo.listOrders(db, { ...f, q: f.q?.trim() || undefined, before: f.cursor }),
  };
}
