// Builds what `npm start` runs: the web app (web/dist) and the server bundle (dist/cli.mjs), each only when
// missing or older than its sources. The server bundle keeps node_modules external; it exists because
// loading the TypeScript sources through tsx at every start costs seconds, a prebuilt bundle a fraction.
import { existsSync, statSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function newest(dir) {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const stale = (output, ...inputs) => !existsSync(output) || Math.max(...inputs.map(newest)) > statSync(output).mtimeMs;

export const SERVER_BUNDLE = join(root, 'dist', 'cli.mjs');
export const serverStale = () => stale(SERVER_BUNDLE, join(root, 'src'));

export async function buildServer() {
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [join(root, 'src', 'cli.ts')],
    outfile: SERVER_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
    loader: { '.sql': 'text' },
  });
}

export function buildWeb() {
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(root, 'web', 'vite.config.ts'), '--logLevel', 'warn'], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) throw new Error('web build failed');
}

export async function buildIfStale({ quiet = false } = {}) {
  if (stale(join(root, 'web', 'dist', 'index.html'), join(root, 'web', 'src'))) {
    if (!quiet) process.stdout.write('Building the web app...\n');
    buildWeb();
  }
  if (serverStale()) {
    if (!quiet) process.stdout.write('Building the server...\n');
    await buildServer();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildIfStale();
}
