import { createHash, randomInt } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import type { Db } from '../../platform/db/db.ts';
import { isUniqueViolation } from '../../platform/db/db.ts';
import type { FieldCipher } from '../../platform/crypto.ts';
import { newId } from '../../platform/ids.ts';
import * as repo from './internal-accounting.repo.ts';
import type { IaBill, IaContract, IaPayment } from './internal-accounting.repo.ts';
import { demoAccount } from './demo-data.ts';

export type { IaBill, IaContract, IaPayment };

/** The internal system numbers its own records (customers `iac_…`, payments `iap_…`); bills and contracts use Tollgate's `bil_`/`ctr_` prefixes. */
const ulid = monotonicFactory();
const ownId = (prefix: 'iac' | 'iap') => `${prefix}_${ulid().toLowerCase()}`;
const digits = (n: number) => String(randomInt(0, 10 ** n)).padStart(n, '0');

export interface InternalAccountingOptions {
  db: Db;
  /** Currency of the demo bills (Tollgate's wallet currency, so they can be paid from a wallet). */
  currency: string;
  /** Encrypts customers' names and e-mails at rest; without it they are not stored. */
  cipher?: FieldCipher;
  now?: () => Date;
}

export interface PayInput { idempotencyKey: string; billId: string; amount: number; currency: string; reference: string; paidAt: Date }
export type PayOutcome =
  | { status: 'created' | 'replayed'; payment: IaPayment }
  | { status: 'refused'; code: 'not_found' | 'idempotency_key_reused' | 'amount_mismatch' | 'bill_already_paid'; message: string };

export type InternalAccounting = ReturnType<typeof createInternalAccounting>;

export function createInternalAccounting(opts: InternalAccountingOptions) {
  const { db } = opts;
  const now = opts.now ?? (() => new Date());
  const enc = (v: string | undefined) => (v && opts.cipher ? opts.cipher.encrypt(v) : undefined);

  /** Looks up the customer by ref, or enrols them with two demo contracts and their bills. Idempotent. */
  async function enrol(ref: string, profile: { name?: string; email?: string }): Promise<{ id: string; ref: string; accountNo: string; created: boolean }> {
    return db.tx(async (trx) => {
      const created = await repo.insertCustomer(trx, { id: ownId('iac'), ref, accountNo: `ACC-${digits(8)}`, nameEnc: enc(profile.name) ?? null, emailEnc: enc(profile.email) ?? null });
      if (!created) {
        const existing = (await repo.findCustomerByRef(trx, ref))!;
        if (profile.name || profile.email) await repo.updateCustomerProfile(trx, existing.id, { nameEnc: enc(profile.name), emailEnc: enc(profile.email) });
        return { id: existing.id, ref, accountNo: existing.accountNo, created: false };
      }
      const at = now();
      const demo = demoAccount(ref, at);
      const contractIds = new Map<string, string>();
      for (const c of demo.contracts) {
        const id = newId('ctr');
        contractIds.set(c.key, id);
        await repo.insertContract(trx, {
          id, customerId: created.id, number: `CN-${c.startedOn.slice(0, 4)}-${digits(7)}`, service: c.service, title: c.title,
          status: 'active', monthlyAmount: c.monthlyAmount, currency: opts.currency, startedOn: c.startedOn,
        });
      }
      for (const b of demo.bills) {
        const id = newId('bil');
        await repo.insertBill(trx, {
          id, customerId: created.id, contractId: contractIds.get(b.contractKey) ?? null, number: `INV-${b.issuedAt.toISOString().slice(0, 7).replace('-', '')}-${digits(8)}`,
          description: b.description, period: b.period, amount: b.amount, currency: opts.currency, dueOn: b.dueOn, issuedAt: b.issuedAt,
        });
        if (b.paid) {
          const paidAt = new Date(b.issuedAt.getTime() + 9 * 86_400_000);
          const p = await repo.insertPayment(trx, { id: ownId('iap'), idempotencyKey: `bank-transfer:${id}`, requestHash: '', billId: id, amount: b.amount, currency: opts.currency, reference: 'Bank transfer', paidAt });
          await repo.markBillPaid(trx, id, p.id, paidAt);
        }
      }
      return { id: created.id, ref, accountNo: created.accountNo, created: true };
    });
  }

  async function customerId(ref: string): Promise<string | undefined> {
    return (await repo.findCustomerByRef(db, ref))?.id;
  }

  async function listContracts(ref: string): Promise<IaContract[] | undefined> {
    const id = await customerId(ref);
    return id ? repo.listContracts(db, id) : undefined;
  }

  async function listBills(ref: string, status?: IaBill['status']): Promise<Array<IaBill & { customerRef: string }> | undefined> {
    const id = await customerId(ref);
    return id ? (await repo.listBills(db, id, status)).map((b) => ({ ...b, customerRef: ref })) : undefined;
  }

  async function getBill(id: string): Promise<(IaBill & { customerRef: string }) | undefined> {
    const bill = await repo.findBill(db, id);
    if (!bill) return undefined;
    const rows = await db.query<{ ref: string }>(`SELECT ref FROM ia_customers WHERE id = $1`, [bill.customerId]);
    return { ...bill, customerRef: rows[0].ref };
  }

  /**
   * Pays one bill in full. The idempotency key is checked again after the bill is locked, so two concurrent
   * calls with the same key give one payment (the second sees the first's row once it commits).
   */
  async function pay(input: PayInput): Promise<PayOutcome> {
    const requestHash = createHash('sha256')
      .update(JSON.stringify([input.billId, input.amount, input.currency, input.reference, input.paidAt.toISOString()]))
      .digest('hex');
    const replay = (p: IaPayment): PayOutcome =>
      p.requestHash === requestHash
        ? { status: 'replayed', payment: p }
        : { status: 'refused', code: 'idempotency_key_reused', message: 'this idempotency key was used for a different payment' };
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.tx(async (trx): Promise<PayOutcome> => {
          const bill = await repo.findBill(trx, input.billId, { forUpdate: true });
          const seen = await repo.findPaymentByKey(trx, input.idempotencyKey);
          if (seen) return replay(seen);
          if (!bill) return { status: 'refused', code: 'not_found', message: `bill ${input.billId} not found` };
          if (bill.status === 'paid') return { status: 'refused', code: 'bill_already_paid', message: `bill ${bill.number} is already paid` };
          if (bill.amount !== input.amount || bill.currency !== input.currency) {
            return { status: 'refused', code: 'amount_mismatch', message: `bill ${bill.number} is open for ${bill.amount} ${bill.currency} (minor units), not ${input.amount} ${input.currency}` };
          }
          const payment = await repo.insertPayment(trx, {
            id: ownId('iap'), idempotencyKey: input.idempotencyKey, requestHash, billId: bill.id, amount: input.amount,
            currency: input.currency, reference: input.reference, paidAt: input.paidAt,
          });
          await repo.markBillPaid(trx, bill.id, payment.id, input.paidAt);
          return { status: 'created', payment };
        });
      } catch (err) {
        // the same key raced in for another bill: the other call committed first, answer as a replay would
        if (attempt === 1 && isUniqueViolation(err)) continue;
        throw err;
      }
    }
  }

  async function paymentsForBill(billId: string): Promise<IaPayment[]> {
    return repo.paymentsForBill(db, billId);
  }

  return { enrol, listContracts, listBills, getBill, pay, paymentsForBill };
}
