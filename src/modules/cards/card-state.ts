import type { Sql } from '../../platform/db/db.ts';
import type { Logger } from '../../platform/logger.ts';
import { effectiveControls } from './cards.controls.ts';
import { changedCardsSince, loadCardState, type CardState } from './authorizations.repo.ts';
import type { AuthorizationStatus, Controls } from './cards.schema.ts';

/** The spend rule of the SQL (authorizations.repo.ts SPEND): reversed counts 0, else the final amount once known, else the authorized one. */
export const spendOf = (a: { approved: boolean; status: AuthorizationStatus; amount: number; finalAmount: number | null }): number =>
  !a.approved || a.status === 'reversed' ? 0 : Math.max(a.finalAmount ?? a.amount, 0);

/** What the rest of the cards module tells the cache (cards.deps.ts `cardState`). Each call is made AFTER the change commits. */
export interface CardStateHooks {
  /** A card's status or controls changed, or a card was created (its refs may be cached as unknown). */
  cardChanged(cardId: string, processorCardId?: string): void;
  /** A program's controls or fallback changed: every card in it. */
  programChanged(programId: string): void;
  /** Before the COMMIT of a change to an approved authorization's final amount/status: returns the mark to pass to spendChanged. */
  spendChanging(cardId: string): number;
  /** After that COMMIT: the authorization (created at `createdAt`) now counts `delta` more (or less) towards the card's spend. */
  spendChanged(cardId: string, mark: number, createdAt: Date, delta: number): void;
}

/** One cached card: its decision state, the effective controls, and when / at which tick it was loaded. */
export interface CardEntry extends CardState {
  controls: Controls;
  loadedAt: number;
  loadedTick: number;
}

export interface CardStateOptions {
  /** A card's spend is re-read from the database when older than this (other nodes' approvals; default 30 s). */
  spendMaxAgeMs?: number;
  /** An unknown card reference is asked again after this (default 1 s). */
  unknownTtlMs?: number;
  /** At most this many cards in memory (the cache starts over beyond; default 100 000). */
  maxEntries?: number;
  /** Changes made on another node older than this are not looked for again (overlap of the change check; default 10 s). */
  overlapMs?: number;
}

/**
 * Card state in memory for the authorization decision: the card with its program and effective controls, and
 * today's and this month's approved spend — loaded once (one statement), then kept current on this node:
 *
 * - changes made through this node's cards service (freeze, unfreeze, close, controls, program, a rule's freeze
 *   in a decision batch) drop the entry after their COMMIT, so the very next authorization reloads it;
 * - changes made on another node are found by `poll()` (every second, from app.ts): cards and programs whose
 *   updated_at moved since the last check (with an overlap, compared exactly as text) are dropped;
 * - each approval decided by this node adds to the spend at once (under the card's lock, before its COMMIT, so
 *   the next decision about the card can share its batch; taken back if the write loses or fails);
 *   clearing/reversal/refund events correct it (spendChanging/spendChanged); the day and month windows roll
 *   over by reloading; and a spend older than `spendMaxAgeMs` is re-read (what other nodes approved).
 *
 * Races: a load only enters the cache when nothing about its card changed while it ran (a tick per change,
 * `changedAt` per card / program / reference); otherwise it serves its own decision and the next one reloads.
 * Loads and approvals of one card happen under that card's lock, and a load first waits for this node's
 * uncommitted writes of the card (authorize.ts), so a load never misses nor double-counts this node's approvals.
 */
export class CardStateCache implements CardStateHooks {
  private readonly byRef = new Map<string, { entry: CardEntry | null; at: number }>();
  private readonly byId = new Map<string, CardEntry>();
  private readonly changedAt = new Map<string, number>();
  private tick = 0;
  private clearedAt = 0;
  private since: Date | null = null;
  private readonly spendMaxAgeMs: number;
  private readonly unknownTtlMs: number;
  private readonly maxEntries: number;
  private readonly overlapMs: number;
  loads = 0;

  constructor(private readonly db: Sql, private readonly log: Logger, opts: CardStateOptions = {}) {
    this.spendMaxAgeMs = opts.spendMaxAgeMs ?? 30_000;
    this.unknownTtlMs = opts.unknownTtlMs ?? 1_000;
    this.maxEntries = opts.maxEntries ?? 100_000;
    this.overlapMs = opts.overlapMs ?? 10_000;
  }

  get size(): number {
    return this.byId.size;
  }

  /** The cached card for a reference, without loading (the fallback answer's card when the decision is what is slow). */
  peek(cardRef: string): CardEntry | null {
    return this.byRef.get(cardRef)?.entry ?? null;
  }

  /** The card's state for a decision at `now` (call under the card's lock): from memory, or loaded in one statement. Null: unknown card. */
  async get(cardRef: string, now: Date): Promise<CardEntry | null> {
    const held = this.current(cardRef, now);
    return held !== undefined ? held : this.load(cardRef, now);
  }

  /** What memory holds for this reference at `now`: the entry, null (known to be unknown), or undefined (must be loaded). */
  current(cardRef: string, now: Date): CardEntry | null | undefined {
    const t = now.getTime();
    const hit = this.byRef.get(cardRef);
    if (!hit) return undefined;
    const e = hit.entry;
    if (e === null) return t - hit.at < this.unknownTtlMs && t >= hit.at ? null : undefined;
    return t >= e.spend.dayStart && t < e.spend.dayEnd && t - e.loadedAt < this.spendMaxAgeMs && this.byId.get(e.card.id) === e ? e : undefined;
  }

  private async load(cardRef: string, now: Date): Promise<CardEntry | null> {
    const startTick = this.tick;
    this.loads++;
    const s = await loadCardState(this.db, cardRef, now);
    const entry: CardEntry | null = s ? { ...s, controls: effectiveControls(s.card.programControls, s.card.controls), loadedAt: now.getTime(), loadedTick: startTick } : null;
    const changed = Math.max(this.clearedAt, this.changedAt.get(`ref:${cardRef}`) ?? 0, entry ? this.changedAt.get(`card:${entry.card.id}`) ?? 0 : 0,
      entry?.card.programId ? this.changedAt.get(`program:${entry.card.programId}`) ?? 0 : 0);
    if (changed > startTick) return entry; // something about this card changed while it was read: serve this decision, cache nothing
    if (this.byRef.size >= this.maxEntries) this.clear();
    if (!entry) {
      this.byRef.set(cardRef, { entry: null, at: now.getTime() });
      return null;
    }
    const old = this.byId.get(entry.card.id);
    if (old) this.forget(old);
    this.byId.set(entry.card.id, entry);
    this.byRef.set(entry.card.id, { entry, at: entry.loadedAt });
    this.byRef.set(entry.card.processorCardId, { entry, at: entry.loadedAt }); // cardRef is one of the two (loadCardState matches on them)
    return entry;
  }

  /**
   * An approval decided on this node (call under the card's lock, as soon as it is decided — before its COMMIT,
   * so the card's next decision counts it; `-amount` takes it back when its write lost or failed): it counts
   * towards the spend if `entry` is still the card's current state and `at` falls in its windows. Otherwise the
   * next decision reloads from the database (after this node's writes of the card have settled).
   */
  approved(entry: CardEntry, at: Date, amount: number): void {
    if (this.byId.get(entry.card.id) !== entry) return;
    const t = at.getTime();
    if (t >= entry.spend.monthStart && t < entry.spend.dayEnd) entry.spend.month += amount;
    if (t >= entry.spend.dayStart && t < entry.spend.dayEnd) entry.spend.day += amount;
  }

  cardChanged(cardId: string, processorCardId?: string): void {
    const tick = ++this.tick;
    this.changedAt.set(`card:${cardId}`, tick);
    this.changedAt.set(`ref:${cardId}`, tick);
    if (processorCardId) this.changedAt.set(`ref:${processorCardId}`, tick);
    const e = this.byId.get(cardId);
    if (e) this.forget(e);
    this.byRef.delete(cardId);
    if (processorCardId) this.byRef.delete(processorCardId);
  }

  programChanged(programId: string): void {
    this.changedAt.set(`program:${programId}`, ++this.tick);
    for (const e of [...this.byId.values()]) if (e.card.programId === programId) this.forget(e);
  }

  spendChanging(cardId: string): number {
    const tick = ++this.tick;
    this.changedAt.set(`card:${cardId}`, tick);
    return tick;
  }

  spendChanged(cardId: string, mark: number, createdAt: Date, delta: number): void {
    const e = this.byId.get(cardId);
    if (!e || delta === 0) return;
    // loaded before the change was even begun: the change is not in it, add it; loaded since: it may or may not be — reload
    if (e.loadedTick >= mark) {
      this.cardChanged(cardId);
      return;
    }
    const t = createdAt.getTime();
    if (t >= e.spend.monthStart && t < e.spend.dayEnd) e.spend.month += delta;
    if (t >= e.spend.dayStart && t < e.spend.dayEnd) e.spend.day += delta;
  }

  /**
   * The multi-node change check (every second): cards and programs whose updated_at moved since the last check
   * are dropped from memory. The window overlaps the previous one by `overlapMs`, so a change whose transaction
   * began before a check and committed after it is still seen; rows seen again unchanged are left alone.
   */
  async poll(): Promise<{ cards: number; programs: number }> {
    const since = this.since ?? new Date(Date.now() - this.overlapMs);
    const ch = await changedCardsSince(this.db, since);
    this.since = new Date(ch.now.getTime() - this.overlapMs);
    let cards = 0;
    let programs = 0;
    for (const c of ch.cards) {
      const e = this.byId.get(c.id);
      const unknown = this.byRef.get(c.processorCardId)?.entry === null || this.byRef.get(c.id)?.entry === null;
      if ((e && e.card.version !== c.version) || unknown) {
        this.cardChanged(c.id, c.processorCardId);
        cards++;
      }
    }
    for (const p of ch.programs) {
      if ([...this.byId.values()].some((e) => e.card.programId === p.id && e.card.programVersion !== p.version)) {
        this.programChanged(p.id);
        programs++;
      }
    }
    if (cards + programs > 0) this.log.debug({ cards, programs }, 'card state changed on another node: dropped from memory');
    return { cards, programs };
  }

  clear(): void {
    this.byRef.clear();
    this.byId.clear();
    this.changedAt.clear();
    this.clearedAt = ++this.tick;
  }

  private forget(e: CardEntry): void {
    this.byId.delete(e.card.id);
    if (this.byRef.get(e.card.id)?.entry === e) this.byRef.delete(e.card.id);
    if (this.byRef.get(e.card.processorCardId)?.entry === e) this.byRef.delete(e.card.processorCardId);
  }
}
