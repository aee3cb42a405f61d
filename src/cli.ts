import { parseArgs } from 'node:util';
import { loadConfig } from './config.ts';
import { serve, reportStartupError } from './server.ts';

const HELP = `tollgate <command> [options]

Commands:
  serve                 run the server (default)
  migrate               apply database migrations and exit
  seed                  create the first admin and demo data (if the database is empty) and exit
  agent                 run the browser fulfilment driver as an outside agent
      --url URL         Tollgate base URL (default $TOLLGATE_URL or http://127.0.0.1:3000)
      --token TOKEN     agent token (default $AGENT_TOKEN); create one in the console (Staff → Agents)
      --queue NAME      queue to claim from (default fulfilment.demo-platform-browser)
      --platform-url URL  the demo platform's base URL (default <url>/demo-platform)
      --seller-password P the platform seller's password (default $DEMO_SELLER_PASSWORD)
      --once            process what is queued now and exit
  rotate-keys           re-encrypt every encrypted value under the current key (the first of ENCRYPTION_KEYS), then exit;
                        idempotent and resumable, prints counts; exit code 1 when a value cannot be decrypted
      --batch N         rows per transaction (default 500)
      --dry-run         count what would be re-encrypted, change nothing
  simulate              play realistic traffic through the HTTP endpoints (fills the console)
      --url URL         Tollgate base URL (default $TOLLGATE_URL or http://127.0.0.1:3000)
      --email E --password P   an admin's login (default $ADMIN_EMAIL / $ADMIN_PASSWORD)
      --scale N         multiply the volume (default 1)
      --processor-secret S     the card processor signing secret (default: read through the admin API)
Configuration comes from the environment: see README.md.`;

async function main() {
  const [cmd = 'serve', ...rest] = process.argv.slice(2);
  if (cmd === 'help' || cmd === '--help' || cmd === '-h') {
    process.stdout.write(HELP + '\n');
    return;
  }
  if (cmd === 'serve') return serve(loadConfig());
  if (cmd === 'migrate') {
    const { openDb } = await import('./platform/db/db.ts');
    const { migrate } = await import('./platform/db/migrate.ts');
    const cfg = loadConfig();
    const db = await openDb({ databaseUrl: cfg.databaseUrl, dataDir: cfg.dataDir });
    const applied = await migrate(db);
    await db.close();
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
    return;
  }
  if (cmd === 'seed') {
    const { buildApp } = await import('./app.ts');
    const cfg = loadConfig({ ...process.env, WORKERS: 'false' });
    const tg = await buildApp(cfg);
    if (tg.generatedAdmin) process.stdout.write(`admin: ${tg.generatedAdmin.email}${tg.generatedAdmin.password ? ` / ${tg.generatedAdmin.password}` : ''}\n`);
    await tg.close();
    process.stdout.write('seeded\n');
    return;
  }
  if (cmd === 'agent') {
    const { values } = parseArgs({
      args: rest,
      options: { url: { type: 'string' }, token: { type: 'string' }, queue: { type: 'string' }, 'platform-url': { type: 'string' }, 'seller-password': { type: 'string' }, once: { type: 'boolean' } },
    });
    const { runAgent } = await import('./agent.ts');
    const url = (values.url ?? process.env.TOLLGATE_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
    const token = values.token ?? process.env.AGENT_TOKEN;
    const sellerPassword = values['seller-password'] ?? process.env.DEMO_SELLER_PASSWORD;
    if (!token || !sellerPassword) throw new Error('agent needs --token and --seller-password (or AGENT_TOKEN / DEMO_SELLER_PASSWORD)');
    await runAgent({ url, token, queue: values.queue ?? 'fulfilment.demo-platform-browser', platformUrl: values['platform-url'] ?? `${url}/demo-platform`, sellerPassword, once: values.once ?? false });
    return;
  }
  if (cmd === 'simulate') {
    const { values } = parseArgs({ args: rest, options: { url: { type: 'string' }, email: { type: 'string' }, password: { type: 'string' }, scale: { type: 'string' }, 'processor-secret': { type: 'string' } } });
    const { simulate } = await import('./simulate.ts');
    const email = values.email ?? process.env.ADMIN_EMAIL;
    const password = values.password ?? process.env.ADMIN_PASSWORD;
    if (!email || !password) throw new Error('simulate needs an admin login: --email and --password (or ADMIN_EMAIL / ADMIN_PASSWORD)');
    const counts = await simulate({ url: values.url ?? process.env.TOLLGATE_URL ?? 'http://127.0.0.1:3000', email, password, scale: Number(values.scale ?? 1), processorSecret: values['processor-secret'] ?? process.env.CARD_PROCESSOR_SECRET });
    process.stdout.write(`${JSON.stringify(counts, null, 2)}\nOpen the console: decisions, review queue, alerts, reconciliation.\n`);
    return;
  }
  if (cmd === 'rotate-keys') {
    const { values } = parseArgs({ args: rest, options: { batch: { type: 'string' }, 'dry-run': { type: 'boolean' } } });
    const { openDb } = await import('./platform/db/db.ts');
    const { migrate } = await import('./platform/db/migrate.ts');
    const { createLogger } = await import('./platform/logger.ts');
    const { resolveSecrets } = await import('./secrets.ts');
    const { FieldCipher } = await import('./platform/crypto.ts');
    const { rotateKeys } = await import('./platform/rotate-keys.ts');
    const cfg = loadConfig();
    const batchSize = Number(values.batch ?? 500);
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error('--batch must be a positive integer');
    const db = await openDb({ databaseUrl: cfg.databaseUrl, dataDir: cfg.dataDir });
    try {
      await migrate(db);
      const secrets = await resolveSecrets(db, cfg, createLogger(cfg.logLevel));
      const cipher = new FieldCipher(secrets.encryptionKeys);
      const report = await rotateKeys(db, cipher, { batchSize, dryRun: values['dry-run'] ?? false, progress: (l) => process.stderr.write(`${l}\n`) });
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      if (report.failed > 0) process.exitCode = 1;
    } finally {
      await db.close();
    }
    return;
  }
  process.stderr.write(`unknown command ${cmd}\n\n${HELP}\n`);
  process.exit(2);
}

main().catch(reportStartupError);
