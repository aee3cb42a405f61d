import { testDb } from '../../../test/support/db.ts';
import type { Db } from '../../platform/db/db.ts';
import type { Clock } from '../../platform/clock.ts';
import { isAppError } from '../../platform/errors.ts';
import { createLedgerService, type LedgerService } from './ledger.service.ts';
import type { Account, Leg, MoveLeg } from './ledger.schema.ts';

/** Test helpers for the ledger: a fresh database, a clock the test moves, unique ids and account shortcuts. */

export class TestClock implements Clock {
  constructor(public t = Date.parse('2026-01-01T00:00:00Z')) {}
  now(): Date { return new Date(this.t); }
  advance(seconds: number): void { this.t += seconds * 1000; }
}

let n = 0;
export const uniq = (p = 'id') => `${p}_${process.pid.toString(36)}${Date.now().toString(36)}${(n++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export interface LedgerFixture {
  db: Db;
  clock: TestClock;
  ledger: LedgerService;
  close(): Promise<void>;
}

export async function ledgerFixture(opts: { realClock?: boolean } = {}): Promise<LedgerFixture> {
  const db = await testDb();
  const clock = new TestClock();
  const ledger = createLedgerService({ db, clock: opts.realClock ? undefined : clock });
  return { db, clock, ledger, close: async () => { await ledger.drain(); await db.close(); } };
}

export async function wallet(ledger: LedgerService, currency = 'USD', extra: { allowOverdraft?: boolean; overdraftLimit?: number } = {}): Promise<Account> {
  return ledger.openAccount({ ownerType: 'customer', ownerId: uniq('cus'), currency, ...extra });
}

/** A wallet topped up from gateway_clearing with `amount`. */
export async function fundedWallet(ledger: LedgerService, amount: number, currency = 'USD', extra: { allowOverdraft?: boolean; overdraftLimit?: number } = {}): Promise<Account> {
  const w = await wallet(ledger, currency, extra);
  if (amount > 0) {
    const gw = await ledger.systemAccount('gateway_clearing', currency);
    await ledger.transferOne({ id: uniq('top'), debitAccountId: gw.id, creditAccountId: w.id, amount, currency, kind: 'topup', description: 'top-up' });
  }
  return w;
}

export const move = (from: string, to: string, amount: number, extra: Partial<MoveLeg> = {}): MoveLeg => ({
  id: uniq('t'), debitAccountId: from, creditAccountId: to, amount, currency: 'USD', kind: 'transfer', description: 'test transfer', ...extra,
});

/** The error code a rejected promise carries (fails when the promise resolves or throws something else). */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (isAppError(err)) return err.code;
    throw err;
  }
  throw new Error('expected the operation to be refused');
}

export type { Leg };
