import { AppError, notFound } from '../../../platform/errors.ts';
import { newId } from '../../../platform/ids.ts';
import { maskEmail, maskPhone, normalizeEmail, normalizePhone } from '../../customers/index.ts';
import type { PersonalAreaDeps } from '../personal-area.deps.ts';
import type { Caller, PersonalAreaCore } from '../personal-area.core.ts';
import * as repo from '../personal-area.repo.ts';
import { cleanText } from './feedback.ts';

export const newPayeeId = () => newId('pye');

/**
 * Payees (other customers, found by their exact e-mail or phone) and transfers between customers' wallets.
 * Adding a payee needs a fresh second factor ('add_payee'); a transfer above the threshold too ('payment').
 * A transfer is one ledger transfer wallet → wallet with client id `p2p:<sender>:<idempotencyKey>` (the same key
 * and contents replay the first, other contents are refused); the payee sees it live through their event stream.
 */
export function payees(d: PersonalAreaDeps, k: PersonalAreaCore) {
  const view = (p: repo.PayeeRow) => ({ id: p.id, name: p.nameEnc ? d.cipher.decrypt(p.nameEnc) : null, label: p.label, createdAt: p.createdAt });

  async function add(c: Caller, input: { email?: string; phone?: string; name?: string }) {
    d.customers.requireStepUp(c.auth, 'add_payee');
    const customerId = c.auth.customerId;
    let query: string | null;
    let label: string;
    if (input.email !== undefined) {
      query = normalizeEmail(input.email);
      if (!query) throw new AppError('validation_failed', 'email is not a valid e-mail address');
      label = maskEmail(query);
    } else {
      query = normalizePhone(input.phone ?? '');
      if (!query) throw new AppError('validation_failed', 'phone must be an international number (+…)');
      label = maskPhone(query);
    }
    const [found] = await d.customers.admin.search(`customer:${customerId}`, query, { ip: c.ip ?? null });
    if (!found || found.status !== 'active') throw new AppError('unprocessable', 'no customer can receive transfers at this e-mail or phone');
    if (found.id === customerId) throw new AppError('unprocessable', 'you cannot add yourself as a payee');
    const name = input.name === undefined ? null : cleanText(input.name, 100).replace(/\n/g, ' ');
    const { payee, created } = await repo.insertPayee(d.db, { id: newPayeeId(), customerId, payeeCustomerId: found.id, nameEnc: name ? d.cipher.encrypt(name) : null, label });
    return { created, payee: view(payee) };
  }

  async function list(customerId: string) {
    return (await repo.listPayees(d.db, customerId)).map(view);
  }

  async function ownPayee(c: Caller, id: string) {
    const p = await repo.getPayee(d.db, id);
    if (!p) throw notFound('payee');
    if (p.customerId !== c.auth.customerId) throw k.foreign(c, 'payee', id);
    return p;
  }

  async function get(c: Caller, id: string) {
    return view(await ownPayee(c, id));
  }

  async function transfer(c: Caller, input: { payeeId: string; amount: { amount: number; currency: string }; description?: string; idempotencyKey: string }) {
    const p = await ownPayee(c, input.payeeId);
    const { amount, currency } = input.amount;
    if (!Number.isSafeInteger(amount) || amount <= 0) throw new AppError('validation_failed', 'amount must be a positive integer of minor units');
    const note = input.description === undefined ? null : cleanText(input.description, 140).replace(/\n/g, ' ');
    d.customers.requireStepUp(c.auth, 'payment', { amountMinor: amount });
    const customerId = c.auth.customerId;
    const mine = (await k.accountsOf(customerId)).find((a) => a.code === 'wallet' && a.currency === currency);
    if (!mine) throw new AppError('unprocessable', `you have no ${currency} wallet`);
    const payee = await d.customers.getCustomer(p.payeeCustomerId);
    if (!payee || payee.status !== 'active') throw new AppError('unprocessable', 'this payee cannot receive transfers now');
    const theirs = (await k.accountsOf(p.payeeCustomerId)).find((a) => a.code === 'wallet' && a.currency === currency);
    if (!theirs) throw new AppError('unprocessable', `this payee has no ${currency} wallet`);
    const me = await d.customers.getCustomer(customerId);
    const [t] = await d.ledger.transfer([{
      id: `p2p:${customerId}:${input.idempotencyKey}`, debitAccountId: mine.id, creditAccountId: theirs.id, amount, currency, kind: 'transfer',
      description: `Transfer to ${p.label}${note ? `: ${note}` : ''}`,
      metadata: { payeeId: p.id, inDescription: `Transfer from ${me ? maskEmail(me.email) : 'another customer'}${note ? `: ${note}` : ''}` },
    }]);
    const [txn] = await k.txns(customerId, new Set([mine.id]), [t]);
    return txn;
  }

  return { add, list, get, transfer };
}
