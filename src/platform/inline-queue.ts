/**
 * Runs async work items in the background with bounded concurrency (no durability: callers keep the durable
 * record — e.g. the webhook inbox — and a sweeper retries what never ran). idle() resolves when drained.
 */
export class InlineQueue<T> {
  private readonly items: T[] = [];
  private running = 0;
  private waiters: Array<() => void> = [];
  constructor(private readonly concurrency: number, private readonly run: (item: T) => Promise<void>) {}

  push(item: T): void {
    this.items.push(item);
    this.pump();
  }

  idle(): Promise<void> {
    if (this.running === 0 && this.items.length === 0) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  private pump(): void {
    while (this.running < this.concurrency && this.items.length > 0) {
      const item = this.items.shift()!;
      this.running++;
      void this.run(item).catch(() => undefined).finally(() => {
        this.running--;
        if (this.running === 0 && this.items.length === 0) for (const w of this.waiters.splice(0)) w();
        this.pump();
      });
    }
  }
}
