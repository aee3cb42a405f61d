/**
 * Group commit: items submitted while a batch is being written wait for the next batch, and each batch is ONE
 * write (one transaction, multi-row statements) — so under load the cost of a COMMIT (a WAL flush) is shared by
 * every decision in the batch, and at low load an item is written at once (no timer to wait for).
 *
 * - A batch starts when a writer slot is free: on the next turn of the event loop after the first item
 *   (collecting what arrived in the same turn), or after `lingerMs` when set.
 * - At most `maxInFlight` batches are written at once (1 on PGlite: one connection; 2–4 on PostgreSQL, whose
 *   WAL writer then flushes concurrent commits together), each at most `maxBatch` items.
 * - Each item's promise settles after its batch's COMMIT: what it resolves to was durable before it resolved.
 * - When a batch fails, its items are written again one by one, so one bad item fails alone.
 */
export interface GroupCommitOptions {
  maxBatch?: number;
  maxInFlight?: number;
  lingerMs?: number;
}

interface Pending<I, R> { item: I; resolve: (r: R) => void; reject: (err: unknown) => void }

export class GroupCommit<I, R> {
  private queue: Array<Pending<I, R>> = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly lingerMs: number;
  /** Batches written and items in them (for the benchmark's notes and tests). */
  readonly stats = { batches: 0, items: 0, largest: 0, retriedAlone: 0, writeMs: 0, slowestMs: 0 };

  /** `write` gets a batch and returns one result per item, in the same order; it resolves after COMMIT. */
  constructor(private readonly write: (items: I[]) => Promise<R[]>, opts: GroupCommitOptions = {}) {
    this.maxBatch = Math.max(1, opts.maxBatch ?? 256);
    this.maxInFlight = Math.max(1, opts.maxInFlight ?? 2);
    this.lingerMs = Math.max(0, opts.lingerMs ?? 0);
  }

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Items waiting for a batch plus batches being written. */
  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    const go = () => { this.scheduled = false; this.pump(); };
    if (this.lingerMs > 0) setTimeout(go, this.lingerMs);
    else setImmediate(go);
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      this.stats.batches++;
      this.stats.items += batch.length;
      this.stats.largest = Math.max(this.stats.largest, batch.length);
      void this.run(batch).finally(() => {
        this.inFlight--;
        // what queued up while this batch was written goes at once (it has waited already)
        if (this.queue.length > 0 && !this.scheduled) this.pump();
      });
    }
  }

  private async run(batch: Array<Pending<I, R>>): Promise<void> {
    const t0 = performance.now();
    try {
      const results = await this.write(batch.map((p) => p.item));
      const ms = performance.now() - t0;
      this.stats.writeMs += ms;
      this.stats.slowestMs = Math.max(this.stats.slowestMs, ms);
      if (results.length !== batch.length) throw new Error(`group commit: ${results.length} results for ${batch.length} items`);
      batch.forEach((p, i) => p.resolve(results[i]));
    } catch (err) {
      if (batch.length === 1) {
        batch[0].reject(err);
        return;
      }
      // one bad item must not fail the others: each alone (sequentially, in this slot)
      for (const p of batch) {
        this.stats.retriedAlone++;
        try {
          const [r] = await this.write([p.item]);
          p.resolve(r);
        } catch (e) {
          p.reject(e);
        }
      }
    }
  }
}
