import { buildApp } from './app.ts';
import { loadConfig, ConfigError, type Config } from './config.ts';

/** Listens, prints where to open Tollgate, and shuts down gracefully on SIGTERM/SIGINT. */
export async function serve(config: Config = loadConfig()): Promise<void> {
  const started = Date.now();
  const tg = await buildApp(config);
  const { app, ctx } = tg;
  await app.listen({ port: config.port, host: config.host });
  tg.startBackground();
  const url = config.publicUrl;
  const lines = [
    '',
    `  Tollgate is ready in ${Date.now() - started} ms (${ctx.db.kind}${ctx.db.kind === 'pglite' ? ` in ${config.dataDir}` : ''})`,
    '',
    `  Storefront      ${url}/`,
    `  Ops console     ${url}/console`,
    `  API docs        ${url}/docs`,
    `  Demo platform   ${url}/demo-platform/login   (seller / ${ctx.secrets.demoSellerPassword})`,
  ];
  if (tg.generatedAdmin) {
    lines.push('', `  Admin login     ${tg.generatedAdmin.email}${tg.generatedAdmin.password ? `  /  ${tg.generatedAdmin.password}   (generated: shown only this once)` : ''}`);
  }
  process.stdout.write(lines.join('\n') + '\n\n');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down: no new jobs, finishing in-flight work');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    try {
      await tg.close();
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

export function reportStartupError(err: unknown): never {
  if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
  else process.stderr.write(`Tollgate failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
}
