/**
 * The double-entry ledger: customers' wallets and the platform's system accounts, moved only by balanced,
 * immutable transfers.
 *
 * API (other modules import it from `modules/ledger/index.ts`):
 *
 *   const ledger = createLedgerService({ db, clock?, batch? })
 *
 *   Accounts
 *     openAccount(input: OpenAccountInput): Promise<Account>           idempotent per (owner, currency, code)
 *     openAccountIn(trx, input): Promise<Account>                      same, inside the caller's transaction
 *     systemAccount(code, currency): Promise<Account>                   gateway_clearing | fees | revenue | suspense | bills_clearing | card_settlement | …; opened on first use
 *     walletOf(customerId, currency): Promise<Account | null>
 *     getAccount(id) / balance(id): Promise<Account> / Promise<Balance & { accountId, currency }>   not_found
 *     accountsOf(ownerType, ownerId): Promise<Account[]>
 *     listAccounts({ ownerType?, ownerId?, currency?, code?, status?, cursor?, limit? }): Promise<Page<Account>>
 *     setOverdraft(id, { allowOverdraft, overdraftLimit }): Promise<Account>   refused when the account already uses more
 *     closeAccount(id): Promise<Account>                                refused while it has a balance or holds
 *
 *   Transfers (legs: MoveLeg | PostPendingLeg | VoidPendingLeg; see ledger.schema.ts)
 *     transfer(legs: Leg[]): Promise<Transfer[]>      linked: all legs or none; group-committed with concurrent callers
 *     transferOne(leg: Leg): Promise<Transfer>
 *     tryTransfer(legs): Promise<TransferOutcome>      the same, refusals as a value ({ ok: false, error, legIndex })
 *     transferIn(trx, legs): Promise<Transfer[]>       inside the caller's transaction (their change and the entry commit together)
 *       - inside a transaction always use transferIn: transfer() commits in a transaction of its own, which would wait
 *         for the caller's locks (PostgreSQL) or for the caller's transaction to end (PGlite: one connection) — forever
 *       - each leg has the caller's id: same id + same contents → the original transfers (no second effect);
 *         same id + other contents → AppError('transfer_id_reused')
 *       - refusals change nothing: insufficient_funds, limit_exceeded (overdraft / overflow), not_found (account or hold),
 *         unprocessable (closed account, currency mismatch, posting more than held), illegal_transition (hold already
 *         posted/voided/expired, or past its expiry), validation_failed (shape)
 *     Holds: { type: 'pending', …, timeoutSeconds } reserves funds; { type: 'post_pending', pendingId, amount? } posts all or
 *       part (the rest is released); { type: 'void_pending', pendingId } releases; expireDue(now?) releases the overdue ones.
 *       Each hold is resolved exactly once (a unique index on pending_id under the service's checks).
 *     correct({ id, debitAccountId, creditAccountId, amount, currency, description, reason, actor, ip? }): Promise<Transfer>   staff, audited
 *     getTransfer(idOrClientId): Promise<Transfer>;  getHold(ltrId): Promise<Hold>
 *     listTransfers(accountId, { from?, to?, kinds?, types?, minAmount?, maxAmount?, cursor?, limit?, order? }): Promise<Page<AccountTransfer>>
 *       newest first by default, stable (created_at, id) cursor
 *
 *   Checks
 *     trialBalance(): Promise<TrialBalance>            Σ debits = Σ credits per currency (posted and pending)
 *     reconcile(): Promise<Array<{ id, stored, journal }>>   accounts whose balances differ from their transfers (full scan)
 *     expireDue(now?): Promise<number>                  the sweep (app.ts runs it every 5 s)
 *     drain(): Promise<void>                            waits for in-flight group commits (shutdown)
 *
 *   Live updates: every transaction that writes transfers runs pg_notify('ledger_posted', '{"accounts":[…],"transfers":[…]}')
 *   (LEDGER_CHANNEL; chunked below 8000 bytes; delivered on commit only).
 */
import type { Db, Sql } from '../../platform/db/db.ts';
import { isUniqueViolation } from '../../platform/db/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { systemClock, type Clock } from '../../platform/clock.ts';
import { audit } from '../staff/index.ts';
import * as repo from './ledger.repo.ts';
import { GroupCommit, executeGroups, type GroupCommitOptions } from './ledger.batch.ts';
import { checkGroup, type AnyLeg, type ExpireLeg } from './ledger.engine.ts';
import {
  CODE_PATTERN, TRANSFER_KINDS, TRANSFER_TYPES,
  type Account, type AccountTransfer, type Balance, type Hold, type Leg, type NormalSide, type OpenAccountInput, type Page, type Transfer,
  type TransferOutcome, type TransferQuery, type TrialBalance,
} from './ledger.schema.ts';

export interface LedgerDeps {
  db: Db;
  clock?: Clock;
  batch?: Partial<GroupCommitOptions>;
}

const DEBIT_NORMAL = new Set(['gateway_clearing', 'suspense', 'card_settlement']);
const CURRENCY = /^[A-Z]{3}$/;

function accountDefaults(input: OpenAccountInput): repo.NewAccount {
  if (!input || (input.ownerType !== 'customer' && input.ownerType !== 'system')) throw new AppError('validation_failed', "ownerType must be 'customer' or 'system'");
  if (typeof input.currency !== 'string' || !CURRENCY.test(input.currency)) throw new AppError('validation_failed', 'currency must be an ISO 4217 code');
  const customer = input.ownerType === 'customer';
  const ownerId = customer ? input.ownerId : '';
  if (customer && (typeof ownerId !== 'string' || ownerId.length === 0 || ownerId.length > 64)) throw new AppError('validation_failed', 'ownerId is required for a customer account');
  const code = input.code ?? (customer ? 'wallet' : undefined);
  if (typeof code !== 'string' || !CODE_PATTERN.test(code)) throw new AppError('validation_failed', 'code must match ^[a-z][a-z0-9_]{1,39}$');
  const limit = input.overdraftLimit ?? 0;
  if (!Number.isSafeInteger(limit) || limit < 0) throw new AppError('validation_failed', 'overdraftLimit must be a non-negative integer of minor units');
  const normalSide: NormalSide = input.normalSide ?? (customer ? 'credit' : DEBIT_NORMAL.has(code) ? 'debit' : 'credit');
  return {
    id: newId('lac'), ownerType: input.ownerType, ownerId: ownerId as string, code, currency: input.currency, normalSide,
    dmnec: input.debitsMustNotExceedCredits ?? customer, cmned: input.creditsMustNotExceedDebits ?? false,
    allowOverdraft: input.allowOverdraft ?? false, overdraftLimit: limit,
  };
}

function encodeCursor(t: { createdAt: Date; id: string }): string {
  return Buffer.from(`${t.createdAt.getTime()}|${t.id}`).toString('base64url');
}
function decodeCursor(c: string): { at: Date; id: string } {
  const m = /^(\d{1,15})\|(ltr_[0-9a-z]{26})$/.exec(Buffer.from(c, 'base64url').toString());
  if (!m) throw new AppError('validation_failed', 'invalid cursor');
  return { at: new Date(Number(m[1])), id: m[2] };
}

/**
 * An error caused by the data of some group (a constraint, a data exception, a raised exception): worth
 * isolating. Anything else (connection lost, database shutting down) fails the whole batch at once.
 */
function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && /^(22|23|P0)/.test(code);
}

const publicOutcome = (o: TransferOutcome): TransferOutcome => (o.ok ? { ...o, transfers: o.transfers.map((t) => repo.stripLink(t as repo.StoredTransfer)) } : o);

export function createLedgerService(deps: LedgerDeps) {
  const { db } = deps;
  const clock = deps.clock ?? systemClock;
  const systemIds = new Map<string, string>();

  /** One transaction for many groups; a concurrent writer of the same ids means: re-read and classify again. */
  async function runBatch(groups: AnyLeg[][], now?: Date): Promise<Array<TransferOutcome | { fatal: unknown }>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.tx((trx) => executeGroups(trx, groups, now ?? clock.now()));
      } catch (err) {
        if (isUniqueViolation(err) && attempt < 4) continue;
        if (groups.length > 1 && isDataError(err)) {
          // Something no in-memory check foresaw: find the group that causes it, let the others through.
          const half = Math.ceil(groups.length / 2);
          return [...(await runBatch(groups.slice(0, half), now)), ...(await runBatch(groups.slice(half), now))];
        }
        return groups.map(() => ({ fatal: err }));
      }
    }
  }

  const committer = new GroupCommit<AnyLeg[], TransferOutcome>((groups) => runBatch(groups), {
    maxBatch: deps.batch?.maxBatch ?? 1000,
    maxInFlight: deps.batch?.maxInFlight ?? (db.kind === 'pglite' ? 1 : 2),
    lingerMs: deps.batch?.lingerMs ?? 0,
  }, (legs) => {
    // the accounts a group locks; a hold's accounts are known only once it is read (in the transaction)
    const keys: string[] = [];
    for (const l of legs) {
      if (!('debitAccountId' in l)) return null;
      keys.push(l.debitAccountId, l.creditAccountId);
    }
    return keys;
  });

  async function tryTransfer(legs: Leg[]): Promise<TransferOutcome> {
    const shape = checkGroup(legs);
    if (shape) return { ok: false, ...shape };
    return publicOutcome(await committer.submit(legs, legs.length));
  }

  async function transfer(legs: Leg[]): Promise<Transfer[]> {
    const o = await tryTransfer(legs);
    if (!o.ok) throw o.error;
    return o.transfers;
  }

  async function getAccount(id: string): Promise<Account> {
    const a = typeof id === 'string' ? await repo.getAccount(db, id) : null;
    if (!a) throw notFound('account');
    return a;
  }

  const service = {
    // --- accounts ---
    async openAccount(input: OpenAccountInput): Promise<Account> {
      const a = accountDefaults(input);
      return repo.openAccount(db, a);
    },
    async openAccountIn(trx: Sql, input: OpenAccountInput): Promise<Account> {
      return repo.openAccount(trx, accountDefaults(input));
    },
    async systemAccount(code: string, currency: string): Promise<Account> {
      const key = `${code}:${currency}`;
      const known = systemIds.get(key);
      if (known) return getAccount(known);
      const a = await repo.openAccount(db, accountDefaults({ ownerType: 'system', code, currency }));
      systemIds.set(key, a.id);
      return a;
    },
    async walletOf(customerId: string, currency: string): Promise<Account | null> {
      return repo.findAccount(db, 'customer', customerId, currency, 'wallet');
    },
    getAccount,
    async balance(id: string): Promise<Balance & { accountId: string; currency: string }> {
      const a = await getAccount(id);
      return { accountId: a.id, currency: a.currency, ...a.balance };
    },
    async accountsOf(ownerType: 'customer' | 'system', ownerId: string | null): Promise<Account[]> {
      return repo.accountsOf(db, ownerType, ownerType === 'system' ? '' : (ownerId ?? ''));
    },
    async listAccounts(f: { ownerType?: 'customer' | 'system'; ownerId?: string; currency?: string; code?: string; status?: 'open' | 'closed'; cursor?: string | null; limit?: number } = {}): Promise<Page<Account>> {
      const limit = f.limit ?? 50;
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > 500) throw new AppError('validation_failed', 'limit must be 1–500');
      const rows = await repo.listAccounts(db, { ...f, ownerId: f.ownerType === 'system' ? '' : f.ownerId, afterId: f.cursor ?? null, limit: limit + 1 });
      const more = rows.length > limit;
      const data = more ? rows.slice(0, limit) : rows;
      return { data, nextCursor: more ? data[data.length - 1].id : null };
    },
    async setOverdraft(id: string, o: { allowOverdraft: boolean; overdraftLimit: number }): Promise<Account> {
      if (!Number.isSafeInteger(o.overdraftLimit) || o.overdraftLimit < 0) throw new AppError('validation_failed', 'overdraftLimit must be a non-negative integer of minor units');
      return db.tx(async (trx) => {
        const a = await repo.lockAccount(trx, id);
        if (!a) throw notFound('account');
        const limit = o.allowOverdraft ? o.overdraftLimit : 0;
        if (a.debitsMustNotExceedCredits && a.balance.debitsPosted + a.balance.debitsPending > a.balance.creditsPosted + limit) {
          throw new AppError('unprocessable', `account ${id} already uses more than that limit`);
        }
        await repo.setOverdraft(trx, id, o.allowOverdraft, o.overdraftLimit);
        return (await repo.getAccount(trx, id))!;
      });
    },
    async closeAccount(id: string): Promise<Account> {
      return db.tx(async (trx) => {
        const a = await repo.lockAccount(trx, id);
        if (!a) throw notFound('account');
        const b = a.balance;
        if (b.debitsPending !== 0 || b.creditsPending !== 0) throw new AppError('unprocessable', `account ${id} has open holds`);
        if (b.debitsPosted !== b.creditsPosted) throw new AppError('unprocessable', `account ${id} has a balance of ${b.posted}`);
        await repo.setAccountStatus(trx, id, 'closed');
        return (await repo.getAccount(trx, id))!;
      });
    },

    // --- transfers ---
    transfer,
    tryTransfer,
    async transferOne(leg: Leg): Promise<Transfer> {
      return (await transfer([leg]))[0];
    },
    async transferIn(trx: Sql, legs: Leg[]): Promise<Transfer[]> {
      const shape = checkGroup(legs);
      if (shape) throw shape.error;
      let o: TransferOutcome;
      try {
        [o] = await executeGroups(trx, [legs], clock.now());
      } catch (err) {
        // Same contents would have touched the same (locked) accounts and been seen: a clash means other contents.
        if (isUniqueViolation(err, 'ledger_transfers_client_id_key')) throw new AppError('transfer_id_reused', 'a transfer id of this group was used concurrently for other contents');
        throw err;
      }
      if (!o.ok) throw o.error;
      return o.transfers.map((t) => repo.stripLink(t as repo.StoredTransfer));
    },
    /**
     * A staff correction: a new transfer of kind 'correction' (transfers are never edited), audited in the same
     * transaction. Replaying the same id returns the original correction without a second audit entry.
     */
    async correct(input: { id: string; debitAccountId: string; creditAccountId: string; amount: number; currency: string; description: string; reason: string; actor: string; ip?: string | null }): Promise<Transfer> {
      const leg: Leg = {
        id: input.id, debitAccountId: input.debitAccountId, creditAccountId: input.creditAccountId, amount: input.amount, currency: input.currency,
        kind: 'correction', description: input.description, metadata: { reason: input.reason },
      };
      const shape = checkGroup([leg]);
      if (shape) throw shape.error;
      return db.tx(async (trx) => {
        const [o] = await executeGroups(trx, [[leg]], clock.now());
        if (!o.ok) throw o.error;
        const t = repo.stripLink(o.transfers[0] as repo.StoredTransfer);
        if (!o.replayed) {
          await audit(trx, {
            actor: input.actor, action: 'ledger.correction', subjectId: t.id, ip: input.ip ?? null,
            details: { clientId: t.clientId, debitAccountId: t.debitAccountId, creditAccountId: t.creditAccountId, amount: t.amount, currency: t.currency, reason: input.reason },
          });
        }
        return t;
      });
    },
    async getTransfer(id: string): Promise<Transfer> {
      const t = typeof id === 'string' && id.length <= 128 ? await repo.getTransfer(db, id) : null;
      if (!t) throw notFound('transfer');
      return repo.stripLink(t);
    },
    async getHold(id: string): Promise<Hold> {
      const [t] = await repo.transfersByIds(db, [id]);
      if (!t || t.type !== 'pending') throw notFound('hold');
      const [h] = await repo.holdsByIds(db, [id]);
      return { transfer: repo.stripLink(t), state: h.state, resolvedBy: h.resolvedBy, resolvedAt: h.resolvedAt };
    },
    async listTransfers(accountId: string, q: TransferQuery = {}): Promise<Page<AccountTransfer>> {
      const limit = q.limit ?? 50;
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > 500) throw new AppError('validation_failed', 'limit must be 1–500');
      if (q.kinds?.some((k) => !(TRANSFER_KINDS as readonly string[]).includes(k))) throw new AppError('validation_failed', 'unknown kind');
      if (q.types?.some((k) => !(TRANSFER_TYPES as readonly string[]).includes(k))) throw new AppError('validation_failed', 'unknown type');
      for (const v of [q.minAmount, q.maxAmount]) if (v !== undefined && !Number.isSafeInteger(v)) throw new AppError('validation_failed', 'amounts are integers of minor units');
      await getAccount(accountId);
      const c = q.cursor ? decodeCursor(q.cursor) : null;
      const rows = await repo.listTransfers(db, accountId, { ...q, limit: limit + 1, cursorAt: c?.at, cursorId: c?.id });
      const more = rows.length > limit;
      const data = more ? rows.slice(0, limit) : rows;
      return { data, nextCursor: more ? encodeCursor(data[data.length - 1]) : null };
    },

    // --- checks and sweeps ---
    async trialBalance(): Promise<TrialBalance> {
      const rows = await repo.trialBalance(db);
      let balanced = true;
      const currencies = rows.map((r) => {
        if (BigInt(r.d) !== BigInt(r.c) || BigInt(r.dpe) !== BigInt(r.cpe)) balanced = false;
        return { currency: r.currency, debits: Number(r.d), credits: Number(r.c), debitsPending: Number(r.dpe), creditsPending: Number(r.cpe), accounts: r.accounts };
      });
      return { balanced, currencies };
    },
    reconcile: () => repo.reconcile(db),
    /** Releases holds past their expiry (each exactly once, also with several nodes sweeping). Returns how many. */
    async expireDue(now: Date = clock.now(), pageSize = 500): Promise<number> {
      let expired = 0;
      for (let page = 0; page < 20; page++) {
        const due = await repo.dueHolds(db, now, pageSize);
        if (due.length === 0) break;
        const groups: ExpireLeg[][] = due.map((id) => [{ type: 'expire_pending', id: `expire:${id}`, pendingId: id }]);
        const results = await runBatch(groups, now);
        const before = expired;
        for (const r of results) if ('ok' in r && r.ok && !r.replayed) expired++;
        if (due.length < pageSize || expired === before) break;
      }
      return expired;
    },
    drain: () => committer.drain(),
  };
  return service;
}

export type LedgerService = ReturnType<typeof createLedgerService>;
