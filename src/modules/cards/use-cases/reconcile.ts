import { AppError } from '../../../platform/errors.ts';
import { minorUnits } from '../../../platform/money.ts';
import { audit } from '../../staff/index.ts';
import { maskCard } from '../../risk/index.ts';
import type { CardsDeps } from '../cards.deps.ts';
import * as repo from '../cards.repo.ts';
import * as rec from '../reconciliation.repo.ts';
import { cardsId } from '../cards.schema.ts';

export interface NewAssignment {
  externalOrderRef: string; cardholderId: string; expectedSuppliedValue: { amount: number; currency: string }; windowStart: string; windowEnd: string;
}

const money = (amount: number, currency: string) => ({ amount, currency });

/** Decimal text of minor units ("-9386" ZAR → "-93.86"), for the CSV. */
export function decimal(amount: number, currency: string): string {
  const digits = minorUnits(currency);
  if (digits === 0) return String(amount);
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(amount);
  const major = Math.floor(abs / 10 ** digits);
  return `${sign}${major}.${String(abs % 10 ** digits).padStart(digits, '0')}`;
}

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  const guarded = /^[=+@\t\r]/.test(s) || (/^-/.test(s) && !/^-\d+(\.\d+)?$/.test(s)) ? `'${s}` : s; // formulas neutralised, negative amounts kept
  return /[",\n\r]/.test(guarded) || guarded !== s ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

/**
 * Seed 002's "every card transaction tied to an order": spend assignments (this shopper shops for this order in
 * this window, for about this much) and the reconciliation report — items supplied value, slip total (the final
 * amounts of the matched card transactions), the difference, flagged beyond a tolerance — plus the approved spend
 * no assignment explains.
 */
export function reconcile(d: CardsDeps) {
  const { db, cipher } = d;

  async function names(ids: Array<string | null>): Promise<Map<string, string>> {
    const holders = await repo.getCardholders(db, [...new Set(ids.filter((x): x is string => !!x))]);
    return new Map(holders.map((h) => [h.id, cipher.decrypt(h.nameEnc)]));
  }

  async function report(q: { from: Date; to: Date; tolerance: number }) {
    if (q.to <= q.from) throw new AppError('validation_failed', '`to` must be after `from`');
    const rows = await rec.reconciliation(db, q.from, q.to);
    const unmatched = await rec.unmatchedSpend(db, q.from, q.to);
    const who = await names([...rows.map((r) => r.cardholderId), ...unmatched.map((u) => u.cardholderId)]);
    const cards = new Map<string, string>();
    for (const u of unmatched) {
      if (u.cardId && !cards.has(u.cardId)) {
        const c = await repo.getCard(db, u.cardId);
        if (c) cards.set(c.id, maskCard(c.bin, c.last4));
      }
    }
    return {
      from: q.from, to: q.to, tolerance: q.tolerance,
      data: rows.map((r) => {
        const difference = r.slipTotal - r.expectedAmount;
        return {
          assignmentId: r.id, externalOrderRef: r.externalOrderRef, cardholderId: r.cardholderId, cardholderName: who.get(r.cardholderId) ?? null,
          windowStart: r.windowStart, windowEnd: r.windowEnd,
          itemsSuppliedValue: money(r.expectedAmount, r.currency), slipTotal: money(r.slipTotal, r.currency), difference: money(difference, r.currency),
          transactions: r.transactions, pending: r.pending, declined: r.declined, flagged: Math.abs(difference) > q.tolerance,
        };
      }),
      unmatched: unmatched.map((u) => ({
        authorizationId: u.id, cardId: u.cardId, card: u.cardId ? cards.get(u.cardId) ?? null : null, cardholderId: u.cardholderId,
        cardholderName: u.cardholderId ? who.get(u.cardholderId) ?? null : null, merchant: u.merchantName, amount: money(u.amount, u.currency), occurredAt: u.occurredAt, status: u.status,
      })),
    };
  }

  return {
    async createAssignment(actor: string, input: NewAssignment, ip?: string | null): Promise<{ id: string; matched: number; created: boolean }> {
      const windowStart = new Date(input.windowStart);
      const windowEnd = new Date(input.windowEnd);
      if (!(windowEnd > windowStart)) throw new AppError('validation_failed', 'windowEnd must be after windowStart');
      const a: Omit<rec.Assignment, 'createdAt'> = {
        id: cardsId('asg'), externalOrderRef: input.externalOrderRef, cardholderId: input.cardholderId, expectedAmount: input.expectedSuppliedValue.amount,
        currency: input.expectedSuppliedValue.currency, windowStart, windowEnd, createdBy: actor,
      };
      return db.tx(async (trx) => {
        if ((await repo.getCardholders(trx, [input.cardholderId])).length === 0) throw new AppError('unprocessable', `cardholder ${input.cardholderId} not found`);
        if (!(await rec.insertAssignment(trx, a))) {
          const existing = (await rec.getAssignmentByRef(trx, input.externalOrderRef))!;
          const same = existing.cardholderId === a.cardholderId && existing.expectedAmount === a.expectedAmount && existing.currency === a.currency
            && existing.windowStart.getTime() === windowStart.getTime() && existing.windowEnd.getTime() === windowEnd.getTime();
          if (!same) throw new AppError('conflict', `order ${input.externalOrderRef} is already assigned with other details (${existing.id})`);
          return { id: existing.id, matched: 0, created: false };
        }
        const matched = await rec.matchAuthorizations(trx, { ...a, createdAt: new Date() });
        await audit(trx, { actor, action: 'card_assignment.created', subjectId: a.id, details: { externalOrderRef: a.externalOrderRef, cardholderId: a.cardholderId, matched }, ip });
        return { id: a.id, matched, created: true };
      });
    },

    reconciliation: report,

    /** Spend assignments newest first, with the cardholder's name and what has matched so far. */
    async listAssignments(f: rec.AssignmentFilter) {
      const rows = await rec.listAssignments(db, f);
      const who = await names(rows.map((r) => r.cardholderId));
      return rows.map((r) => ({
        id: r.id, externalOrderRef: r.externalOrderRef, cardholderId: r.cardholderId, cardholderName: who.get(r.cardholderId) ?? null,
        expectedSuppliedValue: money(r.expectedAmount, r.currency), windowStart: r.windowStart, windowEnd: r.windowEnd,
        transactions: r.transactions, slipTotal: money(r.slipTotal, r.currency), declined: r.declined, createdBy: r.createdBy, createdAt: r.createdAt,
      }));
    },

    async reconciliationCsv(q: { from: Date; to: Date; tolerance: number }): Promise<string> {
      const r = await report(q);
      const header = ['external_order_ref', 'cardholder', 'window_start', 'window_end', 'currency', 'items_supplied_value', 'slip_total', 'difference', 'transactions', 'pending', 'flagged'];
      const lines = r.data.map((o) => [
        o.externalOrderRef, o.cardholderName, o.windowStart.toISOString(), o.windowEnd.toISOString(), o.itemsSuppliedValue.currency,
        decimal(o.itemsSuppliedValue.amount, o.itemsSuppliedValue.currency), decimal(o.slipTotal.amount, o.slipTotal.currency), decimal(o.difference.amount, o.difference.currency),
        o.transactions, o.pending, o.flagged ? 'yes' : 'no',
      ]);
      // card spend no order explains: one line each, no order reference, always flagged
      for (const u of r.unmatched) {
        lines.push(['', u.cardholderName, u.occurredAt.toISOString(), '', u.amount.currency, decimal(0, u.amount.currency), decimal(u.amount.amount, u.amount.currency), decimal(u.amount.amount, u.amount.currency), 1, u.status === 'approved' ? 1 : 0, 'no order']);
      }
      return [header, ...lines].map((l) => l.map(csvCell).join(',')).join('\r\n') + '\r\n';
    },
  };
}
