import { randomBytes } from 'node:crypto';
import { ConfigError, type Config } from './config.ts';
import type { Db, Sql } from './platform/db/db.ts';
import type { Logger } from './platform/logger.ts';
import { getOrCreateSetting, getSetting } from './platform/settings.ts';
import { keyIdOf, type CipherKey } from './platform/crypto.ts';
import type { Secrets } from './context.ts';

const ENCRYPTION_KEY_SETTING = 'secret.encryption_key';
const INDEX_KEY_SETTING = 'secret.index_key';

/**
 * Secrets not given in the environment are generated on first start and stored in the database,
 * so every node and every restart sees the same values. Production deployments should set them
 * (at least ENCRYPTION_KEYS and INDEX_KEY, which then never live beside the data they protect).
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
    ...(await resolveKeys(trx, config, log)),
  }));
  return stored;
}

/**
 * The encryption keys (current first) and the index key.
 * - Configured keys (ENCRYPTION_KEYS / ENCRYPTION_KEY) come first; a key generated earlier and stored in the database
 *   stays readable (under its derived id and the legacy id 'k1'), so moving from the generated key to configured
 *   keys loses nothing. Without configured keys, the stored key (generated on first start) encrypts.
 * - The index key (blind index, code hashes, receipt codes) must not change when the encryption key rotates:
 *   INDEX_KEY, else the stored one. When none is stored yet and data keyed by the old single key may exist, that
 *   key is taken over, so e-mail/phone lookups and issued receipt codes keep working.
 */
async function resolveKeys(trx: Sql, config: Config, log: Logger): Promise<{ encryptionKeys: CipherKey[]; encryptionKey: Buffer; indexKey: Buffer }> {
  const storedB64 = await getSetting<string>(trx, ENCRYPTION_KEY_SETTING);
  const storedKey = storedB64 === undefined ? undefined : decodeStored(storedB64, ENCRYPTION_KEY_SETTING);
  let keys: CipherKey[];
  if (config.encryptionKeys) {
    keys = [...config.encryptionKeys];
    if (storedKey) keys.push({ id: keyIdOf(storedKey), key: storedKey }, { id: 'k1', key: storedKey });
  } else {
    log.warn('ENCRYPTION_KEYS is not set: using a generated key stored in the database (fine for a demo, not for production)');
    const key = storedKey ?? decodeStored(await getOrCreateSetting<string>(trx, ENCRYPTION_KEY_SETTING, () => randomBytes(32).toString('base64')), ENCRYPTION_KEY_SETTING);
    keys = [{ id: keyIdOf(key), key }, { id: 'k1', key }];
  }
  let indexKey = config.indexKey;
  if (!indexKey) {
    const storedIndex = await getSetting<string>(trx, INDEX_KEY_SETTING);
    if (storedIndex !== undefined) indexKey = decodeStored(storedIndex, INDEX_KEY_SETTING);
    else {
      // Before INDEX_KEY existed these keys were derived from the single encryption key: ENCRYPTION_KEY, else the stored one.
      const keyed = await hasKeyedData(trx);
      if (keyed) {
        if (config.encryptionKey !== undefined) {
          throw new ConfigError('INDEX_KEY is not set and this database has customers whose e-mail/phone lookup is keyed by ENCRYPTION_KEY: set INDEX_KEY to the same value as ENCRYPTION_KEY (and keep it when the encryption keys rotate)');
        }
        if (!storedKey) {
          throw new ConfigError('INDEX_KEY is not set and this database has customers whose e-mail/phone lookup is keyed by the earlier ENCRYPTION_KEY: set INDEX_KEY to that key (and keep it when ENCRYPTION_KEYS rotates)');
        }
      }
      const make = keyed && storedKey ? storedKey : randomBytes(32);
      indexKey = decodeStored(await getOrCreateSetting<string>(trx, INDEX_KEY_SETTING, () => make.toString('base64')), INDEX_KEY_SETTING);
      log.warn('INDEX_KEY is not set: using a key stored in the database (fine for a demo, not for production)');
    }
  }
  return { encryptionKeys: keys, encryptionKey: keys[0].key, indexKey };
}

async function hasKeyedData(trx: Sql): Promise<boolean> {
  const rows = await trx.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 FROM customers LIMIT 1) x`);
  return rows[0].n > 0;
}

function decodeStored(b64: string, setting: string): Buffer {
  const key = Buffer.from(b64, 'base64');
  if (key.length !== 32) throw new ConfigError(`the stored ${setting} is not a 32-byte key`);
  return key;
}
