import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, TaskCancelledError, TimeoutStrategy, circuitBreaker, handleWhen, timeout, type CircuitBreakerPolicy, type TimeoutPolicy } from 'cockatiel';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { Redis } from 'ioredis';
import { AppError, isAppError } from '../../platform/errors.ts';
import type { SecuritySink } from '../../platform/security.ts';
import type { Logger } from '../../platform/logger.ts';
import { Semaphore, SemaphoreFull, SemaphoreTimeout } from './semaphore.ts';
import { isPermanentRefusal, isTransientUpstream } from './connector.ts';

/**
 * The guarded gateway: the one door from the public side to the internal systems.
 *
 *   gateway.call({ customerId, op }, (signal) => connector.listBills(customerId, 'open', signal))
 *
 * In order, a call passes:
 *   1. the per-customer rate limit, then the global one (rate-limiter-flexible; in Redis when REDIS_URL is set,
 *      so every node shares them)                                          → 429 rate_limited { retryAfterSeconds }
 *   2. a fast check of the circuit breaker (open → no call at all)        → 503 upstream_unavailable { reason: 'breaker_open' }
 *   3. the per-customer concurrency limit, then the global one (semaphores with a short queue; waiting in
 *      the queue is bounded by the timeout)                                → 429 rate_limited / 503 upstream_unavailable (busy)
 *   4. the circuit breaker (cockatiel, ConsecutiveBreaker(breakerFailures), half-open after breakerHalfOpenMs;
 *      only transient failures — 5xx, network, timeouts — count; a 4xx refusal is an answer, not a failure)
 *   5. the timeout (cockatiel, aggressive: the caller is answered at the deadline and the AbortSignal given to
 *      the call fires, so the HTTP request is aborted)                     → 504 upstream_timeout
 * system() is for background work (the bill-posting job): steps 2, 4 and 5 only.
 *
 * Per-customer rate-limit rejections that go on (every `sustained` of them within the window) are reported to
 * the security monitor as a 'request' signal with details { rejected: 'rate' }.
 * Breaker, concurrency and metrics are per node (in memory); rate limits are shared through Redis when configured.
 */

export interface GatewaySettings {
  ratePerCustomerPerMinute: number; rateGlobalPerSecond: number;
  concurrencyPerCustomer: number; concurrencyGlobal: number;
  timeoutMs: number; breakerFailures: number; breakerHalfOpenMs: number;
}

export interface GatewayDeps {
  settings: GatewaySettings;
  security: SecuritySink;
  log?: Logger;
  /** redis://… : rate limits in Redis (shared by all nodes). A client is created and closed by close(). */
  redisUrl?: string;
  /** An existing ioredis client instead (not closed by close()). */
  redis?: Redis;
  /** Key prefix in Redis (tests isolate themselves with it). */
  redisPrefix?: string;
}

export interface GatewayScope {
  customerId: string;
  /** What is called, e.g. 'listBills' (a label for metrics and signals). */
  op: string;
  /** The customer's IP, passed on to security signals. */
  ip?: string;
}

export type RejectReason = 'rate_customer' | 'rate_global' | 'concurrency_customer' | 'concurrency_global' | 'breaker_open';
export type BreakerState = 'closed' | 'open' | 'half_open' | 'isolated';

export interface GatewayMetrics {
  breaker: { state: BreakerState; openedAt: string | null; consecutiveFailures: number };
  inFlight: number;
  queued: number;
  /** Calls that reached the internal system (customer and system calls). */
  calls: number;
  successes: number;
  /** Calls refused by the internal system with a 4xx (not_found, conflict, unprocessable): answers, not failures. */
  refusals: number;
  /** Transient failures (5xx, network, timeouts): these trip the breaker. */
  failures: number;
  timeouts: number;
  rejected: Record<RejectReason, number>;
  latencyMs: { samples: number; p50: number | null; p99: number | null; max: number | null };
  settings: GatewaySettings;
  rateLimitStore: 'memory' | 'redis';
}

const STATE_NAMES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed', [CircuitState.Open]: 'open', [CircuitState.HalfOpen]: 'half_open', [CircuitState.Isolated]: 'isolated',
};
const LATENCY_WINDOW = 1000;

export class Gateway {
  private readonly s: GatewaySettings;
  private readonly perCustomerRate: RateLimiterAbstract;
  private readonly globalRate: RateLimiterAbstract;
  private readonly customerSlots = new Map<string, Semaphore>();
  private readonly globalSlots: Semaphore;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly timeoutPolicy: TimeoutPolicy;
  private readonly ownRedis: Redis | null = null;
  private readonly sustained: number;
  private openedAt: number | null = null;
  private consecutiveFailures = 0;
  private running = 0;
  private counters = { calls: 0, successes: 0, refusals: 0, failures: 0, timeouts: 0 };
  private rejected: Record<RejectReason, number> = { rate_customer: 0, rate_global: 0, concurrency_customer: 0, concurrency_global: 0, breaker_open: 0 };
  private latencies: number[] = [];
  private latencyAt = 0;
  readonly rateLimitStore: 'memory' | 'redis';

  constructor(private readonly deps: GatewayDeps) {
    const s = (this.s = { ...deps.settings });
    const redis = deps.redis ?? (deps.redisUrl ? (this.ownRedis = new Redis(deps.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false })) : null);
    if (this.ownRedis) this.ownRedis.on('error', (err) => deps.log?.warn({ err: err.message }, 'gateway rate-limit Redis error'));
    const customer = { points: s.ratePerCustomerPerMinute, duration: 60, keyPrefix: `${deps.redisPrefix ?? 'tg:gw'}:cus` };
    const global = { points: s.rateGlobalPerSecond, duration: 1, keyPrefix: `${deps.redisPrefix ?? 'tg:gw'}:all` };
    if (redis) {
      // When Redis fails, each node falls back to its own in-memory counters (an insurance limiter) rather than failing calls.
      this.perCustomerRate = new RateLimiterRedis({ storeClient: redis, ...customer, insuranceLimiter: new RateLimiterMemory(customer) });
      this.globalRate = new RateLimiterRedis({ storeClient: redis, ...global, insuranceLimiter: new RateLimiterMemory(global) });
      this.rateLimitStore = 'redis';
    } else {
      this.perCustomerRate = new RateLimiterMemory(customer);
      this.globalRate = new RateLimiterMemory(global);
      this.rateLimitStore = 'memory';
    }
    this.sustained = Math.max(3, Math.ceil(s.ratePerCustomerPerMinute / 4));
    this.globalSlots = new Semaphore(s.concurrencyGlobal, s.concurrencyGlobal);
    this.breaker = circuitBreaker(handleWhen((err) => isTransientUpstream(err) || err instanceof TaskCancelledError), {
      halfOpenAfter: s.breakerHalfOpenMs,
      breaker: new ConsecutiveBreaker(s.breakerFailures),
    });
    this.breaker.onBreak(() => {
      this.openedAt = Date.now();
      deps.log?.warn({ failures: s.breakerFailures }, 'gateway breaker opened: internal system calls are refused for now');
    });
    this.breaker.onReset(() => {
      this.openedAt = null;
      deps.log?.info('gateway breaker closed');
    });
    // abortOnReturn off: a finished call has nothing left to abort (and aborting costs an event dispatch per call)
    this.timeoutPolicy = timeout(s.timeoutMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false });
  }

  /** A call on behalf of a customer: rate limits, concurrency limits, breaker, timeout. */
  async call<T>(scope: GatewayScope, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    await this.checkRates(scope);
    this.checkBreaker();
    const deadline = Date.now() + this.s.timeoutMs; // for waiting in the queues
    const releaseCustomer = await this.slot(this.customerSlot(scope.customerId), deadline, 'concurrency_customer', scope.customerId);
    try {
      const releaseGlobal = await this.slot(this.globalSlots, deadline, 'concurrency_global');
      try {
        return await this.guarded(fn);
      } finally {
        releaseGlobal();
      }
    } finally {
      releaseCustomer();
    }
  }

  /** A call by the system itself (background jobs): breaker and timeout, no per-customer or concurrency limits. */
  async system<T>(_op: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    this.checkBreaker();
    return this.guarded(fn);
  }

  metrics(): GatewayMetrics {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const pct = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : null);
    let queued = this.globalSlots.queued;
    for (const sem of this.customerSlots.values()) queued += sem.queued;
    return {
      breaker: { state: STATE_NAMES[this.breaker.state], openedAt: this.openedAt ? new Date(this.openedAt).toISOString() : null, consecutiveFailures: this.consecutiveFailures },
      inFlight: this.running,
      queued,
      ...this.counters,
      rejected: { ...this.rejected },
      latencyMs: { samples: sorted.length, p50: pct(50), p99: pct(99), max: sorted.length ? sorted[sorted.length - 1] : null },
      settings: { ...this.s },
      rateLimitStore: this.rateLimitStore,
    };
  }

  /** Resolves once the rate-limit store is connected (Redis), or after maxMs; until then each node counts in memory. */
  async ready(maxMs = 2_000): Promise<boolean> {
    const redis = this.ownRedis ?? this.deps.redis;
    if (!redis) return true;
    if (redis.status === 'ready') return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => { redis.off('ready', onReady); resolve(false); }, maxMs);
      const onReady = () => { clearTimeout(timer); resolve(true); };
      redis.once('ready', onReady);
    });
  }

  async close(): Promise<void> {
    if (this.ownRedis) await this.ownRedis.quit().catch(() => this.ownRedis?.disconnect());
  }

  // --- steps ---

  private async checkRates(scope: GatewayScope): Promise<void> {
    try {
      await this.perCustomerRate.consume(scope.customerId);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      this.rejected.rate_customer++;
      const over = err.consumedPoints - this.s.ratePerCustomerPerMinute;
      if (over > 0 && over % this.sustained === 0) {
        this.deps.security.record({
          kind: 'request', customerId: scope.customerId, ip: scope.ip, subject: `gateway:${scope.op}`,
          details: { rejected: 'rate', op: scope.op, overLimit: over, limitPerMinute: this.s.ratePerCustomerPerMinute },
        });
      }
      throw rateLimited(err, 'you are making too many requests to your account data', 'customer');
    }
    try {
      await this.globalRate.consume('all');
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      this.rejected.rate_global++;
      throw rateLimited(err, 'the service is busy, please retry shortly', 'global');
    }
  }

  /** Open and not yet due for a trial: refuse without queueing or calling. */
  private checkBreaker(): void {
    if (this.breaker.state === CircuitState.Open && this.openedAt !== null && Date.now() - this.openedAt < this.s.breakerHalfOpenMs) {
      throw this.breakerOpen();
    }
  }

  private breakerOpen(): AppError {
    this.rejected.breaker_open++;
    const left = this.openedAt === null ? this.s.breakerHalfOpenMs : this.s.breakerHalfOpenMs - (Date.now() - this.openedAt);
    return new AppError('upstream_unavailable', 'the accounting system is unavailable right now, please retry later', { reason: 'breaker_open', retryAfterSeconds: Math.max(1, Math.ceil(left / 1000)) });
  }

  private customerSlot(customerId: string): Semaphore {
    let sem = this.customerSlots.get(customerId);
    if (!sem) this.customerSlots.set(customerId, (sem = new Semaphore(this.s.concurrencyPerCustomer, this.s.concurrencyPerCustomer)));
    return sem;
  }

  private async slot(sem: Semaphore, deadline: number, reason: 'concurrency_customer' | 'concurrency_global', customerId?: string): Promise<() => void> {
    try {
      const release = await sem.acquire(deadline - Date.now());
      return () => {
        release();
        if (customerId && sem.idle) this.customerSlots.delete(customerId); // no map entry per customer ever seen
      };
    } catch (err) {
      if (customerId && sem.idle) this.customerSlots.delete(customerId);
      if (!(err instanceof SemaphoreFull || err instanceof SemaphoreTimeout)) throw err;
      this.rejected[reason]++;
      if (reason === 'concurrency_customer') throw new AppError('rate_limited', 'too many requests at once, please wait for the others to finish', { reason, retryAfterSeconds: 1 });
      throw new AppError('upstream_unavailable', 'the service is busy, please retry shortly', { reason, retryAfterSeconds: 1 });
    }
  }

  private async guarded<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const started = performance.now();
    this.running++;
    let reached = true;
    try {
      const out = await this.breaker.execute(() => this.timeoutPolicy.execute((_ctx, signal) => fn(signal)));
      this.counters.successes++;
      this.consecutiveFailures = 0;
      return out;
    } catch (err) {
      if (err instanceof BrokenCircuitError) {
        reached = false; // refused by the breaker (open, or a half-open trial failed meanwhile): no call was made
        throw this.breakerOpen();
      }
      if (err instanceof TaskCancelledError || (isAppError(err) && err.code === 'upstream_timeout')) {
        this.counters.timeouts++;
        this.counters.failures++;
        this.consecutiveFailures++;
        throw new AppError('upstream_timeout', `the accounting system did not answer within ${this.s.timeoutMs} ms`);
      }
      if (isTransientUpstream(err)) {
        this.counters.failures++;
        this.consecutiveFailures++;
      } else if (isPermanentRefusal(err)) {
        this.counters.refusals++;
      }
      throw err;
    } finally {
      this.running--;
      if (reached) {
        this.counters.calls++;
        this.recordLatency(performance.now() - started);
      }
    }
  }

  private recordLatency(ms: number): void {
    const v = Math.round(ms * 10) / 10;
    if (this.latencies.length < LATENCY_WINDOW) this.latencies.push(v);
    else {
      this.latencies[this.latencyAt] = v;
      this.latencyAt = (this.latencyAt + 1) % LATENCY_WINDOW;
    }
  }
}

function rateLimited(res: RateLimiterRes, message: string, scope: 'customer' | 'global'): AppError {
  return new AppError('rate_limited', message, { reason: scope === 'customer' ? 'rate_customer' : 'rate_global', retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) });
}

export function createGateway(deps: GatewayDeps): Gateway {
  return new Gateway(deps);
}
