import type { Sql } from '../../platform/db/db.ts';

/** All SQL of the personal area (pa_* tables). Row types stay in this file. */

const num = (v: number | string | null): number => Number(v);
const numOrNull = (v: number | string | null): number | null => (v === null ? null : Number(v));

// ---------- history ----------

export async function addHistory(trx: Sql, entityId: string, from: string | null, to: string, actor: string, reason: string | null): Promise<void> {
  await trx.query(`INSERT INTO pa_history (entity_id, from_status, to_status, actor, reason) VALUES ($1, $2, $3, $4, $5)`, [entityId, from, to, actor, reason]);
}

export async function history(sql: Sql, entityId: string): Promise<Array<{ from: string | null; to: string; actor: string; reason: string | null; at: Date }>> {
  const rows = await sql.query<{ from_status: string | null; to_status: string; actor: string; reason: string | null; at: Date }>(
    `SELECT from_status, to_status, actor, reason, at FROM pa_history WHERE entity_id = $1 ORDER BY id`, [entityId]);
  return rows.map((r) => ({ from: r.from_status, to: r.to_status, actor: r.actor, reason: r.reason, at: r.at }));
}

// ---------- top-ups ----------

export type TopupStatus = 'pending' | 'completed' | 'failed' | 'refunded';
export interface Topup {
  id: string; customerId: string; accountId: string; amount: number; currency: string; gateway: string; paymentId: string | null;
  status: TopupStatus; capturedAmount: number | null; transferId: string | null; failureReason: string | null; createdAt: Date; completedAt: Date | null;
}
interface TopupRow {
  id: string; customer_id: string; account_id: string; amount: string | number; currency: string; gateway: string; payment_id: string | null;
  status: TopupStatus; captured_amount: string | number | null; transfer_id: string | null; failure_reason: string | null; created_at: Date; completed_at: Date | null;
}
const toTopup = (r: TopupRow): Topup => ({
  id: r.id, customerId: r.customer_id, accountId: r.account_id, amount: num(r.amount), currency: r.currency, gateway: r.gateway, paymentId: r.payment_id,
  status: r.status, capturedAmount: numOrNull(r.captured_amount), transferId: r.transfer_id, failureReason: r.failure_reason, createdAt: r.created_at, completedAt: r.completed_at,
});

export async function insertTopup(trx: Sql, t: { id: string; customerId: string; accountId: string; amount: number; currency: string; gateway: string }): Promise<void> {
  await trx.query(
    `INSERT INTO pa_topups (id, customer_id, account_id, amount, currency, gateway, status) VALUES ($1, $2, $3, $4, $5, $6, 'pending')`,
    [t.id, t.customerId, t.accountId, t.amount, t.currency, t.gateway],
  );
}

export async function setTopupPayment(trx: Sql, id: string, paymentId: string): Promise<void> {
  await trx.query(`UPDATE pa_topups SET payment_id = $2, updated_at = now() WHERE id = $1`, [id, paymentId]);
}

export async function getTopup(sql: Sql, id: string, forUpdate = false): Promise<Topup | null> {
  const [r] = await sql.query<TopupRow>(`SELECT * FROM pa_topups WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return r ? toTopup(r) : null;
}

export async function listTopups(sql: Sql, customerId: string, limit: number, before: string | null): Promise<Topup[]> {
  const rows = await sql.query<TopupRow>(
    `SELECT * FROM pa_topups WHERE customer_id = $1 AND ($2::text IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`, [customerId, before, limit]);
  return rows.map(toTopup);
}

export async function completeTopup(trx: Sql, id: string, capturedAmount: number, transferId: string): Promise<void> {
  await trx.query(
    `UPDATE pa_topups SET status = 'completed', captured_amount = $2, transfer_id = $3, completed_at = now(), updated_at = now() WHERE id = $1`,
    [id, capturedAmount, transferId],
  );
}

export async function refundTopup(trx: Sql, id: string): Promise<void> {
  await trx.query(`UPDATE pa_topups SET status = 'refunded', updated_at = now() WHERE id = $1 AND status = 'completed'`, [id]);
}

export async function failTopup(trx: Sql, id: string, reason: string): Promise<void> {
  await trx.query(`UPDATE pa_topups SET status = 'failed', failure_reason = $2, updated_at = now() WHERE id = $1`, [id, reason.slice(0, 500)]);
}

// ---------- bill payments ----------

export type BillPaymentStatus = 'awaiting_payment' | 'queued' | 'refunded' | 'failed';
export interface BillPaymentRow {
  id: string; customerId: string; billId: string; description: string; amount: number; currency: string; method: 'wallet' | 'gateway';
  status: BillPaymentStatus; clientId: string; transferId: string | null; refundTransferId: string | null; paymentId: string | null;
  failureReason: string | null; createdAt: Date; updatedAt: Date;
}
interface BpRow {
  id: string; customer_id: string; bill_id: string; description: string; amount: string | number; currency: string; method: 'wallet' | 'gateway';
  status: BillPaymentStatus; client_id: string; transfer_id: string | null; refund_transfer_id: string | null; payment_id: string | null;
  failure_reason: string | null; created_at: Date; updated_at: Date;
}
const toBp = (r: BpRow): BillPaymentRow => ({
  id: r.id, customerId: r.customer_id, billId: r.bill_id, description: r.description, amount: num(r.amount), currency: r.currency, method: r.method,
  status: r.status, clientId: r.client_id, transferId: r.transfer_id, refundTransferId: r.refund_transfer_id, paymentId: r.payment_id,
  failureReason: r.failure_reason, createdAt: r.created_at, updatedAt: r.updated_at,
});

/** Inserts a live payment for the bill; null when the bill already has one (awaiting_payment or queued). */
export async function insertBillPayment(trx: Sql, p: { id: string; customerId: string; billId: string; description: string; amount: number; currency: string; method: 'wallet' | 'gateway'; status: BillPaymentStatus; clientId: string }): Promise<BillPaymentRow | null> {
  const rows = await trx.query<BpRow>(
    `INSERT INTO pa_bill_payments (id, customer_id, bill_id, description, amount, currency, method, status, client_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (bill_id) WHERE status IN ('awaiting_payment', 'queued') DO NOTHING RETURNING *`,
    [p.id, p.customerId, p.billId, p.description.slice(0, 300), p.amount, p.currency, p.method, p.status, p.clientId],
  );
  return rows[0] ? toBp(rows[0]) : null;
}

export async function liveBillPayment(sql: Sql, billId: string): Promise<BillPaymentRow | null> {
  const [r] = await sql.query<BpRow>(`SELECT * FROM pa_bill_payments WHERE bill_id = $1 AND status IN ('awaiting_payment', 'queued')`, [billId]);
  return r ? toBp(r) : null;
}

/** How many earlier payments of this bill ended refunded or failed (the next debit needs a new ledger client id). */
export async function endedAttempts(sql: Sql, billId: string): Promise<number> {
  const [r] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM pa_bill_payments WHERE bill_id = $1 AND status IN ('refunded', 'failed')`, [billId]);
  return r.n;
}

/** Card attempts awaiting payment since before `before` (oldest first): the expiry sweep's work. */
export async function staleCardAttempts(sql: Sql, before: Date, limit: number): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(
    `SELECT id FROM pa_bill_payments WHERE status = 'awaiting_payment' AND created_at < $1 ORDER BY created_at LIMIT $2`, [before, limit]);
  return rows.map((r) => r.id);
}

/** Does the entity's history have a transition to `to` whose reason contains `reasonPart` (null: any reason)? */
export async function hasHistory(sql: Sql, entityId: string, to: string, reasonPart: string | null = null): Promise<boolean> {
  const [r] = await sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pa_history WHERE entity_id = $1 AND to_status = $2 AND ($3::text IS NULL OR strpos(reason, $3) > 0)`, [entityId, to, reasonPart]);
  return r.n > 0;
}

export async function getBillPayment(sql: Sql, id: string, forUpdate = false): Promise<BillPaymentRow | null> {
  const [r] = await sql.query<BpRow>(`SELECT * FROM pa_bill_payments WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return r ? toBp(r) : null;
}

export async function listBillPayments(sql: Sql, customerId: string, limit: number, before: string | null): Promise<BillPaymentRow[]> {
  const rows = await sql.query<BpRow>(
    `SELECT * FROM pa_bill_payments WHERE customer_id = $1 AND ($2::text IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`, [customerId, before, limit]);
  return rows.map(toBp);
}

export async function updateBillPayment(trx: Sql, id: string, f: { status: BillPaymentStatus; transferId?: string; refundTransferId?: string; paymentId?: string; failureReason?: string }): Promise<void> {
  await trx.query(
    `UPDATE pa_bill_payments SET status = $2, transfer_id = COALESCE($3, transfer_id), refund_transfer_id = COALESCE($4, refund_transfer_id),
            payment_id = COALESCE($5, payment_id), failure_reason = COALESCE($6, failure_reason), updated_at = now() WHERE id = $1`,
    [id, f.status, f.transferId ?? null, f.refundTransferId ?? null, f.paymentId ?? null, f.failureReason?.slice(0, 500) ?? null],
  );
}

// ---------- bills seen ----------

export interface SeenBill { billId: string; customerId: string; contractId: string | null; description: string; amount: number; currency: string; dueOn: string; status: string; seenAt: Date }

export async function rememberBills(sql: Sql, customerId: string, bills: Array<{ id: string; contractId: string | null; description: string; amount: number; currency: string; dueOn: string; status: string }>): Promise<void> {
  if (bills.length === 0) return;
  await sql.query(
    `INSERT INTO pa_bills_seen (bill_id, customer_id, contract_id, description, amount, currency, due_on, status, seen_at)
     SELECT b.id, $1, b.contract_id, b.description, b.amount, b.currency, b.due_on, b.status, now()
       FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[]) AS b(id, contract_id, description, amount, currency, due_on, status)
     ON CONFLICT (bill_id) DO UPDATE SET customer_id = EXCLUDED.customer_id, contract_id = EXCLUDED.contract_id, description = EXCLUDED.description,
       amount = EXCLUDED.amount, currency = EXCLUDED.currency, due_on = EXCLUDED.due_on, status = EXCLUDED.status, seen_at = now()`,
    [customerId, bills.map((b) => b.id), bills.map((b) => b.contractId), bills.map((b) => b.description.slice(0, 300)), bills.map((b) => b.amount),
      bills.map((b) => b.currency), bills.map((b) => b.dueOn), bills.map((b) => b.status)],
  );
}

export async function seenBill(sql: Sql, billId: string): Promise<SeenBill | null> {
  const [r] = await sql.query<{ bill_id: string; customer_id: string; contract_id: string | null; description: string; amount: string | number; currency: string; due_on: string; status: string; seen_at: Date }>(
    `SELECT * FROM pa_bills_seen WHERE bill_id = $1`, [billId]);
  return r ? { billId: r.bill_id, customerId: r.customer_id, contractId: r.contract_id, description: r.description, amount: num(r.amount), currency: r.currency, dueOn: r.due_on, status: r.status, seenAt: r.seen_at } : null;
}

// ---------- threads (feedback and transaction comments) ----------

export type ThreadStatus = 'open' | 'answered' | 'closed';
export interface Thread {
  id: string; customerId: string; kind: 'feedback' | 'comments'; subject: string | null; transactionId: string | null; status: ThreadStatus;
  messages: number; createdAt: Date; updatedAt: Date;
}
export interface Message { id: string; threadId: string; author: 'customer' | 'staff'; staffActor: string | null; body: string; createdAt: Date }
interface ThreadRow { id: string; customer_id: string; kind: 'feedback' | 'comments'; subject: string | null; transaction_id: string | null; status: ThreadStatus; messages: number; created_at: Date; updated_at: Date }
interface MessageRow { id: string; thread_id: string; author: 'customer' | 'staff'; staff_actor: string | null; body: string; created_at: Date }
const toThread = (r: ThreadRow): Thread => ({
  id: r.id, customerId: r.customer_id, kind: r.kind, subject: r.subject, transactionId: r.transaction_id, status: r.status, messages: r.messages, createdAt: r.created_at, updatedAt: r.updated_at,
});
const toMessage = (r: MessageRow): Message => ({ id: r.id, threadId: r.thread_id, author: r.author, staffActor: r.staff_actor, body: r.body, createdAt: r.created_at });

export async function insertThread(trx: Sql, t: { id: string; customerId: string; kind: 'feedback' | 'comments'; subject: string | null; transactionId: string | null }): Promise<Thread | null> {
  const rows = await trx.query<ThreadRow>(
    `INSERT INTO pa_threads (id, customer_id, kind, subject, transaction_id, status) VALUES ($1, $2, $3, $4, $5, 'open')
     ON CONFLICT DO NOTHING RETURNING *`,
    [t.id, t.customerId, t.kind, t.subject, t.transactionId],
  );
  return rows[0] ? toThread(rows[0]) : null;
}

export async function commentThread(sql: Sql, customerId: string, transactionId: string, forUpdate = false): Promise<Thread | null> {
  const [r] = await sql.query<ThreadRow>(
    `SELECT * FROM pa_threads WHERE customer_id = $1 AND transaction_id = $2 AND kind = 'comments'${forUpdate ? ' FOR UPDATE' : ''}`, [customerId, transactionId]);
  return r ? toThread(r) : null;
}

export async function getThread(sql: Sql, id: string, forUpdate = false): Promise<Thread | null> {
  const [r] = await sql.query<ThreadRow>(`SELECT * FROM pa_threads WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return r ? toThread(r) : null;
}

export async function listThreads(sql: Sql, f: { customerId?: string; status?: ThreadStatus; before?: string | null; limit: number }): Promise<Thread[]> {
  const rows = await sql.query<ThreadRow>(
    `SELECT * FROM pa_threads WHERE ($1::text IS NULL OR customer_id = $1) AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR id < $3)
      ORDER BY id DESC LIMIT $4`,
    [f.customerId ?? null, f.status ?? null, f.before ?? null, f.limit],
  );
  return rows.map(toThread);
}

export async function addMessage(trx: Sql, m: { id: string; threadId: string; author: 'customer' | 'staff'; staffActor: string | null; body: string; status: ThreadStatus }): Promise<Message> {
  const [r] = await trx.query<MessageRow>(
    `INSERT INTO pa_messages (id, thread_id, author, staff_actor, body) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
    [m.id, m.threadId, m.author, m.staffActor, m.body],
  );
  await trx.query(`UPDATE pa_threads SET messages = messages + 1, status = $2, updated_at = now() WHERE id = $1`, [m.threadId, m.status]);
  return toMessage(r);
}

export async function setThreadStatus(trx: Sql, id: string, status: ThreadStatus): Promise<void> {
  await trx.query(`UPDATE pa_threads SET status = $2, updated_at = now() WHERE id = $1`, [id, status]);
}

export async function messagesOf(sql: Sql, threadIds: string[]): Promise<Message[]> {
  if (threadIds.length === 0) return [];
  const rows = await sql.query<MessageRow>(`SELECT * FROM pa_messages WHERE thread_id = ANY($1::text[]) ORDER BY id`, [threadIds]);
  return rows.map(toMessage);
}

/** Comments per transaction of one customer (their comment threads' message counts). */
export async function commentCounts(sql: Sql, customerId: string, transactionIds: string[]): Promise<Map<string, number>> {
  if (transactionIds.length === 0) return new Map();
  const rows = await sql.query<{ transaction_id: string; messages: number }>(
    `SELECT transaction_id, messages FROM pa_threads WHERE customer_id = $1 AND kind = 'comments' AND transaction_id = ANY($2::text[])`, [customerId, transactionIds]);
  return new Map(rows.map((r) => [r.transaction_id, r.messages]));
}

// ---------- receipts ----------

export interface ReceiptRow { code: string; transferId: string; customerId: string; direction: 'in' | 'out'; reference: string; amount: number; currency: string; issuedFor: Date; company: string }
interface RRow { code: string; transfer_id: string; customer_id: string; direction: 'in' | 'out'; reference: string; amount: string | number; currency: string; issued_for: Date; company: string }
const toReceipt = (r: RRow): ReceiptRow => ({
  code: r.code, transferId: r.transfer_id, customerId: r.customer_id, direction: r.direction, reference: r.reference, amount: num(r.amount), currency: r.currency, issuedFor: r.issued_for, company: r.company,
});

/** Records an issued receipt (idempotent: the same transfer and customer keep their first code). */
export async function saveReceipt(sql: Sql, r: ReceiptRow): Promise<ReceiptRow> {
  const rows = await sql.query<RRow>(
    `INSERT INTO pa_receipts (code, transfer_id, customer_id, direction, reference, amount, currency, issued_for, company)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING *`,
    [r.code, r.transferId, r.customerId, r.direction, r.reference, r.amount, r.currency, r.issuedFor, r.company],
  );
  if (rows[0]) return toReceipt(rows[0]);
  const [existing] = await sql.query<RRow>(`SELECT * FROM pa_receipts WHERE transfer_id = $1 AND customer_id = $2`, [r.transferId, r.customerId]);
  if (existing) return toReceipt(existing);
  const [byCode] = await sql.query<RRow>(`SELECT * FROM pa_receipts WHERE code = $1`, [r.code]);
  return toReceipt(byCode);
}

export async function receiptByCode(sql: Sql, code: string): Promise<ReceiptRow | null> {
  const [r] = await sql.query<RRow>(`SELECT * FROM pa_receipts WHERE code = $1`, [code]);
  return r ? toReceipt(r) : null;
}

// ---------- payees ----------

export interface PayeeRow { id: string; customerId: string; payeeCustomerId: string; nameEnc: string | null; label: string; createdAt: Date }
interface PRow { id: string; customer_id: string; payee_customer_id: string; name_enc: string | null; label: string; created_at: Date }
const toPayee = (r: PRow): PayeeRow => ({ id: r.id, customerId: r.customer_id, payeeCustomerId: r.payee_customer_id, nameEnc: r.name_enc, label: r.label, createdAt: r.created_at });

export async function insertPayee(sql: Sql, p: { id: string; customerId: string; payeeCustomerId: string; nameEnc: string | null; label: string }): Promise<{ payee: PayeeRow; created: boolean }> {
  const rows = await sql.query<PRow>(
    `INSERT INTO pa_payees (id, customer_id, payee_customer_id, name_enc, label) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (customer_id, payee_customer_id) DO NOTHING RETURNING *`,
    [p.id, p.customerId, p.payeeCustomerId, p.nameEnc, p.label],
  );
  if (rows[0]) return { payee: toPayee(rows[0]), created: true };
  const [r] = await sql.query<PRow>(`SELECT * FROM pa_payees WHERE customer_id = $1 AND payee_customer_id = $2`, [p.customerId, p.payeeCustomerId]);
  return { payee: toPayee(r), created: false };
}

export async function getPayee(sql: Sql, id: string): Promise<PayeeRow | null> {
  const [r] = await sql.query<PRow>(`SELECT * FROM pa_payees WHERE id = $1`, [id]);
  return r ? toPayee(r) : null;
}

export async function listPayees(sql: Sql, customerId: string): Promise<PayeeRow[]> {
  const rows = await sql.query<PRow>(`SELECT * FROM pa_payees WHERE customer_id = $1 ORDER BY id DESC LIMIT 500`, [customerId]);
  return rows.map(toPayee);
}
