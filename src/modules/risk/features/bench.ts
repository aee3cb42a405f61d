// Measurements of the feature sources (not a test). Run each section in a fresh process for cold numbers:
//   node --expose-gc --import tsx src/modules/risk/features/bench.ts [bin|ip|email|memory|redis|all]
// REDIS_URL (default redis://127.0.0.1:6379) for the redis section; it uses a unique prefix and cleans up.
import { BinTable } from './bin-table.ts';
import { warmEmail, isDisposable } from './email.ts';
import { IpIntel } from './ip-intel.ts';
import { MemoryVelocityStore } from './velocity-memory.ts';
import { RedisVelocityStore } from './velocity-redis.ts';
import type { VelocityEvent } from './velocity.ts';

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MB`;
const mem = () => {
  gc();
  gc();
  return process.memoryUsage();
};

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function bin(): void {
  const m0 = mem();
  const t0 = performance.now();
  const t = BinTable.load();
  const ms = performance.now() - t0;
  const m1 = mem();
  const bins = ['45710516', '341142', '4111111111111111', '37124200', '55555555', '457105', '621483', '400390'];
  let x = 0;
  for (let i = 0; i < 2e5; i++) x += t.lookup(bins[i & 7]) ? 1 : 0;
  const n = 2e6;
  const s = performance.now();
  for (let i = 0; i < n; i++) x += t.lookup(bins[i & 7]) ? 1 : 0;
  const ns = ((performance.now() - s) * 1e6) / n;
  console.log(`BinTable: ${t.size} ranges, ${t.records.length} distinct records; load ${ms.toFixed(1)} ms; heap +${mb(m1.heapUsed - m0.heapUsed)} (typed arrays ${t.typedArrayBytes} B); lookup ${ns.toFixed(0)} ns (${x > 0})`);
}

async function ip(): Promise<void> {
  const m0 = mem();
  const intel = new IpIntel();
  const t0 = performance.now();
  await intel.warm();
  const ms = performance.now() - t0;
  const m1 = mem();
  const st = intel.stats();
  console.log(`IpIntel.warm(): ${ms.toFixed(0)} ms total (parse per table: ${Object.entries(st.tables).map(([k, v]) => `${k} ${v?.ranges} ranges ${v?.loadMs} ms ${mb(v?.bytes ?? 0)}`).join('; ')})`);
  console.log(`  memory: typed arrays ${mb(m1.arrayBuffers - m0.arrayBuffers)}, heap +${mb(m1.heapUsed - m0.heapUsed)} (${st.asOrgs} AS names), rss +${mb(m1.rss - m0.rss)}`);
  const v4 = ['8.8.8.8', '1.1.1.1', '81.2.69.142', '3.5.140.2', '185.199.108.153', '41.1.1.1', '200.1.1.1', '103.21.244.1'];
  const v6 = ['2001:4860:4860::8888', '2606:4700:4700::1111', '2a01:4f8:c17:1::1', '2400:cb00::1', '2a00:1450:4001:82a::200e', '2c0f:fb50:4003::1', '2804:14c::1', '2001:200::1'];
  for (const [name, list] of [
    ['IPv4', v4],
    ['IPv6', v6],
  ] as const) {
    let x = 0;
    for (let i = 0; i < 2e5; i++) x += intel.lookup(list[i & 7]).asn ?? 0;
    const n = 2e6;
    const s = performance.now();
    for (let i = 0; i < n; i++) x += intel.lookup(list[i & 7]).asn ?? 0;
    console.log(`  ${name} lookup (parse + country + ASN + org + hosting): ${(((performance.now() - s) * 1e6) / n).toFixed(0)} ns (${x > 0})`);
  }
  const lazy = new IpIntel();
  const t1 = performance.now();
  lazy.lookup('8.8.8.8');
  console.log(`  first IPv4 lookup without warm(): ${(performance.now() - t1).toFixed(0)} ms (loads the two IPv4 tables synchronously)`);
}

function email(): void {
  const m0 = mem();
  const t0 = performance.now();
  warmEmail();
  const ms = performance.now() - t0;
  const m1 = mem();
  const n = 1e6;
  const s = performance.now();
  let x = 0;
  for (let i = 0; i < n; i++) x += isDisposable(i & 1 ? 'someone@mailinator.com' : 'a.b@mail.example.co.uk') ? 1 : 0;
  console.log(`disposable domains: load ${ms.toFixed(0)} ms, heap +${mb(m1.heapUsed - m0.heapUsed)}; isDisposable ${(((performance.now() - s) * 1e6) / n).toFixed(0)} ns (${x})`);
}

function events(nKeys: number, distinct: boolean): VelocityEvent[] {
  return Array.from({ length: 4096 }, (_, i) => ({
    dims: [
      { dim: 'card', key: `c${i % nKeys}` },
      { dim: 'email', key: `e${i % nKeys}@example.com` },
      { dim: 'ip', key: `10.0.${(i % nKeys) >> 8}.${i & 255}` },
    ],
    at: 0,
    amountUsd: 12.34,
    distinct: distinct ? { card: `c${i % nKeys}`, email: `e${i % 97}`, ip: `ip${i % 13}` } : undefined,
  }));
}

function memory(): void {
  let now = Date.UTC(2026, 0, 1);
  const clock = { now: () => now };
  {
    const m0 = mem();
    const st = new MemoryVelocityStore({ clock, maxKeys: 1e6 });
    const keys = 100_000;
    for (let i = 0; i < keys; i++) st.observeSync({ dims: [{ dim: 'card', key: `card-fingerprint-${i}` }], at: now, amountUsd: 10, distinct: { ip: `203.0.113.${i & 255}` } });
    const m1 = mem();
    console.log(`MemoryVelocityStore memory: ${st.size} keys seen once (1 distinct value each): ${((m1.heapUsed - m0.heapUsed) / keys).toFixed(0)} B per key`);
  }
  for (const [label, nKeys, distinct] of [
    ['64 hot keys, no distinct', 64, false],
    ['64 hot keys, 2 distinct names per dim', 64, true],
    ['4096 keys, 2 distinct names per dim', 4096, true],
  ] as const) {
    const st = new MemoryVelocityStore({ clock });
    const evs = events(nKeys, distinct);
    for (let i = 0; i < 2e5; i++) {
      const e = evs[i & 4095];
      e.at = now += 10;
      st.observeSync(e);
    }
    const n = 1e6;
    const s = performance.now();
    for (let i = 0; i < n; i++) {
      const e = evs[i & 4095];
      e.at = now += 10;
      st.observeSync(e);
    }
    const us = ((performance.now() - s) * 1000) / n;
    console.log(`MemoryVelocityStore.observeSync, ${label}: ${us.toFixed(2)} µs per event of 3 dims = ${(us / 3).toFixed(2)} µs per dim`);
  }
}

async function redis(): Promise<void> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  let now = Date.now();
  const clock = { now: () => now };
  const st = new RedisVelocityStore({ url, prefix: `tgbench:${process.pid}:`, clock });
  try {
    for (const [label, nKeys, distinct] of [
      ['3 dims, no distinct, 4096 keys', 4096, false],
      ['3 dims, 2 distinct names per dim, 4096 keys', 4096, true],
      ['3 dims, 2 distinct names per dim, 8 hot keys', 8, true],
    ] as const) {
      const evs = events(nKeys, distinct);
      for (let i = 0; i < 2000; i++) {
        const e = evs[i & 4095];
        e.at = now += 7;
        await st.observe(e);
      }
      const n = 10_000;
      const lat: number[] = [];
      const s = performance.now();
      for (let i = 0; i < n; i++) {
        const e = evs[i & 4095];
        e.at = now += 7;
        const t = performance.now();
        await st.observe(e);
        lat.push((performance.now() - t) * 1000);
      }
      const wall = performance.now() - s;
      lat.sort((a, b) => a - b);
      // concurrent: 32 in flight on the one connection (ioredis pipelines them)
      const c = 20_000;
      const s2 = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          while (next < c) {
            const e = { ...evs[next++ & 4095], at: (now += 7) };
            await st.observe(e);
          }
        }),
      );
      const thr = c / ((performance.now() - s2) / 1000);
      console.log(`RedisVelocityStore.observe, ${label}: sequential p50 ${pct(lat, 50).toFixed(0)} µs, p99 ${pct(lat, 99).toFixed(0)} µs, mean ${((wall * 1000) / n).toFixed(0)} µs; 32 in flight: ${thr.toFixed(0)} events/s`);
    }
    const info = await st.client.info('memory');
    console.log(`  redis used_memory: ${/used_memory_human:(\S+)/.exec(info)?.[1]} (all benchmark keys)`);
  } finally {
    await st.clear();
    await st.close();
  }
}

const which = process.argv[2] ?? 'all';
if (which === 'bin' || which === 'all') bin();
if (which === 'ip' || which === 'all') await ip();
if (which === 'email' || which === 'all') email();
if (which === 'memory' || which === 'all') memory();
if (which === 'redis' || which === 'all') await redis();
