import { AppError } from '../../../platform/errors.ts';
import { newId } from '../../../platform/ids.ts';
import { randomToken, sha256Hex } from '../../../platform/crypto.ts';
import { PlatformUnavailable } from '../../platforms/directory.ts';
import { GatewayUnavailable, GatewayRefused } from '../../payments/gateway.ts';
import * as repo from '../orders.repo.ts';
import type { OrdersDeps } from '../orders.deps.ts';
import type { Lifecycle } from '../orders.lifecycle.ts';

export interface CreateOrderInput {
  email: string; items: Array<{ productId: string; quantity: number }>; platformUserId?: string; currency?: string; gateway?: string;
  /** From the storefront, for the risk engine: a device id it keeps, and ms from page load to pay. */
  deviceId?: string; checkoutDurationMs?: number;
}
export interface RequestMeta { ip: string | null; userAgent: string | null }

/** A top-up needs a platform user that exists: the platform is asked (outside any transaction). */
export async function verifyPlatformUser(d: OrdersDeps, platform: string, userId: string) {
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
}

/**
 * Checkout: validate → verify the platform user → blacklist → one transaction (order, line snapshots,
 * key reservations, pending payment) → open the payment at the gateway (outside the transaction).
 */
export async function createOrder(d: OrdersDeps, { move, lockOrder }: Lifecycle, input: CreateOrderInput, meta: RequestMeta) {
  const { db, log, catalog, payments, blacklist } = d;
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
    platformUser = await verifyPlatformUser(d, platform, input.platformUserId);
  }

  const hit = blacklist.match({ platformUserId: platformUser?.userId, email, ip: meta.ip });
  if (hit) {
    log.info({ listEntryId: hit.entryId }, 'order refused: blacklisted party');
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
      deviceId: input.deviceId ?? null, checkoutMs: input.checkoutDurationMs ?? null,
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
}
