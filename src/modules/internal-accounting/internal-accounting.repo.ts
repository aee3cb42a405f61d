import type { Sql } from '../../platform/db/db.ts';

/** All SQL of the demo internal accounting system (its own ia_* tables). Row types stay here. */

export interface IaCustomer { id: string; ref: string; accountNo: string; nameEnc: string | null; emailEnc: string | null; createdAt: Date }
export interface IaContract {
  id: string; customerId: string; number: string; service: string; title: string; status: 'active' | 'ended';
  monthlyAmount: number; currency: string; startedOn: string; createdAt: Date;
}
export interface IaBill {
  id: string; customerId: string; contractId: string | null; number: string; description: string; period: string;
  amount: number; currency: string; dueOn: string; status: 'open' | 'paid'; paymentId: string | null; issuedAt: Date; paidAt: Date | null;
}
export interface IaPayment {
  id: string; idempotencyKey: string; requestHash: string; billId: string; amount: number; currency: string;
  reference: string; paidAt: Date; createdAt: Date;
}

interface CustomerRow { id: string; ref: string; account_no: string; name_enc: string | null; email_enc: string | null; created_at: Date }
interface ContractRow {
  id: string; customer_id: string; number: string; service: string; title: string; status: IaContract['status'];
  monthly_amount: number | string; currency: string; started_on: string; created_at: Date;
}
interface BillRow {
  id: string; customer_id: string; contract_id: string | null; number: string; description: string; period: string;
  amount: number | string; currency: string; due_on: string; status: IaBill['status']; payment_id: string | null; issued_at: Date; paid_at: Date | null;
}
interface PaymentRow {
  id: string; idempotency_key: string; request_hash: string; bill_id: string; amount: number | string; currency: string;
  reference: string; paid_at: Date; created_at: Date;
}

const toCustomer = (r: CustomerRow): IaCustomer => ({ id: r.id, ref: r.ref, accountNo: r.account_no, nameEnc: r.name_enc, emailEnc: r.email_enc, createdAt: r.created_at });
const toContract = (r: ContractRow): IaContract => ({
  id: r.id, customerId: r.customer_id, number: r.number, service: r.service, title: r.title, status: r.status,
  monthlyAmount: Number(r.monthly_amount), currency: r.currency, startedOn: r.started_on, createdAt: r.created_at,
});
const toBill = (r: BillRow): IaBill => ({
  id: r.id, customerId: r.customer_id, contractId: r.contract_id, number: r.number, description: r.description, period: r.period,
  amount: Number(r.amount), currency: r.currency, dueOn: r.due_on, status: r.status, paymentId: r.payment_id, issuedAt: r.issued_at, paidAt: r.paid_at,
});
const toPayment = (r: PaymentRow): IaPayment => ({
  id: r.id, idempotencyKey: r.idempotency_key, requestHash: r.request_hash, billId: r.bill_id, amount: Number(r.amount),
  currency: r.currency, reference: r.reference, paidAt: r.paid_at, createdAt: r.created_at,
});

// `date` columns are read as text: pg would turn them into local-midnight Date objects.
const CONTRACT_COLS = `id, customer_id, number, service, title, status, monthly_amount, currency, started_on::text AS started_on, created_at`;
const BILL_COLS = `id, customer_id, contract_id, number, description, period, amount, currency, due_on::text AS due_on, status, payment_id, issued_at, paid_at`;

/** Inserts the customer unless the ref is known; returns the new row, or null when it existed. */
export async function insertCustomer(sql: Sql, c: { id: string; ref: string; accountNo: string; nameEnc: string | null; emailEnc: string | null }): Promise<IaCustomer | null> {
  const rows = await sql.query<CustomerRow>(
    `INSERT INTO ia_customers (id, ref, account_no, name_enc, email_enc) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (ref) DO NOTHING RETURNING *`,
    [c.id, c.ref, c.accountNo, c.nameEnc, c.emailEnc],
  );
  return rows[0] ? toCustomer(rows[0]) : null;
}

export async function findCustomerByRef(sql: Sql, ref: string): Promise<IaCustomer | undefined> {
  const rows = await sql.query<CustomerRow>(`SELECT * FROM ia_customers WHERE ref = $1`, [ref]);
  return rows[0] && toCustomer(rows[0]);
}

export async function updateCustomerProfile(sql: Sql, id: string, p: { nameEnc?: string; emailEnc?: string }): Promise<void> {
  await sql.query(
    `UPDATE ia_customers SET name_enc = COALESCE($2, name_enc), email_enc = COALESCE($3, email_enc) WHERE id = $1`,
    [id, p.nameEnc ?? null, p.emailEnc ?? null],
  );
}

export async function insertContract(sql: Sql, c: Omit<IaContract, 'createdAt'>): Promise<void> {
  await sql.query(
    `INSERT INTO ia_contracts (id, customer_id, number, service, title, status, monthly_amount, currency, started_on)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::date)`,
    [c.id, c.customerId, c.number, c.service, c.title, c.status, c.monthlyAmount, c.currency, c.startedOn],
  );
}

export async function listContracts(sql: Sql, customerId: string): Promise<IaContract[]> {
  const rows = await sql.query<ContractRow>(`SELECT ${CONTRACT_COLS} FROM ia_contracts WHERE customer_id = $1 ORDER BY started_on, id`, [customerId]);
  return rows.map(toContract);
}

export async function insertBill(sql: Sql, b: Omit<IaBill, 'issuedAt' | 'paidAt' | 'paymentId' | 'status'> & { issuedAt: Date }): Promise<void> {
  await sql.query(
    `INSERT INTO ia_bills (id, customer_id, contract_id, number, description, period, amount, currency, due_on, status, issued_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::date, 'open', $10)`,
    [b.id, b.customerId, b.contractId, b.number, b.description, b.period, b.amount, b.currency, b.dueOn, b.issuedAt],
  );
}

export async function listBills(sql: Sql, customerId: string, status?: IaBill['status']): Promise<IaBill[]> {
  const rows = await sql.query<BillRow>(
    `SELECT ${BILL_COLS} FROM ia_bills WHERE customer_id = $1 AND ($2::text IS NULL OR status = $2)
      ORDER BY due_on, number`,
    [customerId, status ?? null],
  );
  return rows.map(toBill);
}

export async function findBill(sql: Sql, id: string, opts: { forUpdate?: boolean } = {}): Promise<IaBill | undefined> {
  const rows = await sql.query<BillRow>(`SELECT ${BILL_COLS} FROM ia_bills WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] && toBill(rows[0]);
}

export async function markBillPaid(sql: Sql, billId: string, paymentId: string, paidAt: Date): Promise<void> {
  await sql.query(`UPDATE ia_bills SET status = 'paid', payment_id = $2, paid_at = $3 WHERE id = $1 AND status = 'open'`, [billId, paymentId, paidAt]);
}

export async function findPaymentByKey(sql: Sql, key: string): Promise<IaPayment | undefined> {
  const rows = await sql.query<PaymentRow>(`SELECT * FROM ia_payments WHERE idempotency_key = $1`, [key]);
  return rows[0] && toPayment(rows[0]);
}

export async function insertPayment(sql: Sql, p: Omit<IaPayment, 'createdAt'>): Promise<IaPayment> {
  const rows = await sql.query<PaymentRow>(
    `INSERT INTO ia_payments (id, idempotency_key, request_hash, bill_id, amount, currency, reference, paid_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
    [p.id, p.idempotencyKey, p.requestHash, p.billId, p.amount, p.currency, p.reference, p.paidAt],
  );
  return toPayment(rows[0]);
}

export async function paymentsForBill(sql: Sql, billId: string): Promise<IaPayment[]> {
  const rows = await sql.query<PaymentRow>(`SELECT * FROM ia_payments WHERE bill_id = $1 ORDER BY created_at`, [billId]);
  return rows.map(toPayment);
}
