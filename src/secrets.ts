import { randomBytes } from 'node:crypto';
import type { Config } from './config.ts';
import type { Db } from './platform/db/db.ts';
import type { Logger } from './platform/logger.ts';
import { getOrCreateSetting } from './platform/settings.ts';
import type { Secrets } from './context.ts';

/**
 * Secrets not given in the environment are generated on first start and stored in the database,
 * so every node and every restart sees the same values. Production deployments should set them
 * (at least ENCRYPTION_KEY, which then never lives beside the data it protects).
 */
export async function resolveSecrets(db: Db, config: Config, log: Logger): Promise<Secrets> {
  const gen = (bytes = 32) => () => randomBytes(bytes).toString('base64url');
  const stored = await db.tx(async (trx) => ({
    sandboxWebhookSecret: config.sandbox.webhookSecret ?? (await getOrCreateSetting<string>(trx, 'secret.sandbox_webhook', () => `whsec_${gen()()}`)),
    sandboxApiKey: await getOrCreateSetting<string>(trx, 'secret.sandbox_api_key', () => `sk_sandbox_${gen()()}`),
    demoPlatformPartnerKey: await getOrCreateSetting<string>(trx, 'secret.demo_platform_partner_key', () => `dpk_${gen()()}`),
    demoSellerPassword: await getOrCreateSetting<string>(trx, 'secret.demo_seller_password', gen(12)),
    cardProcessorSecret: config.cards.processorSecret ?? (await getOrCreateSetting<string>(trx, 'secret.card_processor', () => `cps_${gen()()}`)),
    internalSystemApiKey: config.internalSystem.apiKey ?? (await getOrCreateSetting<string>(trx, 'secret.internal_system_api_key', () => `isk_${gen()()}`)),
    encryptionKey: config.encryptionKey ?? (await getOrCreateSetting<string>(trx, 'secret.encryption_key', () => randomBytes(32).toString('base64'))),
  }));
  if (!config.encryptionKey) log.warn('ENCRYPTION_KEY is not set: using a generated key stored in the database (fine for a demo, not for production)');
  const key = Buffer.from(stored.encryptionKey, 'base64');
  if (key.length !== 32) throw new Error('ENCRYPTION_KEY must be 32 bytes, base64-encoded');
  return { ...stored, encryptionKey: key };
}
