import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { Redis } from 'ioredis';
import { AppError } from '../../platform/errors.ts';

export type LimitBucket = 'login' | 'verify' | 'signup' | 'sms';

/**
 * Per-IP request budgets of the authentication endpoints (fixed one-minute windows). In Redis when a URL is
 * given, so every node counts against the same budget (memory is the insurance while Redis is down);
 * otherwise in this process.
 */
export class IpLimits {
  private readonly limiters: Record<LimitBucket, RateLimiterAbstract>;
  private readonly redis: Redis | null;

  constructor(perMinute: Record<LimitBucket, number>, redisUrl?: string) {
    this.redis = redisUrl ? new Redis(redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false }) : null;
    this.redis?.on('error', () => undefined); // the insurance limiter takes over; ioredis reconnects by itself
    const make = (bucket: LimitBucket): RateLimiterAbstract => {
      const points = Math.max(1, Math.floor(perMinute[bucket]));
      const memory = new RateLimiterMemory({ points, duration: 60, keyPrefix: `cus:${bucket}` });
      if (!this.redis) return memory;
      return new RateLimiterRedis({ storeClient: this.redis, points, duration: 60, keyPrefix: `tg:rl:cus:${bucket}`, insuranceLimiter: memory });
    };
    this.limiters = { login: make('login'), verify: make('verify'), signup: make('signup'), sms: make('sms') };
  }

  /** Spends one request of this IP's budget; throws 429 rate_limited when it is used up. */
  async take(bucket: LimitBucket, ip: string | null): Promise<void> {
    try {
      await this.limiters[bucket].consume(ip ?? 'unknown');
    } catch (e) {
      if (e instanceof RateLimiterRes) {
        throw new AppError('rate_limited', `too many attempts from this address, retry in ${Math.ceil(e.msBeforeNext / 1000)} s`, { retryAfterSeconds: Math.ceil(e.msBeforeNext / 1000) });
      }
      throw e;
    }
  }

  async close(): Promise<void> {
    if (this.redis) this.redis.disconnect();
  }
}
