/**
 * Summarizes a V8 .cpuprofile (node --cpu-prof): self time by function and by package/file,
 * and inclusive time by function. Usage: tsx bench/profile.ts FILE.cpuprofile [top]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface CallFrame { functionName: string; url: string; lineNumber: number; columnNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
export interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

function where(url: string): string {
  if (!url) return '(native/V8)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return url;
  const src = url.indexOf('/src/');
  return src >= 0 ? url.slice(src + 1) : url.replace(/^file:\/\//, '');
}

function label(f: CallFrame): string {
  const name = f.functionName || '(anonymous)';
  if (!f.url) return name;
  return `${name} ${where(f.url)}${f.url.includes('/src/') ? `:${f.lineNumber + 1}` : ''}`;
}

export function summarizeProfile(p: CpuProfile, top = 30): string {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfNode = new Map<number, number>();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    total += dt;
    selfNode.set(p.samples[i], (selfNode.get(p.samples[i]) ?? 0) + dt);
  }
  const selfFn = new Map<string, number>();
  const selfFile = new Map<string, number>();
  const incl = new Map<string, number>();
  let idle = 0;
  for (const [id, t] of selfNode) {
    const n = byId.get(id)!;
    const fn = label(n.callFrame);
    if (n.callFrame.functionName === '(idle)') idle += t;
    selfFn.set(fn, (selfFn.get(fn) ?? 0) + t);
    const file = n.callFrame.functionName === '(garbage collector)' ? '(garbage collector)' : n.callFrame.functionName === '(idle)' ? '(idle)' : n.callFrame.functionName === '(program)' ? '(program)' : where(n.callFrame.url);
    selfFile.set(file, (selfFile.get(file) ?? 0) + t);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const l = label(byId.get(cur)!.callFrame);
      if (!seen.has(l)) { seen.add(l); incl.set(l, (incl.get(l) ?? 0) + t); }
    }
  }
  const busy = total - idle;
  const fmt = (m: Map<string, number>, denom: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([k, v]) => `${(v / 1000).toFixed(0).padStart(8)} ms ${((v / denom) * 100).toFixed(1).padStart(5)} %  ${k}`).join('\n');
  return [
    `profile: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (percentages are of busy time)`,
    '', '== self time by package / file ==', fmt(selfFile, busy),
    '', '== self time by function ==', fmt(selfFn, busy),
    '', '== inclusive time by function ==', fmt(incl, busy),
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = process.argv[2];
  if (!file) { process.stderr.write('usage: tsx bench/profile.ts FILE.cpuprofile [top]\n'); process.exit(2); }
  process.stdout.write(summarizeProfile(JSON.parse(readFileSync(file, 'utf8')), Number(process.argv[3] ?? 30)) + '\n');
}
