// `npm test`: every *.test.ts beside the code and in test/, on node:test + tsx.
// PGlite by default; PostgreSQL when DATABASE_URL is set (each test app gets its own schema).
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

function find(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) find(p, out);
    else if (e.name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

const files = args.filter((a) => !a.startsWith('-')).length ? args.filter((a) => !a.startsWith('-')) : [...find(join(root, 'src')), ...find(join(root, 'test'))].sort();
const flags = args.filter((a) => a.startsWith('-'));

// The web app must be built for the browser tests of the storefront and console.
if (files.some((f) => f.startsWith('test/e2e')) && !existsSync(join(root, 'web', 'dist', 'index.html'))) {
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(root, 'web', 'vite.config.ts'), '--logLevel', 'warn'], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// Make the migrated PGlite template once, before test files run in parallel.
if (!process.env.DATABASE_URL) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', "const m = await import('./test/support/db.ts'); const db = await m.testDb(); await db.close();"], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

process.stdout.write(`Running ${files.length} test files on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}\n`);
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...flags, ...files], { stdio: 'inherit', cwd: root, env: { ...process.env, NODE_NO_WARNINGS: '1' } });
process.exit(r.status ?? 1);
