import type { Sql } from '../../platform/db/db.ts';
import { newId } from '../../platform/ids.ts';
import type { OrderStatus } from './orders.states.ts';

export interface Order {
  id: string; status: OrderStatus; email: string; platform: string | null; platformUserId: string | null; platformUserName: string | null;
  currency: string; totalAmount: number; clientSecretHash: string; clientSecretEnc: string | null; holdReason: string | null; ip: string | null; userAgent: string | null;
  expiresAt: Date; createdAt: Date; updatedAt: Date;
  deviceId: string | null; checkoutMs: number | null; reviewApprovedAt: Date | null; reviewApprovedBy: string | null;
}
export interface OrderLine {
  id: string; orderId: string; productId: string; sku: string; name: string; type: 'topup' | 'key'; fulfilmentDriver: string;
  coins: number | null; quantity: number; unitAmount: number; currency: string; lineAmount: number;
}
export interface HistoryEntry { from: OrderStatus | null; to: OrderStatus; at: Date; actor: string; reason: string | null }

interface OrderRow {
  id: string; status: OrderStatus; email: string; platform: string | null; platform_user_id: string | null; platform_user_name: string | null;
  currency: string; total_amount: number; client_secret_hash: string; client_secret_enc: string | null; hold_reason: string | null; ip: string | null; user_agent: string | null;
  expires_at: Date; created_at: Date; updated_at: Date;
  device_id: string | null; checkout_ms: number | null; review_approved_at: Date | null; review_approved_by: string | null;
}
const toOrder = (r: OrderRow): Order => ({
  id: r.id, status: r.status, email: r.email, platform: r.platform, platformUserId: r.platform_user_id, platformUserName: r.platform_user_name,
  currency: r.currency, totalAmount: r.total_amount, clientSecretHash: r.client_secret_hash, clientSecretEnc: r.client_secret_enc, holdReason: r.hold_reason, ip: r.ip, userAgent: r.user_agent,
  expiresAt: r.expires_at, createdAt: r.created_at, updatedAt: r.updated_at,
  deviceId: r.device_id, checkoutMs: r.checkout_ms, reviewApprovedAt: r.review_approved_at, reviewApprovedBy: r.review_approved_by,
});

export async function insertOrder(sql: Sql, o: Omit<Order, 'createdAt' | 'updatedAt' | 'holdReason' | 'reviewApprovedAt' | 'reviewApprovedBy'>): Promise<void> {
  await sql.query(
    `INSERT INTO orders (id, status, email, platform, platform_user_id, platform_user_name, currency, total_amount, client_secret_hash, client_secret_enc, ip, user_agent, expires_at, device_id, checkout_ms)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
    [o.id, o.status, o.email, o.platform, o.platformUserId, o.platformUserName, o.currency, o.totalAmount, o.clientSecretHash, o.clientSecretEnc, o.ip, o.userAgent, o.expiresAt, o.deviceId, o.checkoutMs],
  );
}

export async function insertLine(sql: Sql, l: OrderLine): Promise<void> {
  await sql.query(
    `INSERT INTO order_lines (id, order_id, product_id, sku, name, type, fulfilment_driver, coins, quantity, unit_amount, currency, line_amount)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [l.id, l.orderId, l.productId, l.sku, l.name, l.type, l.fulfilmentDriver, l.coins, l.quantity, l.unitAmount, l.currency, l.lineAmount],
  );
}

export async function getOrder(sql: Sql, id: string, forUpdate = false): Promise<Order | null> {
  const rows = await sql.query<OrderRow>(`SELECT * FROM orders WHERE id = $1 ${forUpdate ? 'FOR UPDATE' : ''}`, [id]);
  return rows[0] ? toOrder(rows[0]) : null;
}

export async function getLines(sql: Sql, orderId: string): Promise<OrderLine[]> {
  const rows = await sql.query<{ id: string; order_id: string; product_id: string; sku: string; name: string; type: 'topup' | 'key'; fulfilment_driver: string; coins: number | null; quantity: number; unit_amount: number; currency: string; line_amount: number }>(
    `SELECT * FROM order_lines WHERE order_id = $1 ORDER BY id`, [orderId]);
  return rows.map((r) => ({ id: r.id, orderId: r.order_id, productId: r.product_id, sku: r.sku, name: r.name, type: r.type, fulfilmentDriver: r.fulfilment_driver, coins: r.coins, quantity: r.quantity, unitAmount: r.unit_amount, currency: r.currency, lineAmount: r.line_amount }));
}

export async function setStatus(sql: Sql, id: string, to: OrderStatus, holdReason?: string | null): Promise<void> {
  await sql.query(`UPDATE orders SET status = $2, hold_reason = CASE WHEN $2 = 'on_hold' THEN $3 ELSE hold_reason END, updated_at = now() WHERE id = $1`, [id, to, holdReason ?? null]);
}

export async function insertHistory(sql: Sql, h: { orderId: string; from: OrderStatus | null; to: OrderStatus; actor: string; reason?: string | null }): Promise<void> {
  await sql.query(`INSERT INTO order_history (id, order_id, from_status, to_status, actor, reason) VALUES ($1, $2, $3, $4, $5, $6)`, [newId('hst'), h.orderId, h.from, h.to, h.actor, h.reason ?? null]);
}

export async function history(sql: Sql, orderId: string): Promise<HistoryEntry[]> {
  const rows = await sql.query<{ from_status: OrderStatus | null; to_status: OrderStatus; at: Date; actor: string; reason: string | null }>(
    `SELECT from_status, to_status, at, actor, reason FROM order_history WHERE order_id = $1 ORDER BY id`, [orderId]);
  return rows.map((r) => ({ from: r.from_status, to: r.to_status, at: r.at, actor: r.actor, reason: r.reason }));
}

export async function listOrders(sql: Sql, f: { status?: string; q?: string; from?: string; to?: string; before?: string; limit: number }): Promise<Order[]> {
  const rows = await sql.query<OrderRow>(
    `SELECT * FROM orders
      WHERE ($1::text IS NULL OR status = $1)
        AND ($2::text IS NULL OR id = $2 OR email = lower($2) OR platform_user_id = $2)
        AND ($3::timestamptz IS NULL OR created_at >= $3)
        AND ($4::timestamptz IS NULL OR created_at < $4)
        AND ($5::text IS NULL OR id < $5)
      ORDER BY id DESC LIMIT $6`,
    [f.status ?? null, f.q ?? null, f.from ?? null, f.to ?? null, f.before ?? null, f.limit],
  );
  return rows.map(toOrder);
}

export async function dueForExpiry(sql: Sql, limit: number): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(`SELECT id FROM orders WHERE status = 'pending_payment' AND expires_at < now() ORDER BY expires_at LIMIT $1`, [limit]);
  return rows.map((r) => r.id);
}

export async function idsInStatus(sql: Sql, status: OrderStatus, limit: number, afterId?: string): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(`SELECT id FROM orders WHERE status = $1 AND ($3::text IS NULL OR id > $3) ORDER BY id LIMIT $2`, [status, limit, afterId ?? null]);
  return rows.map((r) => r.id);
}

export async function markReviewApproved(sql: Sql, id: string, by: string): Promise<void> {
  await sql.query(`UPDATE orders SET review_approved_at = now(), review_approved_by = $2, updated_at = now() WHERE id = $1`, [id, by]);
}

/** Orders waiting for a risk review, oldest first. */
export async function onHoldFor(sql: Sql, holdReason: string, limit: number): Promise<Order[]> {
  const rows = await sql.query<OrderRow>(`SELECT * FROM orders WHERE status = 'on_hold' AND hold_reason = $1 ORDER BY updated_at LIMIT $2`, [holdReason, limit]);
  return rows.map(toOrder);
}
