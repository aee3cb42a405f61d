import { AppError } from '../../../platform/errors.ts';
import { TRANSFER_KINDS, type AccountTransfer, type TransferKind } from '../../ledger/index.ts';
import type { PersonalAreaDeps } from '../personal-area.deps.ts';
import type { Caller, PersonalAreaCore } from '../personal-area.core.ts';
import type { AccountView, Txn } from '../personal-area.schema.ts';
import * as repo from '../personal-area.repo.ts';

export interface TxnFilter {
  from?: string; to?: string; kind?: string; direction?: 'in' | 'out'; minAmount?: number; maxAmount?: number; cursor?: string; limit?: number;
}

/**
 * A position in the history: the (createdAt, id) of the last transfer a page scanned — the ledger's own cursor
 * format (base64url of "<ms>|<ltr id>"), so the same cursor continues every account of the customer.
 */
const CURSOR = /^(\d{1,15})\|(ltr_[0-9a-hjkmnp-tv-z]{26})$/;
const cursorOf = (t: { createdAt: Date; id: string }) => Buffer.from(`${t.createdAt.getTime()}|${t.id}`).toString('base64url');
function checkCursor(c: string): string {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(c) || !CURSOR.test(Buffer.from(c, 'base64url').toString())) throw new AppError('validation_failed', 'invalid cursor');
  return c;
}
const newerFirst = (a: AccountTransfer, b: AccountTransfer) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** Balances, the history with filters and stable cursor paging, one transaction with its comments. */
export function history(d: PersonalAreaDeps, k: PersonalAreaCore) {
  async function accounts(customerId: string): Promise<AccountView[]> {
    return (await k.accountsOf(customerId)).map(k.accountView);
  }

  async function listTransactions(customerId: string, f: TxnFilter): Promise<{ data: Txn[]; nextCursor: string | null }> {
    const limit = f.limit ?? 20;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 100) throw new AppError('validation_failed', 'limit must be 1–100');
    const from = f.from ? new Date(f.from) : undefined;
    const to = f.to ? new Date(f.to) : undefined;
    if ((from && Number.isNaN(from.getTime())) || (to && Number.isNaN(to.getTime()))) throw new AppError('validation_failed', 'from and to are ISO 8601 timestamps');
    if (from && to && from > to) throw new AppError('validation_failed', 'from must not be after to');
    if (f.minAmount !== undefined && f.maxAmount !== undefined && f.minAmount > f.maxAmount) throw new AppError('validation_failed', 'minAmount must not exceed maxAmount');
    let kinds: TransferKind[] | undefined;
    if (f.kind !== undefined) {
      kinds = f.kind.split(',').map((s) => s.trim()) as TransferKind[];
      const bad = kinds.find((x) => !(TRANSFER_KINDS as readonly string[]).includes(x));
      if (bad !== undefined) throw new AppError('validation_failed', `unknown kind '${bad.slice(0, 40)}'; kinds are ${TRANSFER_KINDS.join(', ')}`);
    }
    let position: string | null = f.cursor ? checkCursor(f.cursor) : null;

    const accounts = await k.accountsOf(customerId);
    const ids = new Set(accounts.map((a) => a.id));
    // Filter by direction here (the ledger filters the rest): scan pages until the page is full or the history ends.
    const batch = f.direction ? Math.min(200, limit * 3) : limit + 1;
    const matched: AccountTransfer[] = [];
    let exhausted = false;
    for (let round = 0; round < 10 && matched.length <= limit && !exhausted; round++) {
      const pages = await Promise.all(accounts.map((a) => d.ledger.listTransfers(a.id, {
        from, to, kinds, types: ['posted', 'pending'], minAmount: f.minAmount, maxAmount: f.maxAmount, cursor: position, limit: batch,
      })));
      // every transfer of the global first `batch` is among its own account's first `batch`
      const merged = [...new Map(pages.flatMap((p) => p.data).map((t) => [t.id, t])).values()].sort(newerFirst);
      exhausted = pages.every((p) => p.nextCursor === null) && merged.length <= batch;
      const scanned = merged.slice(0, batch);
      for (const t of scanned) {
        position = cursorOf(t);
        const direction = ids.has(t.debitAccountId) ? 'out' : 'in';
        if (!f.direction || f.direction === direction) matched.push(t);
        if (matched.length > limit) break;
      }
      if (scanned.length === 0) exhausted = true;
    }
    const more = matched.length > limit;
    const page = matched.slice(0, limit);
    const nextCursor = more ? cursorOf(page[page.length - 1]) : exhausted ? null : position;
    return { data: await k.txns(customerId, ids, page), nextCursor };
  }

  async function getTransaction(c: Caller, id: string) {
    const { txn } = await k.ownTxn(c, id);
    const thread = await repo.commentThread(d.db, c.auth.customerId, id);
    const messages = thread ? await repo.messagesOf(d.db, [thread.id]) : [];
    return { ...txn, comments: messages.map((m) => ({ id: m.id, from: m.author, text: m.body, createdAt: m.createdAt })) };
  }

  return { accounts, listTransactions, getTransaction };
}
