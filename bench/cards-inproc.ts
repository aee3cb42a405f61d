// In-process card decision benchmark: the cards service called directly (no HTTP, no signature, no load
// generator process), open loop at the offered rates, every decision durable (PostgreSQL, group commit).
// What it isolates: the decision + the group-commit write, i.e. the floor under the HTTP benchmark.
// Run: npx tsx bench/cards-inproc.ts   (CARD_BENCH_RATES, CARD_BENCH_SECONDS, DATABASE_URL)
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import pg from 'pg';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openDb } from '../src/platform/db/db.ts';
import { summary } from './lib/stats.ts';

const RATES = (process.env.CARD_BENCH_RATES ?? '500,1000,2000').split(',').map(Number);
const SECONDS = Number(process.env.CARD_BENCH_SECONDS ?? 8);
const DB = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `bench_cards_ip_${randomBytes(4).toString('hex')}`;
const db = await openDb({ databaseUrl: DB, schema });
const tg = await buildApp(loadConfig({ LOG_LEVEL: 'silent', DEMO_SEED: 'false', WORKERS: 'false', ADMIN_PASSWORD: 'bench-password-1', DATABASE_URL: DB, CARD_PROCESSOR_SECRET: 'cps_bench_secret_0123456789' }), { db });
await (await import('../src/modules/risk/features/ip-intel.ts')).IpIntel.shared().warm();
const { cards } = tg.services;
const ids: string[] = [];
for (let i = 0; i < 200; i++) {
  const h = await cards.createCardholder('bench', { name: `Shopper ${i}` });
  ids.push((await cards.createCard('bench', { cardholderId: h.id, processorCardId: `pc_${i}_${randomBytes(3).toString('hex')}`, bin: '412752', last4: String(1000 + i), expMonth: 12, expYear: 2030, currency: 'ZAR', controls: { perTransaction: 500000, daily: 100000000 } })).id);
}
const merchants = [{ name: 'Makro Woodmead', mcc: '5411', city: 'Johannesburg', country: 'ZA' }, { name: 'Checkers Hyper', mcc: '5411', city: 'Sandton', country: 'ZA' }, { name: 'Engen', mcc: '5541', city: 'Midrand', country: 'ZA' }];
process.stdout.write(`load average before: ${loadavg().map((x) => x.toFixed(2)).join(' / ')}\n| offered/s | achieved/s | p50 ms | p99 ms | max ms | commits | per commit | write ms mean / max | event loop delay p99 / max ms |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n`);
for (const [rate, seconds, tag] of [[200, 2, 'warm'] as const, ...RATES.map((r) => [r, SECONDS, 'run'] as const)]) {
  const lat: number[] = [];
  const total = rate * seconds;
  const s0 = cards.decisionWriteStats();
  const eld = monitorEventLoopDelay({ resolution: 1 });
  eld.enable();
  const t0 = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const start = performance.now();
    inflight.push(cards.authorize({
      id: `auth_${tag}${rate}_${i}_${randomBytes(3).toString('hex')}`, cardRef: ids[i % ids.length], amount: { amount: 2000 + (i % 400) * 100, currency: 'ZAR' },
      merchant: merchants[i % merchants.length], occurredAt: new Date(), source: 'tollgate',
    }).then(() => { lat.push(performance.now() - start); }));
  }
  await Promise.all(inflight);
  const wall = (performance.now() - t0) / 1000;
  const s1 = cards.decisionWriteStats();
  eld.disable();
  const s = summary(lat);
  const batches = Math.max(1, s1.batches - s0.batches);
  if (tag === 'run') {
    process.stdout.write(`| ${rate} | ${(total / wall).toFixed(0)} | ${s.p50.toFixed(2)} | ${s.p99.toFixed(2)} | ${s.max.toFixed(1)} | ${s1.batches - s0.batches} | ${((s1.items - s0.items) / batches).toFixed(1)} | ${((s1.writeMs - s0.writeMs) / batches).toFixed(2)} / ${s1.slowestMs.toFixed(1)} | ${(eld.percentile(99) / 1e6).toFixed(1)} / ${(eld.max / 1e6).toFixed(1)} |\n`);
  }
}
process.stdout.write(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(' / ')}\n`);
await tg.close();
const admin = new pg.Client({ connectionString: DB });
await admin.connect();
await admin.query(`DROP SCHEMA ${schema} CASCADE`);
await admin.end();
process.exit(0);
