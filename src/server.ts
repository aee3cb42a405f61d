import { buildApp } from './app.ts';
import { loadConfig, ConfigError, type Config } from './config.ts';
import { seedDemoCustomer, type DemoCustomerSeed } from './seed.ts';

/** Listens, prints where to open Tollgate, and shuts down gracefully on SIGTERM/SIGINT. */
export async function serve(config: Config = loadConfig()): Promise<void> {
  const started = Date.now();
  const tg = await buildApp(config);
  const { app, ctx } = tg;
  await app.listen({ port: config.port, host: config.host });
  tg.startBackground();
  const readyMs = Date.now() - started;

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

  // the personal area's demo customer needs the running app (the SMS job, the internal system over HTTP)
  let demo: DemoCustomerSeed | null = null;
  if (config.demoSeed) demo = await seedDemoCustomer(tg).catch((err) => { app.log.error({ err }, 'the demo customer could not be seeded'); return null; });
  if (stopping) return;
  const url = config.publicUrl;
  const lines = [
    '',
    `  Tollgate is ready in ${readyMs} ms (${ctx.db.kind}${ctx.db.kind === 'pglite' ? ` in ${config.dataDir}` : ''})`,
    '',
    `  Storefront      ${url}/`,
    `  Ops console     ${url}/console`,
    `  Personal area   ${url}/account`,
    `  API docs        ${url}/docs`,
    `  Demo platform   ${url}/demo-platform/login   (seller / ${ctx.secrets.demoSellerPassword})`,
  ];
  if (tg.generatedAdmin) {
    lines.push('', `  Admin login     ${tg.generatedAdmin.email}${tg.generatedAdmin.password ? `  /  ${tg.generatedAdmin.password}   (generated: shown only this once)` : ''}`);
  }
  if (demo) {
    lines.push(
      '',
      `  Demo customer   ${demo.email}${demo.password ? `  /  ${demo.password}   (generated: shown only this once)` : '   (password shown at the first start)'}`,
      `                  second factor: SMS — codes are in Console → SMS outbox (${url}/console/sms-outbox)`,
      ...(demo.skipped.length ? [`                  not seeded: ${demo.skipped.join('; ')}`] : []),
    );
  }
  process.stdout.write(lines.join('\n') + '\n\n');
}

export function reportStartupError(err: unknown): never {
  if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
  else process.stderr.write(`Tollgate failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
}
