// Login benchmark (issue 4): password + TOTP → session token, over real HTTP, on PostgreSQL and on PGlite.
// The server is the dist bundle in another process (like bench/cards.ts); this process is the load generator.
//
// Setup, through the public API only: N customers sign up (POST /v1/auth/signup), verify their phone with the code
// the SMS outbox received (read as an admin, GET /v1/admin/sms-outbox), enrol an authenticator app (POST
// /v1/me/security/totp) and confirm it with a first code (otplib). Then closed-loop logins at several concurrencies:
//   POST /v1/auth/login { login, password }  (argon2id verify on the server)
//   POST /v1/auth/challenges/:id/verify { code, method: 'totp' }  (the current code, computed with otplib) → { token }
// Every login is legitimate: the right password and the authenticator's current code. A TOTP step is single-use per
// customer (the server refuses a code of a step it already accepted), so a customer logs in at most once per 30 s step,
// like a person would; the pool of N customers caps the rate at N / 30 per second (reported; raise N if it binds).
// Each customer sends from its own address (X-Forwarded-For with TRUST_PROXY=true; each in its own /24): the per-IP
// login limits and the security monitor's flood detectors stay at their defaults and see normal users.
// Argon2's share: the same verify (@node-rs/argon2 defaults, as customers.core.ts hashes) measured alone in this process.
//
// Run: npm run bench:login   → bench/RESULTS-login.md
//      LOGIN_BENCH_DBS=postgres,pglite  LOGIN_BENCH_CUSTOMERS=2000  LOGIN_BENCH_CONCURRENCY=1,4,16,64  LOGIN_BENCH_SECONDS=15
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { execSync } from 'node:child_process';
import pg from 'pg';
import { hash, verify } from '@node-rs/argon2';
import { generate as totpGenerate } from 'otplib';
import { Client } from './lib/http.ts';
import { freePort, startServer, cpuOf, memOf, type Server } from './lib/server.ts';
import { summary, ms } from './lib/stats.ts';

const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DBS = (process.env.LOGIN_BENCH_DBS ?? 'postgres,pglite').split(',').map((s) => s.trim()) as Array<'postgres' | 'pglite'>;
const N = Number(process.env.LOGIN_BENCH_CUSTOMERS ?? 2000);
const LEVELS = (process.env.LOGIN_BENCH_CONCURRENCY ?? '1,4,16,64').split(',').map(Number);
const SECONDS = Number(process.env.LOGIN_BENCH_SECONDS ?? 15);
const BATCH = 100;
const OUT = new URL('./RESULTS-login.md', import.meta.url);
const PASSWORD = 'bench: correct horse battery staple 7';
const ADMIN = { email: 'bench@tollgate.local', password: 'bench-password-1', ip: '192.0.2.10' };
const STEP_S = 30;
/** LOGIN_BENCH_PROFILE=DIR: the server runs with --cpu-prof into DIR (summarize: tsx bench/profile.ts FILE); results are not written. */
const PROFILE_DIR = process.env.LOGIN_BENCH_PROFILE;

const uptime = () => execSync('uptime').toString().trim();
const log = (m: string) => process.stdout.write(`${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const stepNow = () => Math.floor(Date.now() / 1000 / STEP_S);

interface Customer { i: number; email: string; phone: string; ip: string; secret: string; lastStep: number; busy: boolean }

/** Its own /24 per customer (10.a.b.7): nothing looks like a flood from one subnet. */
const ipOf = (i: number) => `10.${(i >> 8) & 255}.${i & 255}.7`;

// ---------- argon2 alone ----------
interface Argon { params: string; seqP50: number; cpuPerVerify: number; parallelPerS: number }
async function argon2Alone(): Promise<Argon> {
  const h = await hash(PASSWORD); // the call customers.core.ts makes (library defaults)
  const params = /^\$(argon2\w+)\$v=\d+\$(m=\d+,t=\d+,p=\d+)/.exec(h);
  for (let i = 0; i < 5; i++) await verify(h, PASSWORD); // warm
  const lat: number[] = [];
  const c0 = process.cpuUsage();
  for (let i = 0; i < 40; i++) { const t = performance.now(); if (!(await verify(h, PASSWORD))) throw new Error('argon2 verify failed'); lat.push(performance.now() - t); }
  const c = process.cpuUsage(c0);
  const t0 = performance.now();
  let n = 0;
  await Promise.all(Array.from({ length: 4 }, async () => { while (performance.now() - t0 < 3000) { await verify(h, PASSWORD); n++; } }));
  return { params: params ? `${params[1]} ${params[2]}` : h.slice(0, 40), seqP50: summary(lat).p50, cpuPerVerify: (c.user + c.system) / 1000 / 40, parallelPerS: n / ((performance.now() - t0) / 1000) };
}

// ---------- one database ----------
interface Level { concurrency: number; logins: number; errors: Record<string, number>; seconds: number; perS: number; full: ReturnType<typeof summary>; login: ReturnType<typeof summary>; verify: ReturnType<typeof summary>; serverCpu: number; pgCpu: number | null; waits: number }
interface DbRun { db: 'postgres' | 'pglite'; setupSeconds: number; levels: Level[]; securityEvents: number; alerts: string; peakRssMiB: number; pgVersion?: string }

async function runDb(kind: 'postgres' | 'pglite'): Promise<DbRun> {
  const port = await freePort();
  const env: Record<string, string> = {
    PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password,
    TRUST_PROXY: 'true', DEMO_SEED: 'false', SMS_PROVIDER: 'outbox',
  };
  let cleanup: () => Promise<void>;
  let pgPids: () => Promise<number[]> = async () => [];
  let pgVersion: string | undefined;
  const schema = `bench_login_${randomBytes(4).toString('hex')}`;
  if (kind === 'postgres') {
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    pgVersion = (await admin.query(`SELECT current_setting('server_version') AS v`)).rows[0].v;
    const u = new URL(PG_URL);
    u.searchParams.set('options', `-c search_path=${schema}`);
    u.searchParams.set('application_name', schema); // to find this run's backends and read their CPU time
    env.DATABASE_URL = u.toString();
    pgPids = async () => (await admin.query(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, [schema])).rows.map((r) => r.pid as number);
    cleanup = async () => { await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`); await admin.end(); };
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'tg-bench-login-'));
    env.DATA_DIR = dir;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  /**
   * CPU time (ms) of this run's PostgreSQL backends, per pid (Linux schedstat). The pool opens and closes backends
   * (idle timeout), so the backends are sampled every 500 ms and the last value of each is kept.
   */
  const pgSeen = new Map<number, number>();
  const samplePg = async () => {
    for (const pid of await pgPids()) {
      try { pgSeen.set(pid, Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6); } catch { /* gone */ }
    }
  };
  const pgSampler = kind === 'postgres' ? setInterval(() => void samplePg().catch(() => undefined), 500) : null;
  /** ms of PostgreSQL CPU since `from` (a copy of pgSeen taken earlier); backends new since then count in full. */
  const pgCpuSince = async (from: Map<number, number>) => {
    await samplePg();
    let total = 0;
    for (const [pid, v] of pgSeen) total += v - (from.get(pid) ?? 0);
    return total;
  };

  let server: Server | null = null;
  try {
    server = await startServer({ script: 'dist/cli.mjs', logFile: '/tmp/bench-login.log', env, timeoutMs: 120_000, nodeArgs: PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [] });
    const c = new Client(server.url, 256);
    const call = async (method: string, path: string, body: unknown, headers: Record<string, string>) => {
      for (;;) {
        const r = await c.request(method, path, body === undefined ? undefined : JSON.stringify(body), headers);
        if (r.status === 429) { await sleep(1000); continue; } // only the admin's outbox polling could get here
        let parsed: any = r.body;
        try { parsed = r.body ? JSON.parse(r.body) : null; } catch { /* not JSON */ }
        return { status: r.status, body: parsed, ms: r.ms };
      }
    };
    const adminH = { 'x-forwarded-for': ADMIN.ip };
    const staff = await call('POST', '/v1/staff/sessions', { email: ADMIN.email, password: ADMIN.password }, adminH);
    if (staff.status !== 200) throw new Error(`admin login: ${staff.status} ${JSON.stringify(staff.body)}`);
    const adminAuth = { ...adminH, authorization: `Bearer ${staff.body.token}` };

    // ---------- setup: N customers with an authenticator app, through the API ----------
    const tag = randomBytes(3).toString('hex');
    const customers: Customer[] = Array.from({ length: N }, (_, i) => ({
      i, email: `bench.${tag}.${i}@example.com`, phone: `+99900${String(i).padStart(8, '0')}`, ip: ipOf(i), secret: '', lastStep: -1, busy: false,
    }));
    const s0 = performance.now();
    for (let b = 0; b < N; b += BATCH) {
      const batch = customers.slice(b, b + BATCH);
      const challenges = new Map<string, string>();
      await Promise.all(batch.map(async (cu) => {
        const r = await call('POST', '/v1/auth/signup', { email: cu.email, phone: cu.phone, password: PASSWORD }, { 'x-forwarded-for': cu.ip });
        if (r.status !== 201) throw new Error(`signup: ${r.status} ${JSON.stringify(r.body)}`);
        challenges.set(cu.phone, r.body.challengeId);
      }));
      // the texted codes, as the phones received them (the sms.send jobs fill the outbox)
      const codes = new Map<string, string>();
      for (let tries = 0; codes.size < batch.length; tries++) {
        if (tries > 120) throw new Error(`only ${codes.size} of ${batch.length} sign-up codes reached the SMS outbox`);
        await sleep(tries === 0 ? 100 : 500);
        const r = await call('GET', '/v1/admin/sms-outbox?limit=200', undefined, adminAuth);
        for (const m of r.body.data as Array<{ to: string; body: string }>) {
          const code = /\b(\d{6})\b/.exec(m.body)?.[1];
          if (code && challenges.has(m.to) && !codes.has(m.to)) codes.set(m.to, code);
        }
      }
      await Promise.all(batch.map(async (cu) => {
        const h = { 'x-forwarded-for': cu.ip };
        const v = await call('POST', `/v1/auth/challenges/${challenges.get(cu.phone)}/verify`, { code: codes.get(cu.phone) }, h);
        if (v.status !== 200) throw new Error(`sign-up verify: ${v.status} ${JSON.stringify(v.body)}`);
        const auth = { ...h, authorization: `Bearer ${v.body.token}` };
        const e = await call('POST', '/v1/me/security/totp', undefined, auth);
        if (e.status !== 200) throw new Error(`totp enrol: ${e.status} ${JSON.stringify(e.body)}`);
        cu.secret = e.body.secret;
        const epoch = Math.floor(Date.now() / 1000);
        const k = await call('POST', '/v1/me/security/totp/confirm', { code: await totpGenerate({ secret: cu.secret, epoch }) }, auth);
        if (k.status !== 200) throw new Error(`totp confirm: ${k.status} ${JSON.stringify(k.body)}`);
        cu.lastStep = Math.floor(epoch / STEP_S); // that step is used up for this customer
      }));
      if ((b / BATCH) % 5 === 4) log(`  ${kind}: ${b + batch.length} customers ready (${((performance.now() - s0) / 1000).toFixed(0)} s)`);
    }
    const setupSeconds = (performance.now() - s0) / 1000;
    log(`  ${kind}: ${N} customers with TOTP in ${setupSeconds.toFixed(0)} s`);
    // confirming the authenticator used up the current step's code: from the next step on, every customer can log in
    await sleep((stepNow() + 1) * STEP_S * 1000 - Date.now() + 50);

    // ---------- closed-loop logins ----------
    let cursor = 0;
    /** The next customer who has not logged in during the current 30 s step (null: everyone has). */
    const pick = (): Customer | null => {
      const step = stepNow();
      for (let k = 0; k < N; k++) {
        const cu = customers[(cursor + k) % N];
        if (!cu.busy && cu.lastStep < step) { cursor = (cursor + k + 1) % N; cu.busy = true; return cu; }
      }
      return null;
    };

    const level = async (concurrency: number, seconds: number): Promise<Level> => {
      const full: number[] = [], loginMs: number[] = [], verifyMs: number[] = [];
      const errors: Record<string, number> = {};
      let ok = 0, waits = 0;
      await samplePg();
      const cpu0 = cpuOf(server!.pid), pg0 = new Map(pgSeen);
      const start = performance.now();
      const until = start + seconds * 1000;
      await Promise.all(Array.from({ length: concurrency }, async () => {
        while (performance.now() < until) {
          const cu = pick();
          if (!cu) { waits++; await sleep(200); continue; }
          try {
            const h = { 'x-forwarded-for': cu.ip };
            const t0 = performance.now();
            const l = await c.request('POST', '/v1/auth/login', JSON.stringify({ login: cu.email, password: PASSWORD }), h);
            if (l.status !== 200) { errors[`login ${l.status}`] = (errors[`login ${l.status}`] ?? 0) + 1; continue; }
            const epoch = Math.floor(Date.now() / 1000);
            const code = await totpGenerate({ secret: cu.secret, epoch }); // what the authenticator app shows now
            const v = await c.request('POST', `/v1/auth/challenges/${JSON.parse(l.body).challengeId}/verify`, JSON.stringify({ code, method: 'totp' }), h);
            const t1 = performance.now();
            cu.lastStep = Math.floor(epoch / STEP_S);
            if (v.status !== 200 || !JSON.parse(v.body).token) { errors[`verify ${v.status}`] = (errors[`verify ${v.status}`] ?? 0) + 1; continue; }
            ok++;
            full.push(t1 - t0); loginMs.push(l.ms); verifyMs.push(v.ms);
          } finally {
            cu.busy = false;
          }
        }
      }));
      const wall = (performance.now() - start) / 1000;
      const serverCpu = ((cpuOf(server!.pid) - cpu0) * 1000) / Math.max(1, ok);
      const pgCpu = kind === 'postgres' ? (await pgCpuSince(pg0)) / Math.max(1, ok) : null;
      return { concurrency, logins: ok, errors, seconds: wall, perS: ok / wall, full: summary(full), login: summary(loginMs), verify: summary(verifyMs), serverCpu, pgCpu, waits };
    };

    await level(4, 3); // warm-up (JIT, pools, plans), not reported
    const levels: Level[] = [];
    for (const conc of LEVELS) {
      const r = await level(conc, SECONDS);
      levels.push(r);
      log(`  ${kind} c=${conc}: ${r.perS.toFixed(1)} logins/s, p50 ${ms(r.full.p50)} ms, p99 ${ms(r.full.p99)} ms, errors ${JSON.stringify(r.errors)}, waits ${r.waits}`);
    }

    // ---------- did the monitor take it for an attack? ----------
    await sleep(1500); // the monitor flushes detections on a timer
    const ev = await call('GET', '/v1/admin/security/events?limit=500', undefined, adminAuth);
    const alerts = await call('GET', '/v1/admin/alerts', undefined, adminAuth);
    const alertKinds = alerts.status === 200 && Array.isArray(alerts.body?.data) ? alerts.body.data.map((a: { kind: string }) => a.kind) : null;
    const peakRssMiB = memOf(server.pid).hwmMiB;
    c.close();
    return {
      db: kind, setupSeconds, levels, securityEvents: Array.isArray(ev.body?.data) ? ev.body.data.length : -1, peakRssMiB, pgVersion,
      alerts: alertKinds === null ? `not read (${alerts.status})` : alertKinds.length === 0 ? 'none' : [...new Set(alertKinds)].join(', '),
    };
  } finally {
    if (pgSampler) clearInterval(pgSampler);
    await server?.stop();
    await cleanup();
  }
}

// ---------- main ----------
const loadBefore = uptime();
execSync('node scripts/build.mjs', { stdio: 'ignore' });
const argonBefore = await argon2Alone();
log(`argon2 alone: ${argonBefore.params}, ${ms(argonBefore.seqP50)} ms per verify (p50, one at a time), ${argonBefore.cpuPerVerify.toFixed(1)} ms CPU, ${argonBefore.parallelPerS.toFixed(0)}/s with 4 in parallel`);
const runs: DbRun[] = [];
for (const kind of DBS) runs.push(await runDb(kind));
const argonAfter = await argon2Alone();
const loadAfter = uptime();

const argonCpu = (argonBefore.cpuPerVerify + argonAfter.cpuPerVerify) / 2;
const commit = execSync('git rev-parse --short HEAD').toString().trim();
const errText = (e: Record<string, number>) => (Object.keys(e).length ? Object.entries(e).map(([k, v]) => `${v} × ${k}`).join(', ') : 'none');
const lines = [
  '# Login benchmark (password + TOTP)',
  '',
  `Run ${new Date().toISOString()}, commit \`${commit}\`, ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}. \`bench/login.ts\` (\`npm run bench:login\`).`,
  `Server = the dist bundle in its own process (\`dist/cli.mjs serve\`, defaults: UV_THREADPOOL_SIZE 4, DB pool 20, per-IP login limits and security monitor as shipped, \`TRUST_PROXY=true\`); this process generates the load on the same 2 cores.`,
  '',
  `One login = \`POST /v1/auth/login\` (password → argon2id verify) + \`POST /v1/auth/challenges/:id/verify\` with the authenticator\'s current TOTP code (otplib) → a new session token.`,
  `Closed loop: *c* concurrent clients, each starting its next login when the previous one finished, ${SECONDS} s per level after a 3 s warm-up. ${N} customers signed up, verified their phone (code read from the SMS outbox) and enrolled TOTP through the API first.`,
  `Every login is legitimate (right password, current code). A TOTP step is single-use per customer, so each customer logs in at most once per 30 s step — the pool caps the rate at ${(N / 30).toFixed(0)}/s ("waits" counts a client finding no customer free; 0 = the cap did not bind).`,
  'Each customer sends from its own address in its own /24 (X-Forwarded-For): the default per-IP limits (login 10/min, verify 30/min per address) are not raised and are never hit; the security monitor sees ordinary users.',
  '',
  '| DB | concurrency | logins/s | p50 ms | p99 ms | max ms | login step p50 / p99 ms | verify step p50 / p99 ms | CPU ms per login: server / PostgreSQL | 2-core capacity | argon2 share of CPU | errors | waits |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...runs.flatMap((r) => r.levels.map((l) => {
    const total = l.serverCpu + (l.pgCpu ?? 0);
    return `| ${r.db === 'postgres' ? 'PostgreSQL' : 'PGlite'} | ${l.concurrency} | ${l.perS.toFixed(1)} | ${ms(l.full.p50)} | ${ms(l.full.p99)} | ${ms(l.full.max)} | ${ms(l.login.p50)} / ${ms(l.login.p99)} | ${ms(l.verify.p50)} / ${ms(l.verify.p99)} | ${l.serverCpu.toFixed(1)} / ${l.pgCpu === null ? '(in server)' : l.pgCpu.toFixed(1)} | ${(2000 / total).toFixed(0)}/s | ${((argonCpu / total) * 100).toFixed(0)} % | ${errText(l.errors)} | ${l.waits} |`;
  })),
  '',
  `**Argon2 alone** (same parameters: ${argonBefore.params}, the library defaults customers.core.ts uses; in this process): one verify takes ${ms(argonBefore.seqP50)} ms wall (p50, one at a time) and ${argonBefore.cpuPerVerify.toFixed(1)} ms CPU; 4 in parallel (the thread pool) give ${argonBefore.parallelPerS.toFixed(0)} verifies/s. After the runs: ${ms(argonAfter.seqP50)} ms, ${argonAfter.cpuPerVerify.toFixed(1)} ms CPU, ${argonAfter.parallelPerS.toFixed(0)}/s.`,
  'CPU per login is measured (/proc of the server process; the run\'s PostgreSQL backends by schedstat), not inferred from wall time. "2-core capacity" = 2 cores ÷ (server + PostgreSQL CPU per login): the rate both cores would sustain with nothing else running — the wall-clock rate above is what was left on a shared machine (load generator excluded).',
  `"argon2 share of CPU" = argon2 CPU per verify (mean of both measurements, ${argonCpu.toFixed(1)} ms) ÷ (server + PostgreSQL CPU per login); with PGlite the database runs inside the server process.`,
  '',
  ...runs.map((r) => `- ${r.db === 'postgres' ? `PostgreSQL ${r.pgVersion}` : 'PGlite'}: setup of ${N} customers ${r.setupSeconds.toFixed(0)} s; security events after the run: ${r.securityEvents}; alerts: ${r.alerts}; server peak RSS ${r.peakRssMiB.toFixed(0)} MiB.`),
  '',
  'Machine load (`uptime`; the 2 cores are shared with other engineers\' work while this runs):',
  '',
  `- before: \`${loadBefore}\``,
  `- after: \`${loadAfter}\``,
  `- os.loadavg() at the end: ${loadavg().map((v) => v.toFixed(2)).join(', ')}`,
  '',
];
if (PROFILE_DIR) {
  log(lines.join('\n'));
  log(`profiling run: ${OUT.pathname} not written; profiles in ${PROFILE_DIR}`);
  process.exit(0);
}
const MARKER = '<!-- history: kept by bench/login.ts -->';
const previous = existsSync(OUT) ? readFileSync(OUT, 'utf8') : '';
const history = previous.includes(MARKER) ? previous.slice(previous.indexOf(MARKER)) : `${MARKER}\n`;
writeFileSync(OUT, lines.join('\n') + '\n' + history);
log(lines.join('\n'));
process.exit(0);
