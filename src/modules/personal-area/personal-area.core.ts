import type { Sql } from '../../platform/db/db.ts';
import { notFound, type AppError } from '../../platform/errors.ts';
import type { Account, Leg, Transfer } from '../ledger/index.ts';
import type { CustomerAuth } from '../customers/index.ts';
import type { PersonalAreaDeps } from './personal-area.deps.ts';
import type { AccountView, Txn, TxnStatus } from './personal-area.schema.ts';
import * as repo from './personal-area.repo.ts';

/** Where a request came from (for security signals). */
export interface Caller { auth: CustomerAuth; ip?: string | null; route?: string }

/**
 * Helpers every use case of the personal area shares: the customer's accounts, system accounts inside a
 * transaction, the ownership answer (404 + a 'not_found_foreign' signal) and the customer's view of a transfer.
 */
export function personalAreaCore(d: PersonalAreaDeps) {
  const { ledger, settings } = d;
  const systemIds = new Map<string, string>();

  /** A system account's id, opened on first use inside the caller's transaction (PGlite: no second connection). */
  async function systemIn(trx: Sql, code: 'gateway_clearing' | 'bills_clearing' | 'suspense', currency: string): Promise<string> {
    const key = `${code}:${currency}`;
    const known = systemIds.get(key);
    if (known) return known;
    const a = await ledger.openAccountIn(trx, { ownerType: 'system', code, currency });
    systemIds.set(key, a.id);
    return a.id;
  }

  /** The customer's wallet in this currency inside the caller's transaction (opened if missing: idempotent). */
  function walletIn(trx: Sql, customerId: string, currency: string): Promise<Account> {
    return ledger.openAccountIn(trx, { ownerType: 'customer', ownerId: customerId, currency });
  }

  /**
   * Money the gateway took back (refund / chargeback) after it was credited to the wallet: wallet → gateway_clearing
   * for what the wallet still holds, the shortfall suspense → gateway_clearing as a linked leg (staff recover it),
   * in the caller's transaction. Client ids `<clientId>` and `<clientId>:suspense` (a replay posts nothing new).
   */
  async function clawBack(trx: Sql, c: { customerId: string; currency: string; amount: number; clientId: string; description: string; metadata: Record<string, unknown> }): Promise<{ fromWallet: number; fromSuspense: number }> {
    const wallet = await walletIn(trx, c.customerId, c.currency);
    const clearing = await systemIn(trx, 'gateway_clearing', c.currency);
    const fromWallet = Math.max(0, Math.min(c.amount, wallet.balance.available));
    const fromSuspense = c.amount - fromWallet;
    const legs: Leg[] = [];
    if (fromWallet > 0) {
      legs.push({ id: c.clientId, debitAccountId: wallet.id, creditAccountId: clearing, amount: fromWallet, currency: c.currency, kind: 'chargeback', description: c.description.slice(0, 200), metadata: c.metadata });
    }
    if (fromSuspense > 0) {
      const suspense = await systemIn(trx, 'suspense', c.currency);
      legs.push({
        id: `${c.clientId}:suspense`, debitAccountId: suspense, creditAccountId: clearing, amount: fromSuspense, currency: c.currency, kind: 'chargeback',
        description: `Shortfall: ${c.description}`.slice(0, 200), metadata: { ...c.metadata, customerId: c.customerId, shortfall: true },
      });
    }
    if (legs.length > 0) await ledger.transferIn(trx, legs);
    return { fromWallet, fromSuspense };
  }

  /** The customer's accounts (a customer who signed up before the personal area existed gets their wallet now). */
  async function accountsOf(customerId: string): Promise<Account[]> {
    const accounts = await ledger.accountsOf('customer', customerId);
    if (accounts.length > 0) return accounts;
    return [await ledger.openAccount({ ownerType: 'customer', ownerId: customerId, currency: settings.walletCurrency })];
  }

  /**
   * The answer for an id that exists but belongs to another customer: exactly the not-found answer a
   * non-existent id gets, plus a signal to the security monitor (enumeration detection).
   */
  function foreign(c: Caller, what: string, id: string): AppError {
    d.security.record({ kind: 'not_found_foreign', customerId: c.auth.customerId, ip: c.ip ?? undefined, subject: id, details: { route: c.route ?? what } });
    return notFound(what);
  }

  function accountView(a: Account): AccountView {
    const pending = a.balance.debitsPending;
    return {
      id: a.id, currency: a.currency, status: a.status,
      balance: { amount: a.balance.posted, currency: a.currency },
      available: { amount: a.balance.available, currency: a.currency },
      pending: { amount: pending, currency: a.currency },
    };
  }

  /** What the customer sees of a hold: its state, and once posted the amount that was posted. */
  async function holdStatus(t: Transfer): Promise<{ status: TxnStatus; amount: number }> {
    const h = await ledger.getHold(t.id);
    if (h.state === 'pending') return { status: 'pending', amount: t.amount };
    if (h.state === 'posted') {
      const by = h.resolvedBy ? await ledger.getTransfer(h.resolvedBy).catch(() => null) : null;
      return { status: 'posted', amount: by?.amount ?? t.amount };
    }
    return { status: h.state, amount: t.amount };
  }

  /**
   * The customer's view of transfers touching their accounts: one line per operation. A hold is shown with its
   * state (pending / posted with the posted amount / voided / expired); the transfers that resolve a hold are
   * shown as the hold they resolve. Transfers touching none of `accountIds` are dropped.
   */
  async function txns(customerId: string, accountIds: ReadonlySet<string>, transfers: Transfer[]): Promise<Txn[]> {
    const resolved: Transfer[] = [];
    const seen = new Set<string>();
    for (const t of transfers) {
      let base = t;
      if (t.type !== 'posted' && t.type !== 'pending' && t.pendingId) base = await ledger.getTransfer(t.pendingId).catch(() => t);
      if (seen.has(base.id)) continue;
      if (!accountIds.has(base.debitAccountId) && !accountIds.has(base.creditAccountId)) continue;
      seen.add(base.id);
      resolved.push(base);
    }
    const counts = await repo.commentCounts(d.db, customerId, resolved.map((t) => t.id));
    const out: Txn[] = [];
    for (const t of resolved) {
      const direction = accountIds.has(t.debitAccountId) ? 'out' : 'in';
      const { status, amount } = t.type === 'pending' ? await holdStatus(t) : { status: 'posted' as const, amount: t.amount };
      const meta = (t.metadata ?? {}) as Record<string, unknown>;
      const description = direction === 'in' && typeof meta.inDescription === 'string' ? meta.inDescription : t.description;
      out.push({
        id: t.id, kind: t.kind, direction, amount: { amount, currency: t.currency }, description, status, createdAt: t.createdAt,
        reference: typeof meta.reference === 'string' ? meta.reference : t.id,
        receiptAvailable: status === 'posted', commentsCount: counts.get(t.id) ?? 0,
      });
    }
    return out;
  }

  /** One transfer as the customer sees it; someone else's → the not-found answer (and a signal). */
  async function ownTxn(c: Caller, id: string): Promise<{ txn: Txn; transfer: Transfer; accounts: Account[] }> {
    const t = await ledger.getTransfer(id).catch(() => null);
    if (!t || t.id !== id) throw notFound('transaction');
    const accounts = await accountsOf(c.auth.customerId);
    const ids = new Set(accounts.map((a) => a.id));
    const [txn] = await txns(c.auth.customerId, ids, [t]);
    if (!txn) throw foreign(c, 'transaction', id);
    if (txn.id !== t.id) throw notFound('transaction'); // a hold's resolution is reached through the hold
    return { txn, transfer: t, accounts };
  }

  return { systemIn, walletIn, clawBack, accountsOf, foreign, accountView, txns, ownTxn };
}
export type PersonalAreaCore = ReturnType<typeof personalAreaCore>;
