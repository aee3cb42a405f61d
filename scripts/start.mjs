// `npm start`: build the web app if it is missing or older than its sources, then serve.
import { existsSync, statSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'web', 'dist', 'index.html');

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const webSrc = join(root, 'web', 'src');
if (!existsSync(dist) || (existsSync(webSrc) && newest(webSrc) > statSync(dist).mtimeMs)) {
  process.stdout.write('Building the web app (first start)...\n');
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(root, 'web', 'vite.config.ts'), '--logLevel', 'warn'], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) {
    process.stderr.write('web build failed\n');
    process.exit(r.status ?? 1);
  }
}
await import('../bin/tollgate.mjs');
