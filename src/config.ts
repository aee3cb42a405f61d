import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { decodeKey, keyIdOf, KEY_ID, type CipherKey } from './platform/crypto.ts';

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
  ENCRYPTION_KEYS: Type.Optional(Type.String()),
  INDEX_KEY: Type.Optional(Type.String()),
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
  // --- issue 4: customers, personal area, ledger, internal accounting, guarded gateway ---
  SMS_PROVIDER: Type.Optional(Type.Union([Type.Literal('twilio'), Type.Literal('outbox')])),
  SMS_API_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  TWILIO_ACCOUNT_SID: Type.Optional(Type.String()),
  TWILIO_AUTH_TOKEN: Type.Optional(Type.String()),
  SMS_FROM: Type.Optional(Type.String()),
  WALLET_CURRENCY: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
  STEP_UP_THRESHOLD_MINOR: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  COMPANY_NAME: Type.Optional(Type.String()),
  COMPANY_DETAILS: Type.Optional(Type.String()),
  INTERNAL_SYSTEM_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  INTERNAL_SYSTEM_API_KEY: Type.Optional(Type.String({ minLength: 16 })),
  GATEWAY_RATE_PER_CUSTOMER_PER_MINUTE: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  GATEWAY_RATE_GLOBAL_PER_SECOND: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  GATEWAY_CONCURRENCY_PER_CUSTOMER: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  GATEWAY_CONCURRENCY_GLOBAL: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  GATEWAY_TIMEOUT_MS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  GATEWAY_BREAKER_FAILURES: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  GATEWAY_BREAKER_HALF_OPEN_MS: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
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
  /**
   * Keys of the fields encrypted at rest, from ENCRYPTION_KEYS ("id:base64key,…", the first encrypts, the others only
   * decrypt) or ENCRYPTION_KEY (one key, id 'k' + 8 hex of its sha256, also readable as the legacy id 'k1').
   * Undefined: a key generated on first start and stored in the database.
   */
  encryptionKeys?: CipherKey[];
  /** INDEX_KEY: the long-lived key of the blind index, code hashes and receipt codes (does not rotate with ENCRYPTION_KEYS). */
  indexKey?: Buffer;
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
  /** Text messages (second factor codes): Twilio-compatible API or the dev outbox shown in the console. */
  sms: { provider: 'twilio' | 'outbox'; apiBaseUrl: string; accountSid?: string; authToken?: string; from: string };
  /** Customers' personal area. */
  personalArea: {
    /** Currency of a new customer's wallet account. */
    walletCurrency: string;
    /** Paying more than this (minor units of the wallet currency) needs a fresh second factor. */
    stepUpThresholdMinor: number;
    /** Printed on receipts. */
    companyName: string;
    companyDetails: string;
  };
  /** The company's internal accounting system (default: the demo one this server mounts at /internal-accounting). */
  internalSystem: { url?: string; apiKey?: string };
  /** The guarded gateway between the public side and internal systems. */
  gateway: {
    ratePerCustomerPerMinute: number; rateGlobalPerSecond: number;
    concurrencyPerCustomer: number; concurrencyGlobal: number;
    timeoutMs: number; breakerFailures: number; breakerHalfOpenMs: number;
  };
}

const truthy = (v: string | undefined, dflt: boolean) => (v === undefined ? dflt : v === 'true' || v === '1');

export class ConfigError extends Error {}

const fail = (message: string): never => { throw new ConfigError(message); };

/** ENCRYPTION_KEYS ("id:base64key,…") or ENCRYPTION_KEY (one base64 key) → the FieldCipher's keys, current first. */
export function parseEncryptionKeys(list: string | undefined, single: string | undefined): CipherKey[] | undefined {
  if (list !== undefined && single !== undefined) fail('set ENCRYPTION_KEYS or ENCRYPTION_KEY, not both (put the old key into ENCRYPTION_KEYS)');
  if (single !== undefined) {
    const key = decodeKey(single) ?? fail('ENCRYPTION_KEY must be 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)');
    // values written before key ids were derived from the key carry the id 'k1'
    return [{ id: keyIdOf(key), key }, { id: 'k1', key }];
  }
  if (list === undefined) return undefined;
  const keys: CipherKey[] = [];
  for (const [i, raw] of list.split(',').map((x) => x.trim()).entries()) {
    if (raw === '') fail(`ENCRYPTION_KEYS entry ${i + 1} is empty (expected "id:base64key,id:base64key")`);
    const colon = raw.indexOf(':');
    if (colon < 0) fail(`ENCRYPTION_KEYS entry ${i + 1} must be "id:base64key"`);
    const id = raw.slice(0, colon);
    if (!KEY_ID.test(id)) fail(`ENCRYPTION_KEYS entry ${i + 1}: key id '${id}' must be 1-32 letters, digits, '_' or '-'`);
    if (keys.some((k) => k.id === id)) fail(`ENCRYPTION_KEYS: key id '${id}' appears twice`);
    const key = decodeKey(raw.slice(colon + 1)) ?? fail(`ENCRYPTION_KEYS: key '${id}' must be 32 bytes, base64-encoded (e.g. \`openssl rand -base64 32\`)`);
    keys.push({ id, key });
  }
  return keys;
}

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
    encryptionKeys: parseEncryptionKeys(e.ENCRYPTION_KEYS, e.ENCRYPTION_KEY),
    indexKey: e.INDEX_KEY === undefined ? undefined : (decodeKey(e.INDEX_KEY) ?? fail('INDEX_KEY must be 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)')),
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
    sms: {
      provider: e.SMS_PROVIDER ?? 'outbox', apiBaseUrl: (e.SMS_API_BASE_URL ?? 'https://api.twilio.com').replace(/\/$/, ''),
      accountSid: e.TWILIO_ACCOUNT_SID, authToken: e.TWILIO_AUTH_TOKEN, from: e.SMS_FROM ?? 'Tollgate',
    },
    personalArea: {
      walletCurrency: e.WALLET_CURRENCY ?? 'USD',
      stepUpThresholdMinor: Number(e.STEP_UP_THRESHOLD_MINOR ?? 50_000),
      companyName: e.COMPANY_NAME ?? 'Tollgate Demo Ltd',
      companyDetails: e.COMPANY_DETAILS ?? '1 Demo Street, Example City · Reg. no. 00000000',
    },
    internalSystem: { url: e.INTERNAL_SYSTEM_URL, apiKey: e.INTERNAL_SYSTEM_API_KEY },
    gateway: {
      ratePerCustomerPerMinute: Number(e.GATEWAY_RATE_PER_CUSTOMER_PER_MINUTE ?? 60),
      rateGlobalPerSecond: Number(e.GATEWAY_RATE_GLOBAL_PER_SECOND ?? 200),
      concurrencyPerCustomer: Number(e.GATEWAY_CONCURRENCY_PER_CUSTOMER ?? 2),
      concurrencyGlobal: Number(e.GATEWAY_CONCURRENCY_GLOBAL ?? 16),
      timeoutMs: Number(e.GATEWAY_TIMEOUT_MS ?? 3000),
      breakerFailures: Number(e.GATEWAY_BREAKER_FAILURES ?? 5),
      breakerHalfOpenMs: Number(e.GATEWAY_BREAKER_HALF_OPEN_MS ?? 10_000),
    },
    ...overrides,
  };
  if (cfg.port < 0 || cfg.port > 65535) throw new ConfigError('PORT must be 0..65535');
  if (cfg.cards.decisionBudgetMs < 1 || cfg.cards.decisionBudgetMs > 10_000) throw new ConfigError('CARD_DECISION_BUDGET_MS must be 1..10000');
  if (cfg.sms.provider === 'twilio' && (!cfg.sms.accountSid || !cfg.sms.authToken)) throw new ConfigError('SMS_PROVIDER=twilio needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN');
  for (const [k, v] of Object.entries(cfg.gateway)) if (!(v >= 1)) throw new ConfigError(`GATEWAY setting ${k} must be >= 1`);
  if (cfg.workers.concurrency < 1) throw new ConfigError('WORKER_CONCURRENCY must be >= 1');
  if (cfg.paymentGateway === 'stripe' && (!cfg.stripe.secretKey || !cfg.stripe.webhookSecret)) throw new ConfigError('PAYMENT_GATEWAY=stripe needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET');
  return Object.freeze(cfg);
}
