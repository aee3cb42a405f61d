#!/usr/bin/env node
// The `tollgate` command: runs the prebuilt bundle (dist/cli.mjs) when it is up to date with src/,
// otherwise the TypeScript sources through tsx (development).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { root, SERVER_BUNDLE, serverStale } from '../scripts/build.mjs';

const args = serverStale()
  ? ['--import', 'tsx', join(root, 'src', 'cli.ts')]
  : ['--enable-source-maps', SERVER_BUNDLE];
const child = spawn(process.execPath, [...args, ...process.argv.slice(2)], { stdio: 'inherit' });
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => child.kill(s));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
