import type { Sql } from '../../platform/db/db.ts';
import * as repo from './ledger.repo.ts';
import { accountIdsOf, applyGroup, checkGroup, pendingIdsOf, type AnyLeg, type WorkingSet } from './ledger.engine.ts';
import type { TransferOutcome } from './ledger.schema.ts';

/** The channel `pg_notify` posts to after transfers commit (the personal area's live updates LISTEN on it). */
export const LEDGER_CHANNEL = 'ledger_posted';
/** Payload of one notification: the accounts whose balances changed and the transfers written (chunked below 8000 bytes). */
export interface LedgerNotification { accounts: string[]; transfers: string[] }
const MAX_PAYLOAD = 7500;

/**
 * Applies groups of legs in the caller's transaction: reads the holds they resolve, locks every account
 * involved in one sorted statement, reads the ids already used, validates each group in order against the
 * running balances (each group all or nothing, independently of the others), then writes all the
 * successful groups with a handful of multi-row statements and one pg_notify per ≤ 8000 bytes.
 */
export async function executeGroups(trx: Sql, groups: AnyLeg[][], now: Date): Promise<TransferOutcome[]> {
  const shapes = groups.map((g) => checkGroup(g, true)); // (callers' groups were checked on the way in too)
  const legs: AnyLeg[] = [];
  for (let i = 0; i < groups.length; i++) if (shapes[i] === null) for (const l of groups[i]) legs.push(l);
  const pendingIds = [...new Set(pendingIdsOf(legs))];
  const pendings = (await repo.transfersByIds(trx, pendingIds)).filter((t) => t.type === 'pending');
  const accountIds = new Set(accountIdsOf(legs));
  for (const p of pendings) { accountIds.add(p.debitAccountId); accountIds.add(p.creditAccountId); }
  const locked = await repo.lockAccounts(trx, [...accountIds].sort());
  // Read after the locks: anything that touched these accounts before us has committed and is visible now.
  const holdRows = await repo.holdsByIds(trx, pendings.map((p) => p.id));
  const existing = await repo.transfersByClientIds(trx, [...new Set(legs.map((l) => l.id))]);

  const ws: WorkingSet = {
    now,
    accounts: new Map(locked.map((a) => [a.id, a])),
    holds: new Map(),
    existing: new Map(existing.map((t) => [t.clientId, t])),
    applied: new Map(),
    out: { transfers: [], newHolds: [], resolved: [] },
  };
  const byId = new Map(pendings.map((p) => [p.id, p]));
  for (const h of holdRows) {
    const transfer = byId.get(h.transferId);
    if (transfer) ws.holds.set(h.transferId, { transfer, state: h.state, expiresAt: h.expiresAt });
  }
  const initial = new Map(locked.map((a) => [a.id, { ...a }]));

  const outcomes = groups.map((g, i): TransferOutcome => { const bad = shapes[i]; return bad ? { ok: false, ...bad } : applyGroup(ws, g); });
  if (ws.out.transfers.length === 0) return outcomes;

  const d = { ids: [] as string[], dp: [] as number[], cp: [] as number[], dpe: [] as number[], cpe: [] as number[] };
  for (const [id, a] of ws.accounts) {
    const b = initial.get(id)!;
    if (a.dp === b.dp && a.cp === b.cp && a.dpe === b.dpe && a.cpe === b.cpe) continue;
    d.ids.push(id); d.dp.push(a.dp - b.dp); d.cp.push(a.cp - b.cp); d.dpe.push(a.dpe - b.dpe); d.cpe.push(a.cpe - b.cpe);
  }
  await repo.insertTransfers(trx, ws.out.transfers);
  if ((await repo.applyDeltas(trx, d)) !== d.ids.length) throw new Error('ledger: an account vanished while locked');
  await repo.insertHolds(trx, ws.out.newHolds);
  if ((await repo.resolveHolds(trx, ws.out.resolved)) !== ws.out.resolved.length) throw new Error('ledger: a hold was resolved concurrently');
  await repo.notify(trx, LEDGER_CHANNEL, notificationPayloads(ws));
  return outcomes;
}

/** Chunks the batch's account and transfer ids into payloads below the 8000-byte NOTIFY limit. */
function notificationPayloads(ws: WorkingSet): string[] {
  const out: string[] = [];
  let accounts = new Set<string>();
  let transfers: string[] = [];
  let size = 30;
  const flush = () => {
    if (transfers.length) out.push(JSON.stringify({ accounts: [...accounts], transfers } satisfies LedgerNotification));
    accounts = new Set();
    transfers = [];
    size = 30;
  };
  for (const t of ws.out.transfers) {
    const add = t.id.length + 3 + (accounts.has(t.debitAccountId) ? 0 : t.debitAccountId.length + 3) + (accounts.has(t.creditAccountId) ? 0 : t.creditAccountId.length + 3);
    if (size + add > MAX_PAYLOAD) flush();
    transfers.push(t.id);
    accounts.add(t.debitAccountId);
    accounts.add(t.creditAccountId);
    size += t.id.length + 3 + t.debitAccountId.length + t.creditAccountId.length + 6;
  }
  flush();
  return out;
}

export interface GroupCommitOptions {
  /** Legs per transaction (default 1000). */
  maxBatch: number;
  /** Transactions in flight at once (PGlite: 1). */
  maxInFlight: number;
  /** Wait this long for more work before a transaction starts (0: the next turn of the event loop). */
  lingerMs: number;
}

type Result<O> = O | { fatal: unknown };
interface Pending<I, O> { item: I; size: number; keys: string[] | null; resolve: (o: O) => void; reject: (e: unknown) => void }

/**
 * Group commit: work submitted while transactions are in flight waits and goes into the next one, so
 * the number of transactions adapts to the load (one per request when idle, up to `maxBatch` legs each
 * under load). Each caller's promise resolves after its transaction committed.
 *
 * Batches in flight never share a key (an account): two transactions locking the same rows would wait for
 * each other, and measured on PostgreSQL that waiting doubled the database's CPU per transfer. A group whose
 * key is busy — or used by an earlier group still waiting — stays queued, so groups sharing an account run
 * in submission order. A group with unknown keys (`keysOf` → null: it resolves a hold, whose accounts are
 * read in the transaction) runs only when nothing before it waits, in a batch that runs alone.
 */
export class GroupCommit<I, O> {
  private queue: Array<Pending<I, O>> = [];
  private queued = 0;
  private inFlight = 0;
  private busy = new Set<string>();
  private exclusive = false;
  private scheduled = false;
  private idle: Array<() => void> = [];

  constructor(
    private readonly run: (items: I[]) => Promise<Array<Result<O>>>,
    private readonly opts: GroupCommitOptions,
    private readonly keysOf: (item: I) => string[] | null = () => [],
  ) {}

  submit(item: I, size = 1): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, size, keys: this.keysOf(item), resolve, reject });
      this.queued += size;
      this.kick();
    });
  }

  get pending(): number {
    return this.queued + this.inFlight;
  }

  /** Resolves when nothing is queued or in flight. */
  drain(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((r) => this.idle.push(r));
  }

  private canStart(): boolean {
    return this.queue.length > 0 && this.inFlight < this.opts.maxInFlight && !this.exclusive;
  }

  private kick(): void {
    // never synchronously: the scan in take() then runs once per turn of the event loop, not once per submission
    if (!this.canStart() || this.scheduled) return;
    this.scheduled = true;
    const go = () => { this.scheduled = false; this.flush(); };
    if (this.opts.lingerMs > 0 && this.queued < this.opts.maxBatch) setTimeout(go, this.opts.lingerMs); else setImmediate(go);
  }

  /** The next batch: queued groups in order, skipping (and keeping in order) those that would wait for a batch in flight. */
  private take(): { batch: Array<Pending<I, O>>; keys: string[]; exclusive: boolean } {
    const batch: Array<Pending<I, O>> = [];
    const rest: Array<Pending<I, O>> = [];
    const keys: string[] = [];
    const blocked = new Set<string>();
    const taken = new Set<string>();
    let size = 0;
    let barrier = false;
    let exclusive = false;
    let looked = 0;
    const window = this.opts.maxBatch * 2; // look-ahead: past it the queue waits (a hot account blocks most of it)
    for (const p of this.queue) {
      if (barrier || ++looked > window) { rest.push(p); continue; }
      if (batch.length > 0 && size + p.size > this.opts.maxBatch) { barrier = true; rest.push(p); continue; } // full: the rest keeps its order
      let ok: boolean;
      if (p.keys === null) ok = rest.length === 0 && (this.inFlight === 0 || batch.length > 0);
      else {
        ok = true;
        for (const k of p.keys) if (this.busy.has(k) || blocked.has(k)) { ok = false; break; }
      }
      if (!ok) {
        rest.push(p);
        if (p.keys === null) barrier = true; else for (const k of p.keys) blocked.add(k);
        continue;
      }
      batch.push(p);
      size += p.size;
      if (p.keys === null) exclusive = true; else for (const k of p.keys) taken.add(k);
    }
    for (const k of taken) { this.busy.add(k); keys.push(k); } // (groups of one batch may share accounts: checked in order in memory)
    this.queue = rest;
    this.queued -= size;
    return { batch, keys, exclusive };
  }

  private flush(): void {
    if (!this.canStart()) return;
    const { batch, keys, exclusive } = this.take();
    if (batch.length === 0) return; // everything waits for a batch in flight; its completion kicks again
    this.inFlight++;
    this.exclusive = exclusive;
    this.run(batch.map((p) => p.item)).then(
      (results) => batch.forEach((p, i) => {
        const r = results[i];
        if (r && typeof r === 'object' && 'fatal' in r) p.reject(r.fatal); else p.resolve(r as O);
      }),
      (err) => batch.forEach((p) => p.reject(err)),
    ).finally(() => {
      this.inFlight--;
      for (const k of keys) this.busy.delete(k);
      if (exclusive) this.exclusive = false;
      if (this.queue.length === 0 && this.inFlight === 0) for (const r of this.idle.splice(0)) r();
      this.kick();
    });
    this.kick();
  }
}
