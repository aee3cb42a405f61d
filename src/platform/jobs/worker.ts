import type { Db } from '../db/db.ts';
import type { Logger } from '../logger.ts';
import { claim, complete, fail, heartbeat, type Job } from './queue.ts';
import { randomToken } from '../crypto.ts';

/** What a handler tells the worker: done (with a result), or a failure that may be retried. */
export class JobFailure extends Error {
  constructor(message: string, readonly retryable = true) {
    super(message);
  }
}

export interface JobContext {
  /** Extends the lease; throws when the lease was lost (another worker may now hold the job). */
  heartbeat(): Promise<void>;
  signal: AbortSignal;
}

export type JobHandler = (job: Job, ctx: JobContext) => Promise<unknown>;
/** Called outside any transaction when a job of this kind went dead after its last attempt. */
export type DeadHandler = (job: Job, error: string) => Promise<void>;

export interface WorkerOptions {
  queues: string[];
  concurrency: number;
  pollMs: number;
  leaseSeconds?: number;
  /** Called (outside the job's transaction) when a job went dead after its last attempt. */
  onDead?: (job: Job, error: string) => Promise<void>;
}

/**
 * In-process worker: polls the queue, runs handlers outside any DB transaction, records the outcome.
 * stop() stops claiming, waits for in-flight jobs (graceful shutdown).
 */
export class Worker {
  readonly id = `wrk_${randomToken(6)}`;
  private handlers = new Map<string, { run: JobHandler; onDead?: DeadHandler }>();
  private running = 0;
  private stopped = true;
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private pollAgain = false;
  private idle: Array<() => void> = [];
  private abort = new AbortController();

  constructor(private readonly db: Db, private readonly log: Logger, private readonly opts: WorkerOptions) {}

  register(kind: string, run: JobHandler, onDead?: DeadHandler): void {
    this.handlers.set(kind, { run, onDead });
  }

  /** Queues this worker claims from (modules add theirs at boot). */
  addQueue(queue: string): void {
    if (!this.opts.queues.includes(queue)) this.opts.queues.push(queue);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.abort = new AbortController();
    this.schedule(0);
  }

  /** Ask for a poll now (e.g. right after enqueueing), instead of waiting for the next tick. */
  wake(): void {
    if (this.stopped) return;
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running === 0 && !this.polling) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  get inFlight(): number {
    return this.running;
  }

  private schedule(ms: number) {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(), ms);
  }

  private async poll(): Promise<void> {
    if (this.stopped || this.polling) return;
    this.polling = true;
    this.pollAgain = false;
    let claimed = 0;
    try {
      const free = this.opts.concurrency - this.running;
      if (free > 0) {
        const jobs = await this.db.tx((trx) => claim(trx, this.opts.queues, this.id, free, this.opts.leaseSeconds ?? 60));
        claimed = jobs.length;
        for (const job of jobs) void this.run(job);
      }
    } catch (err) {
      this.log.error({ err }, 'job poll failed');
    } finally {
      this.polling = false;
      this.settle();
    }
    const full = this.running >= this.opts.concurrency;
    this.schedule(full ? this.opts.pollMs : claimed > 0 || this.pollAgain ? 0 : this.opts.pollMs);
  }

  private settle() {
    if (this.stopped && this.running === 0 && !this.polling) {
      for (const r of this.idle.splice(0)) r();
    }
  }

  private async run(job: Job): Promise<void> {
    this.running++;
    const handler = this.handlers.get(job.kind);
    const lease = this.opts.leaseSeconds ?? 60;
    const ctx: JobContext = {
      signal: this.abort.signal,
      heartbeat: async () => {
        const ok = await this.db.tx((trx) => heartbeat(trx, job.id, this.id, lease));
        if (!ok) throw new JobFailure('lease lost');
      },
    };
    try {
      if (!handler) throw new JobFailure(`no handler for job kind ${job.kind}`, false);
      const result = await handler.run(job, ctx);
      await this.db.tx((trx) => complete(trx, job.id, result ?? null));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const retryable = err instanceof JobFailure ? err.retryable : true;
      this.log.warn({ jobId: job.id, kind: job.kind, attempt: job.attempts, err: message }, 'job failed');
      try {
        const outcome = await this.db.tx((trx) => fail(trx, job.id, message, { retryable }));
        if (outcome === 'dead') {
          if (handler?.onDead) await handler.onDead(job, message);
          else await this.opts.onDead?.(job, message);
        }
      } catch (e) {
        this.log.error({ err: e, jobId: job.id }, 'could not record job failure');
      }
    } finally {
      this.running--;
      this.settle();
      if (!this.stopped) this.wake();
    }
  }
}
