import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ledgerFixture, uniq, type LedgerFixture } from './ledger.testing.ts';
import type { Leg, MoveLeg, TransferOutcome } from './index.ts';

/**
 * Model-based property tests: random sequences of transfers, holds, posts (full and partial), voids, expiries,
 * linked groups, replays and reused ids run against the ledger and against a plain in-memory model. After every
 * step the stored balances equal the model's, no wallet is past its limit, a refused step changed nothing, and
 * at the end of every run the trial balance is balanced and every balance equals the sum of its transfers.
 */

const RUNS = Number(process.env.LEDGER_PROPERTY_RUNS ?? (process.env.DATABASE_URL ? 40 : 25));

let f: LedgerFixture;
before(async () => { f = await ledgerFixture(); });
after(async () => { await f.close(); });

interface MAccount { id: string; currency: string; dmnec: boolean; od: number; dp: number; cp: number; dpe: number; cpe: number }
interface MHold { id: string; debit: number; credit: number; amount: number; expiresAt: number; state: 'pending' | 'posted' | 'voided' | 'expired' }

type MoveSpec = { from: number; to: number; amount: number; otherCurrency: boolean; pending: boolean; timeout: number };
type Op =
  | { t: 'move'; m: MoveSpec }
  | { t: 'linked'; ms: MoveSpec[] }
  | { t: 'post'; hold: number; amount: number | null }
  | { t: 'void'; hold: number }
  | { t: 'tick'; seconds: number }
  | { t: 'replay'; idx: number }
  | { t: 'reuse'; idx: number };

const ACCOUNTS = 6; // 0: USD system source, 1–3: USD wallets (3 with an overdraft of 40), 4: EUR system source, 5: EUR wallet
const moveSpec = fc.record({
  from: fc.integer({ min: 0, max: ACCOUNTS - 1 }), to: fc.integer({ min: 0, max: ACCOUNTS - 1 }), amount: fc.integer({ min: 1, max: 200 }),
  otherCurrency: fc.integer({ min: 0, max: 9 }).map((n) => n === 0), pending: fc.boolean(), timeout: fc.integer({ min: 5, max: 120 }),
});
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: moveSpec.map((m) => ({ t: 'move' as const, m })) },
  { weight: 2, arbitrary: fc.array(moveSpec, { minLength: 2, maxLength: 3 }).map((ms) => ({ t: 'linked' as const, ms })) },
  { weight: 3, arbitrary: fc.record({ hold: fc.nat(), amount: fc.option(fc.integer({ min: 1, max: 220 }), { nil: null }) }).map((x) => ({ t: 'post' as const, ...x })) },
  { weight: 2, arbitrary: fc.nat().map((hold) => ({ t: 'void' as const, hold })) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 90 }).map((seconds) => ({ t: 'tick' as const, seconds })) },
  { weight: 1, arbitrary: fc.nat().map((idx) => ({ t: 'replay' as const, idx })) },
  { weight: 1, arbitrary: fc.nat().map((idx) => ({ t: 'reuse' as const, idx })) },
);

class Model {
  holds: MHold[] = [];
  constructor(public accounts: MAccount[], public now: () => number) {}
  clone(): Model {
    const m = new Model(this.accounts.map((a) => ({ ...a })), this.now);
    m.holds = this.holds.map((h) => ({ ...h }));
    return m;
  }
  private limit(a: MAccount): string | null {
    if (a.dmnec && a.dp + a.dpe > a.cp + a.od) return a.od > 0 ? 'limit_exceeded' : 'insufficient_funds';
    return null;
  }
  /** Applies one group; returns the error code of the first failing leg (and then the model is unchanged) or null. */
  apply(legs: Array<{ kind: 'move'; m: MoveSpec; currency: string } | { kind: 'post'; hold: number; amount: number | null } | { kind: 'void'; hold: number }>): { code: string | null; newHolds: number } {
    const s = this.clone();
    let newHolds = 0;
    for (const leg of legs) {
      if (leg.kind === 'move') {
        const dr = s.accounts[leg.m.from], cr = s.accounts[leg.m.to];
        if (dr.currency !== leg.currency || cr.currency !== leg.currency) return { code: 'unprocessable', newHolds: 0 };
        if (leg.m.pending) { dr.dpe += leg.m.amount; cr.cpe += leg.m.amount; } else { dr.dp += leg.m.amount; cr.cp += leg.m.amount; }
        const e = s.limit(dr);
        if (e) return { code: e, newHolds: 0 };
        if (leg.m.pending) { s.holds.push({ id: '', debit: leg.m.from, credit: leg.m.to, amount: leg.m.amount, expiresAt: this.now() + leg.m.timeout * 1000, state: 'pending' }); newHolds++; }
      } else {
        const h = s.holds[leg.hold];
        if (h.state !== 'pending') return { code: 'illegal_transition', newHolds: 0 };
        if (h.expiresAt <= this.now()) return { code: 'illegal_transition', newHolds: 0 };
        const amount = leg.kind === 'post' ? (leg.amount ?? h.amount) : h.amount;
        if (amount > h.amount) return { code: 'unprocessable', newHolds: 0 };
        const dr = s.accounts[h.debit], cr = s.accounts[h.credit];
        dr.dpe -= h.amount; cr.cpe -= h.amount;
        if (leg.kind === 'post') { dr.dp += amount; cr.cp += amount; }
        h.state = leg.kind === 'post' ? 'posted' : 'voided';
      }
    }
    this.accounts = s.accounts;
    this.holds = s.holds;
    return { code: null, newHolds };
  }
  expire(): void {
    for (const h of this.holds) {
      if (h.state === 'pending' && h.expiresAt <= this.now()) {
        h.state = 'expired';
        this.accounts[h.debit].dpe -= h.amount;
        this.accounts[h.credit].cpe -= h.amount;
      }
    }
  }
}

async function stored(ids: string[]) {
  const rows = await f.db.query<{ id: string; debits_posted: number; credits_posted: number; debits_pending: number; credits_pending: number }>(
    `SELECT id, debits_posted, credits_posted, debits_pending, credits_pending FROM ledger_accounts WHERE id = ANY($1::text[])`, [ids],
  );
  const by = new Map(rows.map((r) => [r.id, [Number(r.debits_posted), Number(r.credits_posted), Number(r.debits_pending), Number(r.credits_pending)]]));
  return ids.map((id) => by.get(id)!);
}

async function openRunAccounts(): Promise<MAccount[]> {
  const tag = uniq('r').replace(/[^a-z0-9]/g, '').slice(-20);
  const specs = [
    { system: true, currency: 'USD', od: 0 }, { system: false, currency: 'USD', od: 0 }, { system: false, currency: 'USD', od: 0 },
    { system: false, currency: 'USD', od: 40 }, { system: true, currency: 'EUR', od: 0 }, { system: false, currency: 'EUR', od: 0 },
  ];
  const out: MAccount[] = [];
  for (const [i, s] of specs.entries()) {
    const a = s.system
      ? await f.ledger.openAccount({ ownerType: 'system', code: `p${tag}${i}`, currency: s.currency })
      : await f.ledger.openAccount({ ownerType: 'customer', ownerId: `cus_${tag}${i}`, currency: s.currency, allowOverdraft: s.od > 0, overdraftLimit: s.od });
    out.push({ id: a.id, currency: s.currency, dmnec: !s.system, od: s.od, dp: 0, cp: 0, dpe: 0, cpe: 0 });
  }
  return out;
}

test('any sequence of transfers, holds, posts, voids and expiries matches the model, keeps limits and balances', async () => {
  await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 30 }), async (ops) => {
    const model = new Model(await openRunAccounts(), () => f.clock.now().getTime());
    const ids = model.accounts.map((a) => a.id);
    const done: Array<{ legs: Leg[]; out: TransferOutcome & { ok: true } }> = [];
    const toLeg = (m: MoveSpec): MoveLeg & { currency: string } => {
      const from = model.accounts[m.from];
      const currency = m.otherCurrency ? (from.currency === 'USD' ? 'EUR' : 'USD') : from.currency;
      return {
        id: uniq('p'), debitAccountId: from.id, creditAccountId: model.accounts[m.to].id, amount: m.amount, currency, kind: m.pending ? 'card_hold' : 'transfer',
        description: 'property', type: m.pending ? 'pending' : 'posted', ...(m.pending ? { timeoutSeconds: m.timeout } : {}),
      };
    };
    for (const o of ops) {
      const before = await stored(ids);
      let legs: Leg[] | null = null;
      let expected: string | null = null;
      let holdsAdded = 0;
      if (o.t === 'move' || o.t === 'linked') {
        const specs = (o.t === 'move' ? [o.m] : o.ms).filter((m) => m.from !== m.to);
        if (specs.length === 0) continue;
        legs = specs.map(toLeg);
        const r = model.apply(specs.map((m, i) => ({ kind: 'move' as const, m, currency: (legs![i] as MoveLeg).currency })));
        expected = r.code;
        holdsAdded = r.newHolds;
      } else if (o.t === 'post' || o.t === 'void') {
        if (model.holds.length === 0) continue;
        const hi = o.hold % model.holds.length;
        legs = [o.t === 'post'
          ? { type: 'post_pending', id: uniq('pp'), pendingId: model.holds[hi].id, ...(o.amount === null ? {} : { amount: o.amount }) }
          : { type: 'void_pending', id: uniq('vp'), pendingId: model.holds[hi].id }];
        expected = model.apply([o.t === 'post' ? { kind: 'post', hold: hi, amount: o.amount } : { kind: 'void', hold: hi }]).code;
      } else if (o.t === 'tick') {
        f.clock.advance(o.seconds);
        await f.ledger.expireDue();
        model.expire();
      } else if (o.t === 'replay' || o.t === 'reuse') {
        if (done.length === 0) continue;
        const prev = done[o.idx % done.length];
        if (o.t === 'replay') {
          const again = await f.ledger.tryTransfer(prev.legs);
          assert.ok(again.ok && again.replayed, 'a replay returns the original');
          assert.deepEqual(again.transfers.map((t) => t.id), prev.out.transfers.map((t) => t.id));
        } else {
          const changed = prev.legs.map((l, i) => (i === 0 ? { ...l, description: 'changed' } : l)) as Leg[];
          const again = await f.ledger.tryTransfer(changed);
          assert.equal(!again.ok && again.error.code, 'transfer_id_reused');
        }
        assert.deepEqual(await stored(ids), before, 'a replay or a reused id changes nothing');
        continue;
      }
      if (legs) {
        const out = await f.ledger.tryTransfer(legs);
        assert.equal(out.ok ? null : out.error.code, expected, `${JSON.stringify(o)} → ${out.ok ? 'ok' : out.error.message}`);
        if (out.ok) {
          done.push({ legs, out });
          // the model learns the ids of the holds it just made
          const newHolds = out.transfers.filter((t) => t.type === 'pending');
          assert.equal(newHolds.length, holdsAdded);
          newHolds.forEach((t, i) => { model.holds[model.holds.length - holdsAdded + i].id = t.id; });
        } else {
          assert.deepEqual(await stored(ids), before, 'a refused operation changes nothing');
          for (const l of legs) assert.equal(await f.ledger.getTransfer(l.id).then(() => true, () => false), false);
        }
      }
      const now = await stored(ids);
      assert.deepEqual(now, model.accounts.map((a) => [a.dp, a.cp, a.dpe, a.cpe]), `after ${JSON.stringify(o)}`);
      for (const a of model.accounts) if (a.dmnec) assert.ok(a.dp + a.dpe <= a.cp + a.od, 'no wallet past its limit');
    }
    const tb = await f.ledger.trialBalance();
    assert.equal(tb.balanced, true, JSON.stringify(tb));
    assert.deepEqual(await f.ledger.reconcile(), []);
  }), { numRuns: RUNS });
});

test('a batch of concurrent submissions gives each group the outcome it would have had alone, in submission order', async () => {
  await fc.assert(fc.asyncProperty(fc.array(moveSpec.filter((m) => m.from !== m.to), { minLength: 1, maxLength: 60 }), async (specs) => {
    const model = new Model(await openRunAccounts(), () => f.clock.now().getTime());
    const ids = model.accounts.map((a) => a.id);
    const legs = specs.map((m) => ({
      id: uniq('b'), debitAccountId: ids[m.from], creditAccountId: ids[m.to], amount: m.amount, currency: m.otherCurrency ? (model.accounts[m.from].currency === 'USD' ? 'EUR' : 'USD') : model.accounts[m.from].currency,
      kind: 'transfer' as const, description: 'batch', type: m.pending ? 'pending' as const : 'posted' as const,
    }));
    // submitted in one tick: they share transactions, yet each succeeds or fails on its own
    const outs = await Promise.all(legs.map((l) => f.ledger.tryTransfer([l])));
    outs.forEach((out, i) => {
      const expected = model.apply([{ kind: 'move', m: specs[i], currency: legs[i].currency }]).code;
      assert.equal(out.ok ? null : out.error.code, expected, `leg ${i}`);
    });
    assert.deepEqual(await stored(ids), model.accounts.map((a) => [a.dp, a.cp, a.dpe, a.cpe]));
  }), { numRuns: RUNS });
  assert.equal((await f.ledger.trialBalance()).balanced, true);
});
