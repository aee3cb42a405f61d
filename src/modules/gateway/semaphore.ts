/**
 * A counting semaphore with a bounded wait queue: acquire() resolves with a release function when a slot is
 * free, waits (first come, first served) while the queue has room, and rejects with SemaphoreFull when it has
 * none or with SemaphoreTimeout when no slot freed up within the wait.
 */
export class SemaphoreFull extends Error {}
export class SemaphoreTimeout extends Error {}

export class Semaphore {
  private active = 0;
  private readonly waiting: Array<{ grant: () => void }> = [];

  constructor(readonly limit: number, readonly queueLimit: number) {}

  get inUse(): number {
    return this.active;
  }
  get queued(): number {
    return this.waiting.length;
  }
  get idle(): boolean {
    return this.active === 0 && this.waiting.length === 0;
  }

  /** A slot now, or after waiting at most `maxWaitMs` in the queue (a timer exists only while waiting). */
  acquire(maxWaitMs: number): Promise<() => void> {
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.queueLimit) return Promise.reject(new SemaphoreFull('no free slot'));
    if (maxWaitMs <= 0) return Promise.reject(new SemaphoreTimeout('no slot freed up in time'));
    return new Promise((resolve, reject) => {
      const entry = {
        grant: () => {
          clearTimeout(timer);
          resolve(this.releaser());
        },
      };
      const timer = setTimeout(() => {
        const i = this.waiting.indexOf(entry);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(new SemaphoreTimeout('no slot freed up in time'));
      }, maxWaitMs);
      this.waiting.push(entry);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next.grant(); // the slot passes straight to the next waiter
      else this.active--;
    };
  }
}
