// In-process risk evaluate benchmark (issue 3): 50 rules, the full feature set, p50/p99 per decision.
// Run: npm run bench:risk   → bench/RESULTS-risk.md
import { writeFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openDb } from '../src/platform/db/db.ts';

const N = Number(process.env.RISK_BENCH_N ?? 20000);
const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const BINS = ['400022', '409675', '412752', '512687'];
const UAS = ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0 Safari/537.36', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Safari/604.1', 'python-requests/2.31'];
const rnd = (n: number) => Math.floor(Math.random() * n);
const ip = () => (rnd(10) === 0 ? `3.5.${rnd(250)}.${rnd(250)}` : `73.${rnd(250)}.${rnd(250)}.${1 + rnd(250)}`);

async function run(label: string, env: Record<string, string>) {
  const db = await openDb({ databaseUrl: env.DATABASE_URL, schema: env.DATABASE_URL ? `bench_risk_${Date.now()}` : undefined });
  const tg = await buildApp(loadConfig({ LOG_LEVEL: 'silent', DEMO_SEED: 'false', WORKERS: 'false', ADMIN_PASSWORD: 'bench-password-1', ...env }), { db });
  const { risk, rules } = tg.services;
  // 14 built-in rules + 36 more, of the kinds analysts write
  const existing = (await rules.list()).length;
  for (let i = existing; i < 50; i++) {
    const expr = [
      `amount.usd > ${100 + i * 10} and email.domain == "example${i}.com"`,
      `velocity.email.count_24h > ${10 + i} or velocity.device.count_1h > ${20 + i}`,
      `card.bin_country in ["NG", "GH", "PK"] and amount.usd > ${i}`,
      `not is_missing(device.id) and velocity.device.distinct_card_24h >= ${3 + (i % 5)}`,
    ][i % 4];
    await rules.create('system', { name: `bench rule ${i}`, description: '', expression: expr, events: ['checkout'], action: i % 3 === 0 ? 'review' : 'score', score: 5, sideActions: [], mode: i % 5 === 0 ? 'shadow' : 'active', enabled: true });
  }
  await (await import('../src/modules/risk/features/ip-intel.ts')).IpIntel.shared().warm();
  const event = (i: number) => ({
    kind: 'checkout' as const, subjectId: `ord_bench_${i}`, amount: { amount: 500 + rnd(50000), currency: 'USD' }, email: `u${rnd(5000)}@example${rnd(60)}.com`,
    ip: ip(), userAgent: UAS[rnd(UAS.length)], deviceId: `dev_${rnd(8000)}`, checkoutDurationMs: rnd(60000),
    card: { bin: BINS[rnd(BINS.length)], last4: String(1000 + rnd(8999)), fingerprint: `fp_${rnd(20000)}` },
  });
  for (let i = 0; i < 500; i++) await risk.evaluate(event(i), { persist: false }); // warm-up
  const results: Record<string, { p50: number; p99: number; max: number; perSec: number }> = {};
  for (const persist of [false, true]) {
    const times: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < N; i++) {
      const s = performance.now();
      await risk.evaluate(event(i), { persist });
      times.push(performance.now() - s);
    }
    const wall = performance.now() - t0;
    times.sort((a, b) => a - b);
    results[persist ? 'with the decision row written' : 'decision only (dry run)'] = { p50: pct(times, 50), p99: pct(times, 99), max: times[times.length - 1], perSec: (N / wall) * 1000 };
  }
  const rss = process.memoryUsage().rss / 2 ** 20;
  await tg.close();
  await db.close();
  return { label, results, rss, rules: (await Promise.resolve(50)) };
}

const runs = [
  await run('PGlite, velocity in memory', {}),
  await run('PostgreSQL, velocity in memory', { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' }),
  await run('PostgreSQL, velocity in Redis', { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test', REDIS_URL: 'redis://127.0.0.1:6379' }),
];
const commit = execSync('git rev-parse --short HEAD').toString().trim();
const lines = [
  '# Risk evaluate benchmark (in-process)', '',
  `Run ${new Date().toISOString()}, commit \`${commit}\`, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}.`,
  `${N} sequential decisions per row, 50 rules (14 built-in + 36 analyst-style, a tenth in shadow mode), the full feature set (BIN, IP, e-mail, UA, FX, 6 velocity dimensions with distinct counts). Target: p99 ≤ 1 ms for the decision.`, '',
  '| setup | path | p50 ms | p99 ms | max ms | decisions/s |', '| --- | --- | --- | --- | --- | --- |',
  ...runs.flatMap((r) => Object.entries(r.results).map(([k, v]) => `| ${r.label} | ${k} | ${v.p50.toFixed(3)} | ${v.p99.toFixed(3)} | ${v.max.toFixed(1)} | ${Math.round(v.perSec)} |`)),
  '', `Peak RSS of the benchmark process: ${Math.max(...runs.map((r) => r.rss)).toFixed(0)} MiB.`, '',
  'The card-authorization HTTP benchmark (500/1,000/2,000 req/s) is still to be written.', '',
];
writeFileSync(new URL('./RESULTS-risk.md', import.meta.url), lines.join('\n'));
process.stdout.write(lines.join('\n'));
process.exit(0);
