/**
 * Where a cold start goes: run as `node --import tsx bench/startup-probe.ts` with the server's env
 * (DATA_DIR or DATABASE_URL, ...). Prints ms for: process start → this module, importing src/app.ts,
 * opening the database, migrate(), the rest of buildApp(), listen(). Used by run.ts after the cold starts.
 */
const t0 = performance.now(); // ms since this process started (performance.timeOrigin)
const mark = (label: string, from: number) => process.stdout.write(`${label} ${(performance.now() - from).toFixed(0)}\n`);
mark('process_to_probe', 0);
let t = performance.now();
const { loadConfig } = await import('../src/config.ts');
const { openDb } = await import('../src/platform/db/db.ts');
mark('import_db', t);
t = performance.now();
const { buildApp } = await import('../src/app.ts');
mark('import_app', t);
const config = loadConfig();
t = performance.now();
const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
mark('open_db', t);
t = performance.now();
const { migrate } = await import('../src/platform/db/migrate.ts');
await migrate(db);
mark('migrate_noop', t);
t = performance.now();
const tg = await buildApp(config, { db });
mark('build_app_rest', t);
t = performance.now();
await tg.app.listen({ port: config.port, host: config.host });
mark('listen', t);
mark('total', 0);
await tg.close();
await db.close();
void t0;
process.exit(0);
