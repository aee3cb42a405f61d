import Fastify, { type FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type } from 'typebox';
import type { Config } from './config.ts';
import type { AppContext } from './context.ts';
import { openDb, type Db } from './platform/db/db.ts';
import { migrate } from './platform/db/migrate.ts';
import { createLogger, type Logger } from './platform/logger.ts';
import { systemClock } from './platform/clock.ts';
import { FieldCipher } from './platform/crypto.ts';
import { DomainEvents } from './platform/events.ts';
import { Worker } from './platform/jobs/worker.ts';
import { createEmailTransport } from './platform/notify/email.ts';
import { installErrorHandler } from './platform/http/errors.ts';
import { raiseAlert } from './platform/alerts.ts';
import { resolveSecrets } from './secrets.ts';
import { createStaffService, makeGuards, staffRoutes } from './modules/staff/index.ts';
import { createCatalogService, catalogRoutes } from './modules/catalog/index.ts';
import { createBlacklistService, blacklistRoutes } from './modules/blacklist/index.ts';
import { createListsService, createRulesService, createRiskService, riskRoutes, SLACK_JOB } from './modules/risk/index.ts';
import { MemoryVelocityStore } from './modules/risk/features/velocity-memory.ts';
import { RedisVelocityStore } from './modules/risk/features/velocity-redis.ts';
import type { VelocityStore } from './modules/risk/features/velocity.ts';
import { IpIntel } from './modules/risk/features/ip-intel.ts';
import { createSlackNotifier, alertToSlack } from './platform/notify/slack.ts';
import { createAutomationService, automationRoutes, RESUME_JOB } from './modules/automation/index.ts';
import { createPaymentsService, webhookRoutes, PAYMENTS_QUEUE, type PaymentGateway } from './modules/payments/index.ts';
import { SandboxGateway } from './modules/payments/adapters/sandbox.ts';
import { createFulfilmentService, agentRoutes, DELIVER_JOB, queueFor, type DeliverPayload } from './modules/fulfilment/index.ts';
import { createOrdersService, ordersRoutes, reviewRoutes, EMAIL_JOB, RISK_CHECK_JOB } from './modules/orders/index.ts';
import { opsRoutes } from './modules/ops/index.ts';
import { createCardsService, cardsRoutes, processorRoutes } from './modules/cards/index.ts';
import { createLedgerService, ledgerRoutes } from './modules/ledger/index.ts';
import { createInternalAccountingSystem, type InternalAccountingSystem } from './modules/internal-accounting/index.ts';
import { createGateway, HttpAccountingConnector, createBillPostingsService, gatewayRoutes, BILL_POSTINGS_QUEUE, BILL_POSTING_JOB, type Gateway, type AccountingConnector, type BillPostingsService } from './modules/gateway/index.ts';
import { createSecurityMonitor, securityRoutes, installSecurityHook } from './modules/security/index.ts';
import { createCustomersService, customersRoutes, customersAdminRoutes, deriveCustomerKeys } from './modules/customers/index.ts';
import { createPersonalAreaService, personalAreaRoutes, personalAreaAdminRoutes, type PersonalAreaService } from './modules/personal-area/index.ts';
import { createSmsSender, smsJobHandler, SMS_JOB } from './platform/notify/sms.ts';
import { DemoPlatformDirectory, DemoPlatformApiTransfers } from './modules/platforms/demo.ts';
import { DemoPlatformBrowserTransfers } from './modules/platforms/demo-browser.ts';
import type { PlatformDirectory, PlatformTransfers } from './modules/platforms/directory.ts';
import { demoPlatformPlugin } from './modules/demo-platform/index.ts';
import { createSandboxGateway } from './modules/sandbox-gateway/index.ts';
import { seedDemoCatalog } from './seed.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const WEB_DIST = join(here, '..', 'web', 'dist');

export interface BuildOptions {
  /** Use this database instead of opening one from the config (tests). */
  db?: Db;
  logger?: Logger;
}

export interface Tollgate {
  app: FastifyInstance;
  ctx: AppContext;
  /** Starts background work (job worker, sweeps). Call after listen(). */
  startBackground(): void;
  /** Graceful stop: stop claiming jobs, finish in-flight work, close the server and the database. */
  close(): Promise<void>;
  /** The module services (the CLI, benchmarks and tests drive use cases directly). */
  services: { staff: ReturnType<typeof createStaffService>; catalog: ReturnType<typeof createCatalogService>; orders: ReturnType<typeof createOrdersService>; payments: ReturnType<typeof createPaymentsService>; fulfilment: ReturnType<typeof createFulfilmentService>; automation: ReturnType<typeof createAutomationService>; blacklist: ReturnType<typeof createBlacklistService>; risk: ReturnType<typeof createRiskService>; rules: ReturnType<typeof createRulesService>; lists: ReturnType<typeof createListsService>; cards: ReturnType<typeof createCardsService>; ledger: ReturnType<typeof createLedgerService>; gateway: Gateway; accounting: AccountingConnector; billPostings: BillPostingsService; internalAccounting: InternalAccountingSystem; security: ReturnType<typeof createSecurityMonitor>; customers: ReturnType<typeof createCustomersService>; personalArea: PersonalAreaService };
  /** Present on first start of an empty database when no ADMIN_PASSWORD was given. */
  generatedAdmin: { email: string; password?: string } | null;
}

export async function buildApp(config: Config, opts: BuildOptions = {}): Promise<Tollgate> {
  const log = opts.logger ?? createLogger(config.logLevel);
  const db = opts.db ?? (await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.dbPoolSize }));
  await migrate(db);
  const secrets = await resolveSecrets(db, config, log);
  const cipher = new FieldCipher(secrets.encryptionKeys);
  const events = new DomainEvents();
  const worker = new Worker(db, log, {
    queues: [PAYMENTS_QUEUE, 'orders', 'notify'], concurrency: config.workers.concurrency, pollMs: config.workers.pollMs, leaseSeconds: config.workers.leaseSeconds,
    // Kinds without their own dead-letter handling still get a human's eyes.
    onDead: (job, error) => db.tx(async (trx) => { await raiseAlert(trx, { severity: 'critical', kind: 'job.dead', message: `Job ${job.kind} ${job.id} failed for good: ${error}`, subjectId: job.id }); }),
  });
  const email = createEmailTransport(config.smtp.url);
  const ctx: AppContext = { config, db, log, clock: systemClock, worker, cipher, secrets, email, events };

  // --- outside services' adapters (each reached over HTTP at a configurable base URL) ---
  const demoBase = config.demoPlatformUrl ?? `${config.publicUrl}/demo-platform`;
  const directories = new Map<string, PlatformDirectory>([['demo', new DemoPlatformDirectory({ baseUrl: demoBase })]]);
  const browserTransfers = new DemoPlatformBrowserTransfers({ baseUrl: demoBase, sellerPassword: secrets.demoSellerPassword, chromiumPath: config.chromiumPath });
  const transfers = new Map<string, PlatformTransfers>([
    ['demo-platform-api', new DemoPlatformApiTransfers({ baseUrl: demoBase, partnerKey: secrets.demoPlatformPartnerKey })],
    ['demo-platform-browser', browserTransfers],
  ]);
  const gateways = new Map<string, PaymentGateway>([
    ['sandbox', new SandboxGateway({ baseUrl: config.sandboxGatewayUrl ?? `${config.publicUrl}/sandbox`, apiKey: secrets.sandboxApiKey, webhookSecret: secrets.sandboxWebhookSecret })],
  ]);
  if (config.stripe.secretKey && config.stripe.webhookSecret) {
    const { StripeGateway } = await import('./modules/payments/adapters/stripe.ts'); // the SDK loads only when configured
    gateways.set('stripe', new StripeGateway({ secretKey: config.stripe.secretKey, webhookSecret: config.stripe.webhookSecret, apiBase: config.stripe.apiBase }));
  }

  // --- modules ---
  const staff = createStaffService(db);
  const guards = makeGuards(staff);
  // the security monitor (SecuritySink) comes first: other modules report signals to it
  const security = createSecurityMonitor({ db, log, clock: systemClock });
  await security.blocks.refresh(true);
  const catalog = createCatalogService(db, cipher);
  const lists = createListsService(db);
  await lists.refresh(true);
  const blacklist = createBlacklistService(lists);
  const velocity: VelocityStore = config.redisUrl ? new RedisVelocityStore({ url: config.redisUrl, prefix: 'tg:vel:' }) : new MemoryVelocityStore();
  const ipIntel = IpIntel.shared();
  const rules = createRulesService(db, log);
  await rules.installRulePack();
  const risk = createRiskService({ db, log, events, rules, lists, velocity, ipIntel, defaults: { reviewThreshold: 50, blockThreshold: 80, autoCaptureLimitUsd: config.risk.autoCaptureLimitUsd } });
  await risk.loadSettings();
  const slack = createSlackNotifier(config.slackWebhookUrl);
  const automation = createAutomationService(db);
  // background event processing leaves at least half the pool to HTTP requests
  const payments = createPaymentsService({ db, log, events, gateways, concurrency: db.kind === 'pglite' ? 4 : Math.max(2, Math.floor(config.dbPoolSize / 2)) });
  const fulfilment = createFulfilmentService({ db, log, cipher, events, catalog, transfers, maxAttempts: config.workers.maxAttempts, wake: () => worker.wake() });
  const orders = createOrdersService({
    db, log, events, cipher, catalog, payments, fulfilment, blacklist, automation, directories,
    risk: config.risk.enabled ? risk : null, lists, wake: () => worker.wake(),
    settings: { orderTtlSeconds: config.orderTtlSeconds, publicUrl: config.publicUrl, defaultCurrency: config.storeCurrency, defaultGateway: config.paymentGateway, captureMethod: config.sandbox.capture, emailTransport: email.name, authHoldHours: config.authHoldHours },
  });
  const cards = createCardsService({
    db, log, clock: systemClock, cipher, risk: config.risk.enabled ? risk : null, processorSecret: secrets.cardProcessorSecret, decisionBudgetMs: config.cards.decisionBudgetMs,
    notify: { emailTransport: email.name, emailJob: EMAIL_JOB },
  });
  events.on('risk.freeze_card', (trx, e) => cards.onRiskFreeze(trx, e)); // inside the decision's transaction
  const ledger = createLedgerService({ db, clock: systemClock });
  // the internal accounting system (the demo one mounted below unless INTERNAL_SYSTEM_URL points elsewhere), reached only through the guarded gateway
  const accounting: AccountingConnector = new HttpAccountingConnector({ baseUrl: config.internalSystem.url ?? `${config.publicUrl}/internal-accounting/api`, apiKey: secrets.internalSystemApiKey });
  const gateway = createGateway({ settings: config.gateway, security, log, redisUrl: config.redisUrl });
  const billPostings = createBillPostingsService({ db, log, events, gateway, connector: accounting });
  const sms = createSmsSender(config.sms, db, cipher);
  const publicUrl = new URL(config.publicUrl);
  const customers = createCustomersService({
    db, log, clock: ctx.clock, cipher, events, security, keys: deriveCustomerKeys(secrets.indexKey),
    webauthn: { rpID: publicUrl.hostname, rpName: 'Tollgate', origin: publicUrl.origin },
    stepUp: { thresholdMinor: config.personalArea.stepUpThresholdMinor },
    limits: {
      loginPerMinute: Math.max(5, Math.ceil(config.rateLimitPerMinute / 12)), verifyPerMinute: Math.max(10, Math.ceil(config.rateLimitPerMinute / 4)),
      signupPerMinute: Math.max(3, Math.ceil(config.rateLimitPerMinute / 24)), smsPerMinute: Math.max(3, Math.ceil(config.rateLimitPerMinute / 24)),
    },
    redisUrl: config.redisUrl, wake: () => worker.wake(), secureCookies: publicUrl.protocol === 'https:',
  });
  const internalAccounting = createInternalAccountingSystem({ db, apiKey: secrets.internalSystemApiKey, currency: config.personalArea.walletCurrency, cipher });
  // the personal area: wallet on sign-up, top-ups, bills through the guarded gateway, receipts, feedback, live updates
  const personalArea = createPersonalAreaService({
    db, log, clock: ctx.clock, cipher, events, security, ledger, customers, payments, gateway, accounting, billPostings,
    encryptionKey: secrets.indexKey /* receipt codes: the long-lived index key, not the rotating encryption key */, wake: () => worker.wake(),
    settings: { ...config.personalArea, publicUrl: config.publicUrl },
  });

  // --- jobs ---
  for (const action of ['capture', 'void', 'refund']) worker.register(`payments.${action}`, (job) => payments.runAction(job), (job, err) => payments.onActionDead(job, err));
  worker.register(SLACK_JOB.kind, async (job) => {
    if (!slack.configured) return { skipped: 'SLACK_WEBHOOK_URL not set' };
    const [a] = await db.query<{ message: string; severity: string; details: Record<string, unknown> }>(`SELECT message, severity, details FROM alerts WHERE id = $1`, [job.payload.alertId]);
    if (!a) return { skipped: 'alert not found' };
    await slack.send(alertToSlack(a));
    return { sent: true };
  });
  worker.register(RISK_CHECK_JOB.kind, (job) => orders.runRiskCheck(job.payload as { orderId: string; paymentId: string }));
  worker.register(RESUME_JOB.kind, async () => ({ sent: await orders.fulfilWaiting() }));
  worker.register(DELIVER_JOB, (job, jctx) => fulfilment.runDelivery(job.payload as unknown as DeliverPayload, jctx), (job, err) => fulfilment.onDeliveryDead(job.payload as unknown as DeliverPayload, err));
  worker.register(SMS_JOB.kind, smsJobHandler(sms, cipher));
  worker.register(EMAIL_JOB.kind, async (job) => {
    const [m] = await db.query<{ id: string; recipient: string; subject: string; body_text: string; body_html: string | null; status: string }>(`SELECT * FROM notifications WHERE id = $1`, [job.payload.messageId]);
    if (!m || m.status === 'sent' || m.status === 'outbox') return { skipped: true };
    await email.send({ to: m.recipient, subject: m.subject, text: m.body_text, html: m.body_html ?? undefined, from: config.smtp.from });
    await db.query(`UPDATE notifications SET status = $2, sent_at = now() WHERE id = $1`, [m.id, email.name === 'smtp' ? 'sent' : 'outbox']);
    return { via: email.name };
  });
  for (const driver of ['key-stock', 'demo-platform-api', 'demo-platform-browser']) {
    if (driver === 'demo-platform-browser' && config.browserFulfilment === 'agent') continue; // an agent claims these
    worker.addQueue(queueFor(driver));
  }
  worker.addQueue('orders');
  worker.register(BILL_POSTING_JOB, (job) => billPostings.runPosting(String(job.payload.postingId)), (job, err) => billPostings.onPostingDead(job, err));
  worker.addQueue(BILL_POSTINGS_QUEUE);

  // --- first start ---
  const generatedAdmin = await staff.ensureAdmin(config.admin.email, config.admin.password);
  if (config.demoSeed) await seedDemoCatalog(db, catalog);

  // --- HTTP ---
  const app = (Fastify as unknown as (o: object) => FastifyInstance)({
    loggerInstance: log,
    trustProxy: config.trustProxy,
    bodyLimit: 256 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
    genReqId: () => `req_${Math.random().toString(36).slice(2, 12)}`,
  });
  installErrorHandler(app);
  // before the rate limiter: blocked clients cost nothing, and floods are counted even while throttled
  installSecurityHook(app, security);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'],
        formAction: ["'self'", ...(config.publicUrl.startsWith('http://127.0.0.1') || config.publicUrl.startsWith('http://localhost') ? ['http:'] : []), 'https:'],
        upgradeInsecureRequests: null,
      },
    },
  });
  const relaxed = (url: string) => url.startsWith('/v1/webhooks/') || url.startsWith('/sandbox/') || url.startsWith('/demo-platform/') || url.startsWith('/internal-accounting/') || url.startsWith('/assets/') || url === '/healthz';
  await app.register(rateLimit, {
    global: true, max: config.rateLimitPerMinute, timeWindow: '1 minute',
    allowList: (req) => relaxed(req.url),
    errorResponseBuilder: (_req, ctx) => ({ statusCode: 429, error: { code: 'rate_limited', message: `too many requests, retry in ${Math.ceil(ctx.ttl / 1000)} s` } }),
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Tollgate API', version: '1.0.0', description: 'Digital-goods orders, payments and fulfilment. Errors are { "error": { "code", "message" } }.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get('/healthz', { schema: { hide: true, response: { 200: Type.Object({ ok: Type.Boolean(), db: Type.String() }) } } }, async () => ({ ok: true, db: db.kind }));
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const limits = { createPerMinute: Math.max(1, Math.ceil(config.rateLimitPerMinute / 6)), lookupPerMinute: Math.max(1, Math.ceil(config.rateLimitPerMinute / 2)), loginPerMinute: Math.max(5, Math.ceil(config.rateLimitPerMinute / 12)) };
  await app.register(staffRoutes(staff, guards, limits));
  await app.register(catalogRoutes(catalog, guards, config.storeCurrency));
  await app.register(blacklistRoutes(blacklist, guards));
  await app.register(automationRoutes(automation, guards));
  await app.register(ordersRoutes(orders, fulfilment, guards, db, limits));
  await app.register(agentRoutes(fulfilment, guards));
  await app.register(opsRoutes(db, guards, () => worker.wake()));
  await app.register(webhookRoutes(payments));
  await app.register(riskRoutes(risk, rules, lists, guards));
  await app.register(reviewRoutes(orders, guards));
  await app.register(cardsRoutes(cards, guards));
  await app.register(processorRoutes(cards, { secret: secrets.cardProcessorSecret, stripeIssuingSecret: config.cards.stripeIssuingWebhookSecret }));
  await app.register(ledgerRoutes(ledger, guards));
  await app.register(gatewayRoutes(gateway, billPostings, guards));
  await app.register(securityRoutes(security, guards));
  await app.register(customersRoutes(customers));
  await app.register(customersAdminRoutes(customers, guards));
  await app.register(personalAreaRoutes(personalArea, customers));
  await app.register(personalAreaAdminRoutes(personalArea, guards));

  // --- the stand-ins for outside services, served by the same process for `npm start` ---
  await app.register(demoPlatformPlugin({ db, partnerKey: secrets.demoPlatformPartnerKey, sellerPassword: secrets.demoSellerPassword }), { prefix: '/demo-platform' });
  await app.register(internalAccounting.plugin, { prefix: '/internal-accounting/api' });
  const sandbox = createSandboxGateway({
    db, log, apiKey: secrets.sandboxApiKey, webhookSecret: secrets.sandboxWebhookSecret, webhookUrl: `${config.publicUrl}/v1/webhooks/sandbox`,
    delivery: config.sandbox.delivery, publicUrl: `${config.publicUrl}/sandbox`, autoStart: false,
    tuning: { leaseMs: Math.max(15_000, config.workers.leaseSeconds * 1000) },
  });
  await app.register(sandbox.plugin, { prefix: '/sandbox' });

  // --- web (storefront, order page, console) ---
  if (existsSync(join(WEB_DIST, 'index.html'))) {
    await app.register(fastifyStatic, { root: WEB_DIST, prefix: '/', wildcard: false, index: false });
    const spa = (_req: unknown, reply: { type: (t: string) => { sendFile: (f: string) => unknown } }) => reply.type('text/html').sendFile('index.html');
    app.get('/', { schema: { hide: true } }, spa as never);
    app.get('/orders/*', { schema: { hide: true } }, spa as never);
    app.get('/console', { schema: { hide: true } }, spa as never);
    app.get('/console/*', { schema: { hide: true } }, spa as never);
    app.get('/account', { schema: { hide: true } }, spa as never);
    app.get('/account/*', { schema: { hide: true } }, spa as never);
  }

  let timers: NodeJS.Timeout[] = [];
  let closing = false;
  const sweep = async () => {
    await ledger.expireDue().catch((err) => log.error({ err }, 'ledger hold expiry failed')); // releases holds past their expiry
    try {
      await payments.processPending();
      await orders.expireDue();
      await orders.expireUnreviewed();
      await orders.fulfilWaiting();
      await personalArea.expireCardAttempts(); // bill card payments left unpaid: voided so the bill can be paid again
    } catch (err) {
      log.error({ err }, 'sweep failed');
    }
  };

  return {
    app, ctx, generatedAdmin,
    services: { staff, catalog, orders, payments, fulfilment, automation, blacklist, risk, rules, lists, cards, ledger, security, gateway, accounting, billPostings, internalAccounting, customers, personalArea },
    startBackground() {
      if (config.workers.enabled) worker.start();
      security.start();
      sandbox.start();
      // load the IP data now rather than on the first decision (~0.4 s, off the request path)
      if (config.risk.enabled) void ipIntel.warm().catch((err) => log.error({ err }, 'IP data could not be loaded'));
      timers = [
        setInterval(() => void sweep(), 5_000),
        // PGlite has no autovacuum: without it dead rows pile up and plans go stale on a long-running demo.
        ...(db.kind === 'pglite' ? [setInterval(() => void db.query('VACUUM (ANALYZE)').catch((err) => log.warn({ err }, 'vacuum failed')), 15 * 60_000)] : []),
        // lists (and rules) changed on another node reach this one within a second
        setInterval(() => void Promise.all([lists.refresh(), rules.refresh()]).catch((err) => log.error({ err }, 'risk refresh failed')), 1_000),
        // cards frozen / controls changed on another node: dropped from this node's decision cache within a second
        setInterval(() => void cards.refreshCardState().catch((err) => log.error({ err }, 'card state refresh failed')), 1_000),
      ];
      void sweep();
    },
    async close() {
      if (closing) return;
      closing = true;
      for (const t of timers) clearInterval(t);
      await worker.stop(); // stop claiming, finish in-flight jobs
      await payments.drain(); // finish processing the webhooks already received
      await ledger.drain(); // commit the transfers already submitted
      await sandbox.stop();
      await personalArea.close(); // ends live streams, which would keep the server open
      await app.close();
      await security.stop(); // writes the detections still pending
      await browserTransfers.close();
      await velocity.close();
      await gateway.close();
      await customers.close();
      if (!opts.db) await db.close();
    },
  };
}
