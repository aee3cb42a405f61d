import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import http from 'node:http';

export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const CLK_TCK = 100; // getconf CLK_TCK on Linux x86_64

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function healthz(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', agent: false, timeout: 1000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => { req.destroy(); resolve(0); });
  });
}

export interface Server {
  child: ChildProcess;
  pid: number;
  port: number;
  url: string;
  /** ms from spawn() to the first /healthz 200. */
  readyMs: number;
  /** "Tollgate is ready in N ms" as printed by the server (buildApp + listen, after module loading). */
  selfReportedMs: number | null;
  stop(): Promise<number | null>;
}

/**
 * Spawns `node [nodeArgs] --import tsx src/cli.ts serve` with `env`, and waits for /healthz 200
 * (polled every 5 ms). Output goes to `logFile`.
 */
export async function startServer(opts: { env: Record<string, string>; logFile: string; nodeArgs?: string[]; imports?: string[]; timeoutMs?: number; /** run this script instead of tsx + src/cli.ts (e.g. the dist bundle) */ script?: string }): Promise<Server> {
  const port = Number(opts.env.PORT);
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  const t0 = performance.now();
  const entry = opts.script ? [opts.script, 'serve'] : ['--import', 'tsx', ...(opts.imports ?? []).flatMap((i) => ['--import', i]), 'src/cli.ts', 'serve'];
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), ...entry], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let selfReportedMs: number | null = null;
  let exited: number | null | undefined;
  child.on('exit', (code) => { exited = code; });
  child.stdout!.on('data', (c: Buffer) => {
    const m = /ready in (\d+) ms/.exec(c.toString());
    if (m) selfReportedMs = Number(m[1]);
    log.write(c);
  });
  child.stderr!.on('data', (c: Buffer) => log.write(c));
  const deadline = t0 + (opts.timeoutMs ?? 60_000);
  for (;;) {
    if (exited !== undefined) throw new Error(`server exited with ${exited} before it was ready; see ${opts.logFile}`);
    if ((await healthz(port)) === 200) break;
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready in ${opts.timeoutMs ?? 60_000} ms; see ${opts.logFile}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const readyMs = performance.now() - t0;
  // The ready line is printed right after listen(); give stdout a moment.
  for (let i = 0; i < 40 && selfReportedMs === null; i++) await new Promise((r) => setTimeout(r, 5));
  return {
    child, pid: child.pid!, port, url: `http://127.0.0.1:${port}`, readyMs, selfReportedMs,
    async stop() {
      if (exited !== undefined) return exited;
      const done = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
      const code = await done;
      clearTimeout(timer);
      log.end();
      return code;
    },
  };
}

/** RSS now and the high-water mark (VmHWM) of a process, in MiB. */
export function memOf(pid: number): { rssMiB: number; hwmMiB: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? NaN);
  return { rssMiB: kb('VmRSS') / 1024, hwmMiB: kb('VmHWM') / 1024 };
}

/** CPU seconds (user+system) used so far by a process. */
export function cpuOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK; // utime, stime (fields 14, 15)
  } catch {
    return 0;
  }
}

/** CPU seconds used so far by all processes whose command name starts with `name` (e.g. postgres backends). */
export function cpuOfAll(name: string): number {
  let total = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (comm.startsWith(name)) total += cpuOf(Number(d));
    } catch { /* gone */ }
  }
  return total;
}

/** Samples a process's RSS every `everyMs`; returns the peak seen. */
export function rssSampler(pid: number, everyMs = 200) {
  let peak = 0;
  const t = setInterval(() => {
    try { peak = Math.max(peak, memOf(pid).rssMiB); } catch { /* exited */ }
  }, everyMs);
  t.unref();
  return { get peak() { return peak; }, stop() { clearInterval(t); return peak; } };
}

/** CPU seconds (all cores, busy = everything but idle and iowait) used by the whole machine so far. */
export function machineCpu(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return (total - f[3] - (f[4] ?? 0)) / CLK_TCK;
}

/** Waits (up to maxWaitMs) until processes other than this one use less than `cores` of CPU; returns that load. */
export async function waitForQuiet(cores = 0.3, maxWaitMs = 90_000, log?: (m: string) => void): Promise<number> {
  const t0 = performance.now();
  let warned = false;
  for (;;) {
    const m0 = machineCpu(), s0 = process.cpuUsage();
    await new Promise((r) => setTimeout(r, 2000));
    const own = (process.cpuUsage(s0).user + process.cpuUsage(s0).system) / 1e6;
    const load = Math.max(0, (machineCpu() - m0 - own) / 2);
    if (load < cores || performance.now() - t0 > maxWaitMs) return load;
    if (!warned && log) log(`  machine busy (${load.toFixed(2)} cores used by other processes); waiting up to ${maxWaitMs / 1000} s for it to settle…`);
    warned = true;
  }
}
