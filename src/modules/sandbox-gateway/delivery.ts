import type { Db } from '../../platform/db/db.ts';
import type { Logger } from '../../platform/logger.ts';
import { signPayload } from '../../platform/webhooks-in/signature.ts';
import * as repo from './sandbox.repo.ts';
import type { SandboxEventRow } from './sandbox.repo.ts';

export type DeliveryMode = 'normal' | 'chaos';

export interface DeliveryTuning {
  /** How often the loop looks for due events (ms). State changes also wake it at once. */
  pollMs: number;
  /** First retry delay; doubles per attempt up to retryMaxMs, ±20% jitter. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Timeout of one POST to the merchant. */
  timeoutMs: number;
  /** How long a claimed event is reserved for the node sending it (must exceed chaos delay + timeout). */
  leaseMs: number;
  batchSize: number;
  /** Stop retrying an event this long after it was created (real gateways: about 3 days). */
  giveUpAfterMs: number;
  /** chaos: upper bound of the random delay before each send. */
  chaosMaxDelayMs: number;
}

export const DEFAULT_TUNING: DeliveryTuning = {
  pollMs: 1000,
  retryBaseMs: 1000,
  retryMaxMs: 10 * 60_000,
  timeoutMs: 10_000,
  leaseMs: 60_000,
  batchSize: 25,
  giveUpAfterMs: 3 * 24 * 3600_000,
  chaosMaxDelayMs: 1500,
};

export interface DeliveryOptions {
  db: Db;
  webhookUrl: string;
  webhookSecret: string;
  mode: DeliveryMode;
  log?: Logger;
  tuning?: Partial<DeliveryTuning>;
}

/**
 * Durable webhook delivery, like a real gateway's: every event row stays pending until the merchant
 * answers 2xx. A pass claims due rows (FOR UPDATE SKIP LOCKED + a lease, so several nodes can run the
 * loop), POSTs them outside any transaction, then marks them delivered or schedules a retry with
 * exponential backoff. Rows left pending by a stopped or crashed process are sent after the next start.
 * Each send is signed at send time: `Sandbox-Signature: t=<now>,v1=<HMAC-SHA256(secret, "<t>.<body>")>`.
 *
 * mode 'chaos' (tests and demos) makes delivery as unfriendly as real gateways can be:
 *  1. duplicates — every attempt POSTs the event twice, concurrently;
 *  2. late — each of those POSTs waits a random 0..chaosMaxDelayMs (default 1.5 s) first, so events of one
 *     batch also overtake each other;
 *  3. stale / out of order — after an event is delivered, the payment's previous event (an earlier state,
 *     e.g. payment.authorized after payment.succeeded) is POSTed once more, freshly signed. This re-send is
 *     best effort and not recorded.
 * The event is delivered (row marked) if any of its POSTs got a 2xx; otherwise it is retried as usual.
 */
export class WebhookDelivery {
  private readonly tuning: DeliveryTuning;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private again = false;
  private stopped = true;

  constructor(private readonly opts: DeliveryOptions) {
    this.tuning = { ...DEFAULT_TUNING, ...opts.tuning };
  }

  /** Starts the loop and immediately delivers whatever is pending (e.g. from before a restart). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.tuning.pollMs);
    this.timer.unref?.();
    this.kick();
  }

  /** Stops the loop and waits for the pass in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.again = false;
    await this.running?.catch(() => undefined);
  }

  /** Asks for a pass now (used after every state change). No-op when stopped. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.deliverPending()
      .catch((err) => {
        this.opts.log?.error({ err }, 'sandbox webhook delivery pass failed');
        return 0;
      })
      .finally(() => {
        this.running = null;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** One pass over due events (callable directly, e.g. by tests). Returns how many were delivered. */
  async deliverPending(): Promise<number> {
    let delivered = 0;
    for (;;) {
      const batch = await this.opts.db.tx((trx) => repo.claimDueEvents(trx, this.tuning.batchSize, this.tuning.leaseMs));
      if (batch.length === 0) return delivered;
      const results = await Promise.all(batch.map((e) => this.deliverOne(e)));
      delivered += results.filter(Boolean).length;
      if (batch.length < this.tuning.batchSize) return delivered;
    }
  }

  private async deliverOne(e: SandboxEventRow): Promise<boolean> {
    const { db, log, mode } = this.opts;
    const sends = mode === 'chaos' ? [this.send(e, this.chaosDelay()), this.send(e, this.chaosDelay())] : [this.send(e, 0)];
    const results = await Promise.all(sends);
    const ok = results.find((r) => r.ok);
    if (ok) {
      await repo.markDelivered(db, e.id, ok.status!);
      if (mode === 'chaos') await this.resendStale(e);
      return true;
    }
    const last = results[results.length - 1];
    const retryInMs = this.backoff(e.attempts);
    log?.warn({ eventId: e.id, type: e.type, attempt: e.attempts, status: last.status, error: last.error, retryInMs }, 'sandbox webhook not delivered, will retry');
    await repo.markFailed(db, e.id, { status: last.status, error: last.error ?? `HTTP ${last.status}`, retryInMs, giveUpAfterMs: this.tuning.giveUpAfterMs });
    return false;
  }

  private async resendStale(e: SandboxEventRow): Promise<void> {
    const prev = await repo.previousEvent(this.opts.db, e.paymentId, e.id);
    if (!prev) return;
    const r = await this.send(prev, this.chaosDelay() / 4);
    this.opts.log?.debug({ eventId: prev.id, after: e.id, status: r.status }, 'sandbox chaos: stale event re-sent');
  }

  private async send(e: SandboxEventRow, delayMs: number): Promise<{ ok: boolean; status: number | null; error?: string }> {
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    try {
      const res = await fetch(this.opts.webhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'TollgateSandboxGateway/1.0',
          'sandbox-signature': signPayload(this.opts.webhookSecret, e.body),
        },
        body: e.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.tuning.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      return { ok: res.status >= 200 && res.status < 300, status: res.status };
    } catch (err) {
      return { ok: false, status: null, error: (err as Error).name === 'TimeoutError' ? 'timeout' : String((err as Error).cause ?? (err as Error).message).slice(0, 200) };
    }
  }

  private chaosDelay(): number {
    return Math.floor(Math.random() * this.tuning.chaosMaxDelayMs);
  }

  private backoff(attempts: number): number {
    const base = Math.min(this.tuning.retryMaxMs, this.tuning.retryBaseMs * 2 ** Math.max(0, attempts - 1));
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }
}
