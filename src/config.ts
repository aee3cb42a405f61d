import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';

/**
 * Configuration: read from the environment once at boot, validated, frozen.
 * Every setting is documented in README.md (Configuration).
 */
const Bool = Type.Union([Type.Literal('true'), Type.Literal('false'), Type.Literal('1'), Type.Literal('0')]);

const EnvSchema = Type.Object({
  PORT: Type.Optional(Type.String({ pattern: '^[0-9]{1,5}$' })),
  HOST: Type.Optional(Type.String()),
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  DATA_DIR: Type.Optional(Type.String()),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  LOG_LEVEL: Type.Optional(Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)))),
  SANDBOX_WEBHOOK_SECRET: Type.Optional(Type.String({ minLength: 16 })),
  SANDBOX_DELIVERY: Type.Optional(Type.Union([Type.Literal('normal'), Type.Literal('chaos')])),
  SANDBOX_CAPTURE: Type.Optional(Type.Union([Type.Literal('automatic'), Type.Literal('manual')])),
  ADMIN_EMAIL: Type.Optional(Type.String({ format: 'email' })),
  ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 8 })),
  ORDER_TTL_SECONDS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://' })),
  SMTP_FROM: Type.Optional(Type.String()),
  STRIPE_SECRET_KEY: Type.Optional(Type.String()),
  STRIPE_WEBHOOK_SECRET: Type.Optional(Type.String()),
  STRIPE_API_BASE: Type.Optional(Type.String({ pattern: '^https?://' })),
  ENCRYPTION_KEY: Type.Optional(Type.String()),
  WORKERS: Type.Optional(Bool),
  WORKER_CONCURRENCY: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  JOB_MAX_ATTEMPTS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  JOB_LEASE_SECONDS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  DEMO_SEED: Type.Optional(Bool),
  DEMO_PLATFORM_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  BROWSER_FULFILMENT: Type.Optional(Type.Union([Type.Literal('in-process'), Type.Literal('agent')])),
  CHROMIUM_PATH: Type.Optional(Type.String()),
  RATE_LIMIT_PER_MINUTE: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  TRUST_PROXY: Type.Optional(Bool),
  STORE_CURRENCY: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
  PAYMENT_GATEWAY: Type.Optional(Type.Union([Type.Literal('sandbox'), Type.Literal('stripe')])),
  SANDBOX_GATEWAY_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  SLACK_WEBHOOK_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  FRAUD_AUTO_CAPTURE_LIMIT_USD: Type.Optional(Type.String({ pattern: '^[0-9]+(\\.[0-9]+)?$' })),
  RISK: Type.Optional(Bool),
  DB_POOL_SIZE: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  AUTH_HOLD_HOURS: Type.Optional(Type.String({ pattern: '^[0-9]+(\\.[0-9]+)?$' })),
  CARD_PROCESSOR_SECRET: Type.Optional(Type.String({ minLength: 16 })),
  CARD_DECISION_BUDGET_MS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  STRIPE_ISSUING_WEBHOOK_SECRET: Type.Optional(Type.String({ minLength: 8 })),
});
export type Env = Static<typeof EnvSchema>;

export interface Config {
  port: number;
  host: string;
  /** Base URL the outside world uses to reach this server (links in e-mails, gateway return URLs). */
  publicUrl: string;
  dataDir: string;
  databaseUrl?: string;
  logLevel: string;
  sandbox: {
    webhookSecret?: string;
    /** 'chaos' delivers events late, twice and out of order, like real gateways do. */
    delivery: 'normal' | 'chaos';
    /** 'manual' = authorize first, Tollgate captures (auth-capture); 'automatic' = capture at once. */
    capture: 'automatic' | 'manual';
  };
  admin: { email?: string; password?: string };
  orderTtlSeconds: number;
  smtp: { url?: string; from: string };
  stripe: { secretKey?: string; webhookSecret?: string; apiBase?: string };
  encryptionKey?: string;
  workers: { enabled: boolean; concurrency: number; maxAttempts: number; pollMs: number; leaseSeconds: number };
  demoSeed: boolean;
  demoPlatformUrl?: string;
  browserFulfilment: 'in-process' | 'agent';
  chromiumPath: string;
  rateLimitPerMinute: number;
  trustProxy: boolean;
  /** Currency the storefront sells in. */
  storeCurrency: string;
  /** Gateway new orders are paid through. */
  paymentGateway: 'sandbox' | 'stripe';
  /** Where Tollgate reaches the sandbox gateway's API (default: this server's /sandbox). */
  sandboxGatewayUrl?: string;
  /** Shared velocity counters across nodes; in-memory when unset. */
  redisUrl?: string;
  slackWebhookUrl?: string;
  risk: { enabled: boolean; autoCaptureLimitUsd: number };
  /** PostgreSQL connections per node. */
  dbPoolSize: number;
  /** How long an authorization held for review is kept before it is voided. */
  authHoldHours: number;
  cards: {
    /** HMAC secret of the card processor's Tollgate-Signature (generated and stored on first start when unset). */
    processorSecret?: string;
    /** A card authorization decision longer than this gets the card program's fallback answer. */
    decisionBudgetMs: number;
    /** Signing secret of the Stripe Issuing synchronous webhook (enables /v1/webhooks/stripe-issuing). */
    stripeIssuingWebhookSecret?: string;
  };
}

const truthy = (v: string | undefined, dflt: boolean) => (v === undefined ? dflt : v === 'true' || v === '1');

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Config> = {}): Config {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.properties)) {
    const v = env[key];
    if (v !== undefined && v !== '') picked[key] = v;
  }
  if (!Value.Check(EnvSchema, picked)) {
    const errors = [...Value.Errors(EnvSchema, picked)].map((e) => `${e.instancePath.slice(1) || 'env'}: ${e.message}`);
    throw new ConfigError(`invalid configuration:\n  ${errors.join('\n  ')}`);
  }
  const e = picked as Env;
  const port = Number(e.PORT ?? 3000);
  const host = e.HOST ?? '127.0.0.1';
  const cfg: Config = {
    port,
    host,
    publicUrl: (e.PUBLIC_URL ?? `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`).replace(/\/$/, ''),
    dataDir: e.DATA_DIR ?? './data',
    databaseUrl: e.DATABASE_URL,
    logLevel: e.LOG_LEVEL ?? 'info',
    sandbox: {
      webhookSecret: e.SANDBOX_WEBHOOK_SECRET,
      delivery: e.SANDBOX_DELIVERY ?? 'normal',
      capture: e.SANDBOX_CAPTURE ?? 'manual',
    },
    admin: { email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD },
    orderTtlSeconds: Number(e.ORDER_TTL_SECONDS ?? 1800),
    smtp: { url: e.SMTP_URL, from: e.SMTP_FROM ?? 'Tollgate <no-reply@tollgate.local>' },
    stripe: { secretKey: e.STRIPE_SECRET_KEY, webhookSecret: e.STRIPE_WEBHOOK_SECRET, apiBase: e.STRIPE_API_BASE },
    encryptionKey: e.ENCRYPTION_KEY,
    workers: {
      enabled: truthy(e.WORKERS, true),
      concurrency: Number(e.WORKER_CONCURRENCY ?? 4),
      maxAttempts: Number(e.JOB_MAX_ATTEMPTS ?? 5),
      pollMs: 500,
      leaseSeconds: Number(e.JOB_LEASE_SECONDS ?? 60),
    },
    demoSeed: truthy(e.DEMO_SEED, true),
    demoPlatformUrl: e.DEMO_PLATFORM_URL,
    browserFulfilment: e.BROWSER_FULFILMENT ?? 'in-process',
    chromiumPath: e.CHROMIUM_PATH ?? '/usr/bin/chromium',
    rateLimitPerMinute: Number(e.RATE_LIMIT_PER_MINUTE ?? 120),
    trustProxy: truthy(e.TRUST_PROXY, false),
    storeCurrency: e.STORE_CURRENCY ?? 'IDR',
    paymentGateway: e.PAYMENT_GATEWAY ?? 'sandbox',
    sandboxGatewayUrl: e.SANDBOX_GATEWAY_URL,
    redisUrl: e.REDIS_URL,
    slackWebhookUrl: e.SLACK_WEBHOOK_URL,
    dbPoolSize: Math.max(2, Number(e.DB_POOL_SIZE ?? 20)),
    authHoldHours: Number(e.AUTH_HOLD_HOURS ?? 72),
    risk: { enabled: truthy(e.RISK, true), autoCaptureLimitUsd: Number(e.FRAUD_AUTO_CAPTURE_LIMIT_USD ?? 500) },
    cards: { processorSecret: e.CARD_PROCESSOR_SECRET, decisionBudgetMs: Number(e.CARD_DECISION_BUDGET_MS ?? 1000), stripeIssuingWebhookSecret: e.STRIPE_ISSUING_WEBHOOK_SECRET },
    ...overrides,
  };
  if (cfg.port < 0 || cfg.port > 65535) throw new ConfigError('PORT must be 0..65535');
  if (cfg.cards.decisionBudgetMs < 1 || cfg.cards.decisionBudgetMs > 10_000) throw new ConfigError('CARD_DECISION_BUDGET_MS must be 1..10000');
  if (cfg.workers.concurrency < 1) throw new ConfigError('WORKER_CONCURRENCY must be >= 1');
  if (cfg.paymentGateway === 'stripe' && (!cfg.stripe.secretKey || !cfg.stripe.webhookSecret)) throw new ConfigError('PAYMENT_GATEWAY=stripe needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET');
  return Object.freeze(cfg);
}
