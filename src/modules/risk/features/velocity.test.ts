// Velocity stores: the same behaviour suite against MemoryVelocityStore and RedisVelocityStore (local Redis,
// unique prefix per run, cleaned up), plus what is specific to each.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { MemoryVelocityStore } from './velocity-memory.ts';
import { RedisVelocityStore } from './velocity-redis.ts';
import { WINDOWS, flattenSnapshot, velocitySchema, type VelocityClock, type VelocityEvent, type VelocityStore } from './velocity.ts';

/** Aligned on every bucket size (1 s, 1 min, 10 min, 1 h). */
const T0 = Date.UTC(2026, 0, 5);
const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const D = 24 * H;

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUN = `tgtest:vel:${process.pid}:${Date.now().toString(36)}:`;

class FakeClock implements VelocityClock {
  constructor(public t = T0) {}
  now(): number {
    return this.t;
  }
}

async function redisReachable(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}
const redisUp = await redisReachable();
if (!redisUp && process.env.CI) throw new Error(`Redis is not reachable at ${REDIS_URL}`);

interface Harness {
  make(clock: VelocityClock, opts?: { distinctCap?: number }): VelocityStore;
  cleanup(): Promise<void>;
}

function memoryHarness(): Harness {
  return { make: (clock, opts) => new MemoryVelocityStore({ clock, distinctCap: opts?.distinctCap }), cleanup: async () => {} };
}

function redisHarness(): Harness {
  const stores: RedisVelocityStore[] = [];
  let n = 0;
  return {
    make(clock, opts) {
      const s = new RedisVelocityStore({ url: REDIS_URL, prefix: `${RUN}${++n}:`, clock, distinctCap: opts?.distinctCap });
      stores.push(s);
      return s;
    },
    async cleanup() {
      for (const s of stores) {
        await s.clear();
        await s.close();
      }
    },
  };
}

const card = (key: string) => ({ dim: 'card', key });

/** Brute force: events at times ts (with amounts) counted in window w at `now` by the documented rule. */
function reference(events: Array<{ t: number; usd: number }>, now: number) {
  const out: Record<string, number> = {};
  for (const w of WINDOWS) {
    const inWin = events.filter((e) => e.t <= now && Math.floor(e.t / w.bucketMs) * w.bucketMs > now - w.ms);
    out[`count_${w.name}`] = inWin.length;
    out[`sum_usd_${w.name}`] = Math.round(inWin.reduce((a, e) => a + Math.round(e.usd * 1e6), 0)) / 1e6;
  }
  return out;
}

function pickCounts(v: Record<string, number>) {
  const out: Record<string, number> = {};
  for (const k of Object.keys(v)) if (k.startsWith('count_') || k.startsWith('sum_usd_')) out[k] = v[k];
  return out;
}

function behaviour(name: string, harness: () => Harness, skip: boolean) {
  describe(`${name}: windows, sums, distinct`, { skip: skip ? 'Redis not reachable' : false }, () => {
    let h: Harness;
    before(() => {
      h = harness();
    });
    after(async () => {
      await h.cleanup();
    });

    it('an event at t counts in each window until t + W and not at t + W', async () => {
      const clock = new FakeClock();
      const st = h.make(clock);
      const got = await st.observe({ dims: [card('c-slide')], at: T0, amountUsd: 5 });
      assert.deepEqual(pickCounts(got.card), { count_1m: 1, count_1h: 1, count_24h: 1, count_7d: 1, sum_usd_1m: 5, sum_usd_1h: 5, sum_usd_24h: 5, sum_usd_7d: 5 });
      const at = async (t: number) => {
        clock.t = t;
        return (await st.peek([card('c-slide')], t)).card;
      };
      for (const w of WINDOWS) {
        const key = `count_${w.name}`;
        assert.equal((await at(T0 + w.ms - 1))[key], 1, `${key} just before ${w.name}`);
        assert.equal((await at(T0 + w.ms - 1))[`sum_usd_${w.name}`], 5);
        assert.equal((await at(T0 + w.ms))[key], 0, `${key} at ${w.name}`);
        assert.equal((await at(T0 + w.ms))[`sum_usd_${w.name}`], 0);
      }
      // and the longer windows still hold it when a shorter one has dropped it
      assert.deepEqual(pickCounts(await at(T0 + MIN)), { count_1m: 0, count_1h: 1, count_24h: 1, count_7d: 1, sum_usd_1m: 0, sum_usd_1h: 5, sum_usd_24h: 5, sum_usd_7d: 5 });
      assert.deepEqual(pickCounts(await at(T0 + D)), { count_1m: 0, count_1h: 0, count_24h: 0, count_7d: 1, sum_usd_1m: 0, sum_usd_1h: 0, sum_usd_24h: 0, sum_usd_7d: 5 });
    });

    it('an event off a bucket boundary leaves less than one bucket early, never late', async () => {
      const clock = new FakeClock();
      const st = h.make(clock);
      await st.observe({ dims: [card('c-off')], at: T0 + 700 });
      assert.equal((await st.peek([card('c-off')], T0 + 700 + 59_299)).card.count_1m, 1); // 59.299 s after
      assert.equal((await st.peek([card('c-off')], T0 + 700 + 59_300)).card.count_1m, 0); // 59.3 s after: bucket gone
      await st.observe({ dims: [card('c-off7')], at: T0 + 59 * MIN });
      assert.equal((await st.peek([card('c-off7')], T0 + 59 * MIN + 7 * D - 59 * MIN - 1)).card.count_7d, 1);
      assert.equal((await st.peek([card('c-off7')], T0 + 7 * D)).card.count_7d, 0); // 7 d − 59 min after
    });

    it('observe returns values including the event, evaluated at its own time', async () => {
      const clock = new FakeClock();
      const st = h.make(clock);
      const obs = async (t: number, usd: number) => {
        clock.t = t;
        return (await st.observe({ dims: [card('c-obs')], at: t, amountUsd: usd })).card;
      };
      assert.equal((await obs(T0, 0.1)).count_1m, 1);
      assert.deepEqual(pickCounts(await obs(T0 + 30 * S, 0.2)), { count_1m: 2, count_1h: 2, count_24h: 2, count_7d: 2, sum_usd_1m: 0.3, sum_usd_1h: 0.3, sum_usd_24h: 0.3, sum_usd_7d: 0.3 });
      assert.deepEqual(pickCounts(await obs(T0 + 60 * S, 0.3)), { count_1m: 2, count_1h: 3, count_24h: 3, count_7d: 3, sum_usd_1m: 0.5, sum_usd_1h: 0.6, sum_usd_24h: 0.6, sum_usd_7d: 0.6 });
      const late = await obs(T0 + 2 * H, 1);
      assert.deepEqual(pickCounts(late), { count_1m: 1, count_1h: 1, count_24h: 4, count_7d: 4, sum_usd_1m: 1, sum_usd_1h: 1, sum_usd_24h: 1.6, sum_usd_7d: 1.6 });
    });

    it('matches a brute-force model over 10 days of irregular traffic (gaps small and large)', async () => {
      const clock = new FakeClock();
      const st = h.make(clock);
      const events: Array<{ t: number; usd: number }> = [];
      let t = T0 + 123;
      let seed = 42;
      const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
      const gaps = [200, 900, 1500, 20 * S, 45 * S, 61 * S, 5 * MIN, 59 * MIN, 61 * MIN, 3 * H, 25 * H];
      for (let i = 0; i < 400; i++) {
        t += gaps[Math.floor(rnd() * gaps.length)] + Math.floor(rnd() * 1000);
        const usd = Math.round(rnd() * 10000) / 100;
        events.push({ t, usd });
        clock.t = t;
        const got = (await st.observe({ dims: [card('c-model')], at: t, amountUsd: usd })).card;
        assert.deepEqual(pickCounts(got), reference(events, t), `event ${i} at +${t - T0} ms`);
        if (i % 7 === 0) {
          const later = t + Math.floor(rnd() * 2 * H);
          assert.deepEqual(pickCounts((await st.peek([card('c-model')], later)).card), reference(events, later), `peek after event ${i}`);
        }
      }
    });

    it('sums are exact decimal USD (micro-dollar integers) and negative amounts subtract', async () => {
      const clock = new FakeClock();
      const st = h.make(clock);
      for (const usd of [0.1, 0.2, 0.000001, 1234.56, -0.1]) await st.observe({ dims: [card('c-sum')], at: T0, amountUsd: usd });
      await st.observe({ dims: [card('c-sum')], at: T0 }); // no amount: counts, adds nothing
      const v = (await st.peek([card('c-sum')], T0)).card;
      assert.equal(v.count_1m, 6);
      assert.equal(v.sum_usd_1m, 1234.760001);
      assert.equal(v.sum_usd_7d, 1234.760001);
    });

    it('counts several dims of one event separately, and an empty key is skipped', async () => {
      const clock = new FakeClock();
      const st = h.make(clock);
      await st.observe({ dims: [card('A'), { dim: 'ip', key: '203.0.113.9' }], at: T0, amountUsd: 1 });
      const got = await st.observe({ dims: [card('B'), { dim: 'ip', key: '203.0.113.9' }, { dim: 'email', key: '' }], at: T0 + S, amountUsd: 2 });
      assert.equal(got.card.count_1h, 1);
      assert.equal(got.ip.count_1h, 2);
      assert.equal(got.ip.sum_usd_1h, 3);
      assert.equal(got.email, undefined);
    });

    it('distinct values per window are exact in time and follow last sighting', async () => {
      const clock = new FakeClock();
      const st = h.make(clock);
      const ip = { dim: 'ip', key: '198.51.100.7' };
      const see = async (t: number, cardFp: string, email?: string) => {
        clock.t = t;
        return (await st.observe({ dims: [ip, card(cardFp)], at: t, distinct: { card: cardFp, ip: ip.key, email } })).ip;
      };
      let v = await see(T0, 'fp1', 'a@example.com');
      assert.equal(v.distinct_card_1h, 1);
      assert.equal(v.distinct_email_1h, 1);
      assert.equal(v.distinct_ip_1h, undefined, 'a dim does not count distinct of itself');
      v = await see(T0 + 10 * MIN, 'fp2');
      assert.deepEqual([v.distinct_card_1h, v.distinct_card_24h, v.distinct_email_1h], [2, 2, 1], 'email tracked earlier is still reported');
      v = await see(T0 + 20 * MIN, 'fp1');
      assert.deepEqual([v.distinct_card_1h, v.distinct_card_24h], [2, 2]);
      v = await see(T0 + 30 * MIN, 'fp3');
      assert.deepEqual([v.distinct_card_1h, v.distinct_card_24h], [3, 3]);
      // fp2 last seen at +10 min: gone from 1 h at +70 min exactly; fp1 (last +20 min) stays until +80 min
      let p = (await st.peek([ip], T0 + 70 * MIN - 1)).ip;
      assert.equal(p.distinct_card_1h, 3);
      p = (await st.peek([ip], T0 + 70 * MIN)).ip;
      assert.deepEqual([p.distinct_card_1h, p.distinct_card_24h, p.distinct_email_1h, p.distinct_email_24h], [2, 3, 0, 1]);
      v = await see(T0 + 80 * MIN, 'fp3');
      assert.deepEqual([v.distinct_card_1h, v.distinct_card_24h], [1, 3]);
      v = await see(T0 + 20 * MIN + D, 'fp4'); // fp1 (last +20 min) leaves 24 h exactly now; fp2 earlier
      assert.deepEqual([v.distinct_card_1h, v.distinct_card_24h, v.distinct_email_24h], [1, 2, 0]);
      // the card dim saw the IP once per event
      const c = (await st.peek([card('fp1')], T0 + 20 * MIN)).card;
      assert.deepEqual([c.count_1h, c.distinct_ip_1h, c.distinct_email_1h], [2, 1, 1]);
    });

    it('distinct sets are bounded: at the cap the count saturates (most recent kept)', async () => {
      const clock = new FakeClock();
      const st = h.make(clock, { distinctCap: 5 });
      let v: Record<string, number> = {};
      for (let i = 0; i < 12; i++) {
        clock.t = T0 + i * S;
        v = (await st.observe({ dims: [{ dim: 'device', key: 'd1' }], at: clock.t, distinct: { card: `fp${i}` } })).device;
      }
      assert.equal(v.distinct_card_1h, 5);
      assert.equal(v.distinct_card_24h, 5);
      assert.equal(v.count_1m, 12);
    });

    it('peek of an unknown key is all zeros, with the distinct names asked for', async () => {
      const st = h.make(new FakeClock());
      const v = await st.peek([card('never-seen')], T0, ['email']);
      assert.deepEqual(v, {
        card: { count_1m: 0, count_1h: 0, count_24h: 0, count_7d: 0, sum_usd_1m: 0, sum_usd_1h: 0, sum_usd_24h: 0, sum_usd_7d: 0, distinct_email_1h: 0, distinct_email_24h: 0 },
      });
    });

    it('a late event (clock skew between nodes) lands in its own bucket', async () => {
      const clock = new FakeClock();
      const st = h.make(clock);
      await st.observe({ dims: [card('c-late')], at: T0 + 10 * S, amountUsd: 1 });
      const v = (await st.observe({ dims: [card('c-late')], at: T0 + 2 * S, amountUsd: 2 })).card;
      assert.deepEqual([v.count_1m, v.sum_usd_1m], [2, 3]);
      assert.equal((await st.peek([card('c-late')], T0 + 62 * S - 1)).card.count_1m, 2);
      assert.equal((await st.peek([card('c-late')], T0 + 62 * S)).card.count_1m, 1);
      assert.equal((await st.peek([card('c-late')], T0 + 70 * S)).card.count_1m, 0);
    });

    it('rejects names that cannot be feature paths', async () => {
      const st = h.make(new FakeClock());
      await assert.rejects(st.observe({ dims: [{ dim: 'card.x', key: 'k' }], at: T0 }), TypeError);
      await assert.rejects(st.observe({ dims: [card('k')], at: T0, distinct: { 'e-mail': 'x' } }), TypeError);
      await assert.rejects(st.observe({ dims: [card('k')], at: Number.NaN }), TypeError);
    });
  });
}

behaviour('MemoryVelocityStore', memoryHarness, false);
behaviour('RedisVelocityStore', redisHarness, !redisUp);

describe('MemoryVelocityStore: memory bounds', () => {
  it('keeps at most maxKeys entries, evicting the least recently used', async () => {
    const clock = new FakeClock();
    const st = new MemoryVelocityStore({ clock, maxKeys: 100 });
    for (let i = 0; i < 1000; i++) {
      st.observeSync({ dims: [card(`k${i}`)], at: T0 + i });
      if (i % 10 === 0) st.observeSync({ dims: [card('hot')], at: T0 + i });
      assert.ok(st.size <= 100);
    }
    assert.equal((await st.peek([card('hot')], T0 + 1000)).card.count_1m, 100);
    assert.equal((await st.peek([card('k0')], T0 + 1000)).card.count_1m, 0, 'cold key evicted');
    assert.equal((await st.peek([card('k999')], T0 + 1000)).card.count_1m, 1);
  });

  it('drops keys with nothing in the last 7 days, and holds a bounded number of buckets per key', () => {
    const clock = new FakeClock();
    const st = new MemoryVelocityStore(clock);
    for (let i = 0; i < 50; i++) st.observeSync({ dims: [card(`old${i}`)], at: T0 });
    // a key busy every 700 ms for 8 days would hold 1m+1h+24h+7d buckets at most
    let t = T0;
    for (let i = 0; i < 8 * 24 * 60; i++) {
      for (let j = 0; j < 86; j++) {
        t += 700;
        clock.t = t;
        st.observeSync({ dims: [card('busy')], at: t, amountUsd: 1 });
      }
    }
    const stats = st.stats();
    assert.ok(stats.triples <= 60 + 60 + 144 + 168, `triples ${stats.triples}`);
    assert.ok(st.size < 51, 'old keys went as time passed');
    st.observeSync({ dims: [card('old-again')], at: T0 });
    clock.t = T0 + 7 * D + 1;
    assert.equal(st.sweep(), 1);
    assert.equal(st.size, 1);
  });

  it('the constructor takes a clock or options', () => {
    const clock = new FakeClock();
    assert.doesNotThrow(() => new MemoryVelocityStore(clock));
    assert.doesNotThrow(() => new MemoryVelocityStore({ clock, maxKeys: 10, distinctCap: 3 }));
    assert.doesNotThrow(() => new MemoryVelocityStore());
  });
});

describe('RedisVelocityStore: sharing, round trips, expiry', { skip: redisUp ? false : 'Redis not reachable' }, () => {
  const prefix = `${RUN}shared:`;
  let a: RedisVelocityStore;
  let b: RedisVelocityStore;
  let raw: Redis;
  const clock = new FakeClock();
  before(() => {
    a = new RedisVelocityStore({ url: REDIS_URL, prefix, clock });
    b = new RedisVelocityStore({ url: REDIS_URL, prefix, clock });
    raw = new Redis(REDIS_URL);
  });
  after(async () => {
    await a.clear();
    assert.deepEqual(await raw.keys(`${RUN}*`), [], 'every test key removed');
    await a.close();
    await b.close();
    raw.disconnect();
  });

  it('two instances with separate clients see the combined velocity, also when writing concurrently', async () => {
    assert.notEqual(a.client, b.client);
    const ev = (i: number): VelocityEvent => ({ dims: [{ dim: 'ip', key: '192.0.2.44' }], at: T0 + (i % 50), amountUsd: 1, distinct: { card: `fp${i % 7}` } });
    await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).observe(ev(i))));
    const fromA = (await a.peek([{ dim: 'ip', key: '192.0.2.44' }], T0 + 100)).ip;
    const fromB = (await b.peek([{ dim: 'ip', key: '192.0.2.44' }], T0 + 100)).ip;
    assert.deepEqual(fromA, fromB);
    assert.deepEqual([fromA.count_1m, fromA.sum_usd_1m, fromA.distinct_card_1h], [200, 200, 7]);
    const next = (await a.observe({ dims: [{ dim: 'ip', key: '192.0.2.44' }], at: T0 + 200 })).ip;
    assert.equal(next.count_1h, 201);
  });

  it('is one EVALSHA per observe, and survives a flushed script cache (NOSCRIPT → EVAL)', async () => {
    const seen: string[] = [];
    const monitor = await raw.monitor(); // a separate connection in monitor mode
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args.some((x) => typeof x === 'string' && x.startsWith(prefix))) seen.push(String(args[0]).toLowerCase());
    });
    await new Promise((r) => setTimeout(r, 50));
    await a.observe({ dims: [card('rt1'), { dim: 'email', key: 'x@example.com' }, { dim: 'ip', key: '192.0.2.1' }], at: T0, distinct: { card: 'rt1', ip: '192.0.2.1' } });
    await raw.script('FLUSH');
    const v = await a.observe({ dims: [card('rt1')], at: T0 + 1 });
    assert.equal(v.card.count_1m, 2);
    await new Promise((r) => setTimeout(r, 100));
    monitor.disconnect();
    const calls = seen.filter((c) => c === 'evalsha' || c === 'eval');
    assert.deepEqual(calls, ['evalsha', 'evalsha', 'eval'], `client calls seen: ${seen.join(',')}`);
  });

  it('keys expire by themselves, never hold the raw key, and the hashes stay small', async () => {
    clock.t = T0 + 3 * D;
    await a.observe({ dims: [card('4111-secret-fp')], at: clock.t, distinct: { email: 'someone@example.com' } });
    const keys = await raw.keys(`${prefix}*`);
    assert.ok(keys.length > 0);
    for (const k of keys) {
      assert.ok(!k.includes('4111-secret-fp') && !k.includes('someone'), k);
      const ttl = await raw.pttl(k);
      assert.ok(ttl > 0, `${k} has a TTL`);
      assert.ok(ttl <= 7 * D + H + 61_000, `${k} TTL ${ttl}`);
    }
    const base = a.keyOf('card', '4111-secret-fp');
    const ttlHash = await raw.pttl(base);
    assert.ok(ttlHash > 7 * D && ttlHash <= 7 * D + 60_000, `window hash TTL ${ttlHash}: 7 d after its newest hour bucket + 60 s`);
    const ttl24 = await raw.pttl(`${base}:dv:email`);
    assert.ok(ttl24 > D && ttl24 <= D + 60_000, `distinct set TTL ${ttl24}: 24 h + 60 s`);
    assert.deepEqual((await raw.keys(`${base}*`)).sort(), [base, `${base}:dv:email`].sort(), 'one hash + one sorted set per distinct name');
    const members = await raw.zrange(`${base}:dv:email`, '0', '-1');
    assert.ok(!members.some((m) => m.includes('someone')));
  });

  it('a busy key keeps at most one field pair per live bucket', async () => {
    clock.t = T0 + 10 * D;
    for (let i = 0; i < 300; i++) await a.observe({ dims: [card('busy')], at: clock.t + i * 500, amountUsd: 1 });
    const base = a.keyOf('card', 'busy');
    // 150 s of traffic: 60 one-second buckets, 3 one-minute, 1 ten-minute, 1 hour, + the meta field
    assert.equal(await raw.hlen(base), 60 + 3 + 1 + 1 + 1);
    assert.equal((await a.peek([card('busy')], clock.t + 299 * 500)).card.count_1m, 120);
  });
});

describe('velocity helpers', () => {
  it('flattenSnapshot gives rule-language paths; velocitySchema declares them', () => {
    const flat = flattenSnapshot({ card: { count_1h: 3, distinct_ip_24h: 2 } });
    assert.deepEqual(flat, { 'velocity.card.count_1h': 3, 'velocity.card.distinct_ip_24h': 2 });
    const schema = velocitySchema(['card', 'ip'], { ip: ['card', 'email'], card: ['card'] });
    assert.equal(schema['velocity.card.count_7d'], 'number');
    assert.equal(schema['velocity.ip.sum_usd_1m'], 'number');
    assert.equal(schema['velocity.ip.distinct_email_24h'], 'number');
    assert.equal(schema['velocity.card.distinct_card_1h'], undefined);
    assert.equal(Object.keys(schema).length, 8 + 8 + 4);
  });
});
