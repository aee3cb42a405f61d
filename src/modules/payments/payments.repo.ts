import type { Sql } from '../../platform/db/db.ts';
import { newId } from '../../platform/ids.ts';
import type { PaymentStatus } from './payments.states.ts';
import type { PaymentPurpose } from '../../platform/events.ts';
export type { PaymentPurpose };


export interface Payment {
  /** orderId is the id of what is paid for: an order, a wallet top-up or a bill payment (see purpose). */
  id: string; orderId: string; purpose: PaymentPurpose; gateway: string; gatewayRef: string | null; status: PaymentStatus; amount: number; currency: string;
  capturedAmount: number | null; capturedCurrency: string | null; checkoutUrl: string | null; failureReason: string | null; createdAt: Date; updatedAt: Date;
  method: { type: string | null; bin: string | null; last4: string | null; fingerprint: string | null }; authorizedAt: Date | null;
}
interface Row {
  id: string; order_id: string; purpose: PaymentPurpose; gateway: string; gateway_ref: string | null; status: PaymentStatus; amount: number; currency: string;
  captured_amount: number | null; captured_currency: string | null; checkout_url: string | null; failure_reason: string | null; created_at: Date; updated_at: Date;
  method_type: string | null; card_bin: string | null; card_last4: string | null; card_fingerprint: string | null; authorized_at: Date | null;
}
const toPayment = (r: Row): Payment => ({
  id: r.id, orderId: r.order_id, purpose: r.purpose, gateway: r.gateway, gatewayRef: r.gateway_ref, status: r.status, amount: r.amount, currency: r.currency,
  capturedAmount: r.captured_amount, capturedCurrency: r.captured_currency, checkoutUrl: r.checkout_url, failureReason: r.failure_reason,
  createdAt: r.created_at, updatedAt: r.updated_at,
  method: { type: r.method_type, bin: r.card_bin, last4: r.card_last4, fingerprint: r.card_fingerprint }, authorizedAt: r.authorized_at,
});

/** What the gateway told about the card used (never the number). */
export async function setMethod(sql: Sql, id: string, m: { type: string; bin?: string; last4?: string; fingerprint?: string }): Promise<void> {
  await sql.query(
    `UPDATE payments SET method_type = $2, card_bin = COALESCE($3, card_bin), card_last4 = COALESCE($4, card_last4), card_fingerprint = COALESCE($5, card_fingerprint) WHERE id = $1`,
    [id, m.type, m.bin ?? null, m.last4 ?? null, m.fingerprint ?? null]);
}

export async function insert(sql: Sql, p: { id: string; orderId: string; purpose: PaymentPurpose; gateway: string; amount: number; currency: string; actor: string }): Promise<void> {
  await sql.query(`INSERT INTO payments (id, order_id, purpose, gateway, status, amount, currency) VALUES ($1, $2, $3, $4, 'pending', $5, $6)`, [p.id, p.orderId, p.purpose, p.gateway, p.amount, p.currency]);
  await insertHistory(sql, { paymentId: p.id, from: null, to: 'pending', actor: p.actor, reason: 'created' });
}

export async function get(sql: Sql, id: string, forUpdate = false): Promise<Payment | null> {
  const rows = await sql.query<Row>(`SELECT * FROM payments WHERE id = $1 ${forUpdate ? 'FOR UPDATE' : ''}`, [id]);
  return rows[0] ? toPayment(rows[0]) : null;
}

export async function findByGatewayRef(sql: Sql, gateway: string, ref: string): Promise<Payment | null> {
  const rows = await sql.query<Row>(
    `SELECT * FROM payments WHERE gateway = $1 AND gateway_ref = $2
     UNION ALL
     SELECT p.* FROM payment_refs r JOIN payments p ON p.id = r.payment_id WHERE r.gateway = $1 AND r.ref = $2
     LIMIT 1`, [gateway, ref]);
  return rows[0] ? toPayment(rows[0]) : null;
}

/** Remembers another id the gateway uses for this payment. */
export async function addRef(sql: Sql, gateway: string, ref: string, paymentId: string): Promise<void> {
  await sql.query(`INSERT INTO payment_refs (gateway, ref, payment_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [gateway, ref, paymentId]);
}

export async function listForOrder(sql: Sql, orderId: string): Promise<Payment[]> {
  return (await sql.query<Row>(`SELECT * FROM payments WHERE order_id = $1 ORDER BY id`, [orderId])).map(toPayment);
}

export async function listForOrders(sql: Sql, orderIds: string[]): Promise<Payment[]> {
  return (await sql.query<Row>(`SELECT * FROM payments WHERE order_id = ANY($1::text[]) ORDER BY id`, [orderIds])).map(toPayment);
}

export async function setGatewayRef(sql: Sql, id: string, ref: string, checkoutUrl: string): Promise<void> {
  await sql.query(`UPDATE payments SET gateway_ref = $2, checkout_url = $3, updated_at = now() WHERE id = $1`, [id, ref, checkoutUrl]);
}

export async function setStatus(sql: Sql, id: string, to: PaymentStatus, fields: { capturedAmount?: number; capturedCurrency?: string; failureReason?: string } = {}): Promise<void> {
  await sql.query(
    `UPDATE payments SET status = $2, captured_amount = COALESCE($3, captured_amount), captured_currency = COALESCE($4, captured_currency),
            failure_reason = COALESCE($5, failure_reason), authorized_at = CASE WHEN $2 = 'authorized' THEN now() ELSE authorized_at END,
            updated_at = now() WHERE id = $1`,
    [id, to, fields.capturedAmount ?? null, fields.capturedCurrency ?? null, fields.failureReason ?? null],
  );
}

export async function insertHistory(sql: Sql, h: { paymentId: string; from: PaymentStatus | null; to: PaymentStatus; actor: string; reason?: string | null; eventId?: string | null }): Promise<void> {
  await sql.query(
    `INSERT INTO payment_history (id, payment_id, from_status, to_status, actor, reason, event_id) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [newId('hst'), h.paymentId, h.from, h.to, h.actor, h.reason ?? null, h.eventId ?? null],
  );
}

export async function history(sql: Sql, paymentId: string) {
  return sql.query<{ from_status: string | null; to_status: string; actor: string; reason: string | null; event_id: string | null; at: Date }>(
    `SELECT from_status, to_status, actor, reason, event_id, at FROM payment_history WHERE payment_id = $1 ORDER BY at, id`, [paymentId]);
}
