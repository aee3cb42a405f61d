/**
 * Risk feature sources: what the rule language reads about a checkout payment or a card authorization.
 * Everything here is offline and in-process except the Redis velocity store.
 *
 * Feature paths produced (flat keys of the rule input; a feature whose value is unknown is left out, which the
 * rule language treats as MISSING):
 *
 * | path                        | type    | from                                                                 |
 * |-----------------------------|---------|----------------------------------------------------------------------|
 * | `ip.country`                | string  | ISO 3166-1 alpha-2 of the IP's network (IpIntel)                     |
 * | `ip.asn`                    | number  | autonomous system number                                             |
 * | `ip.as_org`                 | string  | AS organisation ("Google LLC")                                       |
 * | `ip.is_hosting`             | boolean | ASN is a well-known cloud/hosting network (data/hosting-asns.json)   |
 * | `ip.is_private`             | boolean | not a public unicast address (RFC 1918, loopback, CGNAT, …)          |
 * | `card.bin`                  | string  | first 6 digits of the card number                                    |
 * | `card.bin_country`          | string  | issuing country (BinTable, binlist data)                             |
 * | `card.brand`                | string  | product ("Visa/Dankort")                                             |
 * | `card.type`                 | string  | "credit" or "debit"                                                  |
 * | `card.prepaid`              | boolean | true when the BIN range is marked prepaid                            |
 * | `card.scheme`               | string  | visa, mastercard, amex, discover, diners, unionpay, …                |
 * | `card.bank`                 | string  | issuing bank                                                          |
 * | `email.domain`              | string  | lower-case domain (punycode)                                         |
 * | `email.disposable`          | boolean | domain (or a parent) on the disposable list                          |
 * | `email.normalized`          | string  | canonical address (Gmail dots/+tags removed, …)                      |
 * | `user_agent.is_bot`         | boolean | isbot + headless/automation markers; empty UA = bot                  |
 * | `amount.usd`                | number  | amount converted to decimal USD (data/fx-rates.json)                 |
 * | `velocity.<dim>.count_1m` / `count_1h` / `count_24h` / `count_7d`              | number | events in the window |
 * | `velocity.<dim>.sum_usd_1m` / `sum_usd_1h` / `sum_usd_24h` / `sum_usd_7d`      | number | USD in the window    |
 * | `velocity.<dim>.distinct_<name>_1h` / `distinct_<name>_24h`                    | number | distinct values      |
 *
 * `<dim>` is a velocity dimension (card, email, ip, device, user, …) and `<name>` a distinct value name
 * (card, email, ip, …) as given in VelocityEvent; see velocity.ts for windows and error bounds.
 */
import { BinTable } from './bin-table.ts';
import { fxTable, type FxTable, type MoneyLike } from './currency.ts';
import { emailDomain, isDisposable, normalizeEmail, warmEmail } from './email.ts';
import { IpIntel, parseIp } from './ip-intel.ts';
import { isBot } from './user-agent.ts';

export { BinTable, lookupBin, DEFAULT_BIN_FILE, type BinInfo } from './bin-table.ts';
export {
  IpIntel,
  lookupIp,
  parseIp,
  isPrivateIp,
  isPrivateParsed,
  hostingAsns,
  hostingProvider,
  defaultIpDataFiles,
  type IpInfo,
  type IpDataFiles,
  type IpIntelOptions,
  type IpIntelStats,
  type ParsedIp,
} from './ip-intel.ts';
export { isDisposable, normalizeEmail, emailDomain, emailFeatures, warmEmail, type EmailFeatures } from './email.ts';
export { isBot } from './user-agent.ts';
export { toUsd, FxTable, configureFx, fxTable, bundledFxRates, minorUnitsOf, type MoneyLike, type FxRate } from './currency.ts';
export {
  WINDOWS,
  DISTINCT_WINDOWS,
  DEFAULT_DISTINCT_CAP,
  COUNT_FIELDS,
  SUM_FIELDS,
  distinctFields,
  flattenSnapshot,
  velocitySchema,
  systemVelocityClock,
  type VelocityClock,
  type VelocityDim,
  type VelocityEvent,
  type VelocitySnapshot,
  type DimVelocity,
  type VelocityStore,
  type WindowSpec,
} from './velocity.ts';
export { MemoryVelocityStore, type MemoryVelocityOptions } from './velocity-memory.ts';
export { RedisVelocityStore, VELOCITY_LUA, type RedisVelocityOptions } from './velocity-redis.ts';
export { RISK_DATA_DIR, dataFile, packageFile } from './data-dir.ts';

/** Types of the non-velocity feature paths, in the rule language's schema vocabulary. */
export const FEATURE_SCHEMA = Object.freeze({
  'ip.country': 'string',
  'ip.asn': 'number',
  'ip.as_org': 'string',
  'ip.is_hosting': 'boolean',
  'ip.is_private': 'boolean',
  'card.bin': 'string',
  'card.bin_country': 'string',
  'card.brand': 'string',
  'card.type': 'string',
  'card.prepaid': 'boolean',
  'card.scheme': 'string',
  'card.bank': 'string',
  'email.domain': 'string',
  'email.disposable': 'boolean',
  'email.normalized': 'string',
  'user_agent.is_bot': 'boolean',
  'amount.usd': 'number',
} as const);

export type FeaturePath = keyof typeof FEATURE_SCHEMA;

export interface FeatureInput {
  ip?: string | null;
  /** A BIN (6–8 digits) or a card number; only the leading digits are used. */
  bin?: string | null;
  email?: string | null;
  /**
   * undefined: the channel has no user agent (card authorizations) and user_agent.is_bot is left out;
   * null or '': a web request that sent none, which counts as a bot.
   */
  userAgent?: string | null;
  /** Amount in minor units + currency. */
  amount?: MoneyLike | null;
}

export interface FeatureSources {
  ip?: IpIntel;
  bins?: BinTable;
  fx?: FxTable;
}

/**
 * The non-velocity features of one event as flat rule-input keys (FEATURE_SCHEMA). Unknown values are
 * omitted. Add the velocity ones with `flattenSnapshot(snapshot, 'velocity', out)`.
 */
export function extractFeatures(input: FeatureInput, sources: FeatureSources = {}, out: Record<string, unknown> = {}): Record<string, unknown> {
  const put = (k: FeaturePath, v: unknown) => {
    if (v !== null && v !== undefined) out[k] = v;
  };
  const parsed = typeof input.ip === 'string' ? parseIp(input.ip) : null;
  if (parsed) {
    const r = (sources.ip ?? IpIntel.shared()).lookupParsed(parsed);
    put('ip.country', r.country);
    put('ip.asn', r.asn);
    put('ip.as_org', r.asOrg);
    put('ip.is_private', r.isPrivate);
    // unknown network: whether it is hosting is unknown too
    if (r.asn !== null || r.isPrivate) put('ip.is_hosting', r.isHosting);
  }
  if (typeof input.bin === 'string') {
    const digits = input.bin.replace(/[\s-]/g, '');
    if (/^\d{6,19}$/.test(digits)) {
      put('card.bin', digits.slice(0, 6));
      const b = (sources.bins ?? BinTable.load()).lookup(digits);
      if (b) {
        put('card.bin_country', b.country);
        put('card.brand', b.brand);
        put('card.type', b.type);
        put('card.prepaid', b.prepaid);
        put('card.scheme', b.scheme);
        put('card.bank', b.bank);
      }
    }
  }
  if (typeof input.email === 'string' && input.email.trim().length) {
    const domain = emailDomain(input.email);
    put('email.domain', domain);
    put('email.normalized', normalizeEmail(input.email));
    if (domain) put('email.disposable', isDisposable(domain));
  }
  if (input.userAgent !== undefined) put('user_agent.is_bot', isBot(input.userAgent));
  if (input.amount) put('amount.usd', (sources.fx ?? fxTable()).toUsd(input.amount));
  return out;
}

/**
 * Loads every data set now (BIN table, IP tables, disposable domains, FX table) so that the first decision
 * does not pay for it. About a second of CPU, in steps that yield to the event loop between IP tables.
 */
export async function warmFeatures(sources: FeatureSources = {}): Promise<void> {
  if (!sources.bins) BinTable.load();
  fxTable();
  warmEmail();
  await (sources.ip ?? IpIntel.shared()).warm();
}
