import { createHash } from 'node:crypto';
import type { Db } from './platform/db/db.ts';
import type { CatalogService, NewProduct } from './modules/catalog/index.ts';
import type { CustomersService } from './modules/customers/index.ts';
import type { LedgerService } from './modules/ledger/index.ts';
import type { PersonalAreaService } from './modules/personal-area/index.ts';
import type { Config } from './config.ts';
import type { Logger } from './platform/logger.ts';
import { isAppError } from './platform/errors.ts';
import { randomToken } from './platform/crypto.ts';

/**
 * Demo catalog, created on first start of an empty database (DEMO_SEED=false turns it off).
 * Prices are integer minor units (IDR has 2 decimals in ISO 4217: 1500000 = Rp 15.000,00).
 */
const PRODUCTS: Array<NewProduct & { keys?: number }> = [
  { sku: 'demo-coins-100', name: '100 Demo Coins', description: 'Sent to your Demo Platform account by our seller bot (the platform has no transfer API).', type: 'topup', platform: 'demo', coins: 100, fulfilmentDriver: 'demo-platform-browser', prices: [{ currency: 'IDR', amount: 1_500_000 }, { currency: 'USD', amount: 99 }] },
  { sku: 'demo-coins-550', name: '550 Demo Coins', description: 'Best value: 10% bonus coins. Delivered by the seller bot.', type: 'topup', platform: 'demo', coins: 550, fulfilmentDriver: 'demo-platform-browser', prices: [{ currency: 'IDR', amount: 7_500_000 }, { currency: 'USD', amount: 499 }] },
  { sku: 'demo-coins-1200-api', name: '1,200 Demo Coins (instant)', description: 'Delivered instantly through the platform partner API.', type: 'topup', platform: 'demo', coins: 1200, fulfilmentDriver: 'demo-platform-api', prices: [{ currency: 'IDR', amount: 15_000_000 }, { currency: 'USD', amount: 999 }] },
  { sku: 'starfall-odyssey-key', name: 'Starfall Odyssey — game key', description: 'A key to redeem in your game launcher. Shown on the order page and sent by e-mail.', type: 'key', fulfilmentDriver: 'key-stock', prices: [{ currency: 'IDR', amount: 22_500_000 }, { currency: 'USD', amount: 1499 }], keys: 25, maxQuantity: 5 },
  { sku: 'gift-card-50k', name: 'Gift card Rp 50.000', description: 'A prepaid code for the demo store.', type: 'key', fulfilmentDriver: 'key-stock', prices: [{ currency: 'IDR', amount: 5_000_000 }], keys: 25, maxQuantity: 5 },
  { sku: 'custom-avatar', name: 'Custom avatar frame (hand-made)', description: 'Our team makes it and sends it to you; an operator completes the order.', type: 'key', fulfilmentDriver: 'manual', prices: [{ currency: 'IDR', amount: 3_000_000 }, { currency: 'USD', amount: 199 }], maxQuantity: 1 },
];

/** Demo key codes: random-looking, distinct, the same on every fresh install (so docs and tests can name them). */
function demoCode(sku: string, i: number): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = createHash('sha256').update(`tollgate-demo:${sku}:${i}`).digest();
  const chars = Array.from(bytes.subarray(0, 15), (b) => alphabet[b % alphabet.length]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5, 10)}-${chars.slice(10, 15)}`;
}

export async function seedDemoCatalog(db: Db, catalog: CatalogService): Promise<boolean> {
  return db.tx(async (trx) => {
    await trx.query(`SELECT pg_advisory_xact_lock(hashtextextended('seed.catalog', 7))`);
    const [{ n }] = await trx.query<{ n: number }>(`SELECT count(*)::int AS n FROM products`);
    if (n > 0) return false;
    for (const { keys, ...p } of PRODUCTS) {
      const created = await catalog.create('system', p, trx);
      if (keys) await catalog.addKeyCodes('system', created.id, Array.from({ length: keys }, (_, i) => demoCode(p.sku, i)), trx);
    }
    return true;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The personal area's demo customer (issue 4)
// ---------------------------------------------------------------------------------------------------------------

/** The demo customer's login; the phone is in Ofcom's range reserved for drama (+44 7700 900xxx): nobody's real number. */
export const DEMO_CUSTOMER = { email: 'demo@tollgate.local', phone: '+447700900123', name: 'Demo Customer' } as const;
/** The friend the demo customer sent money to (a second customer; nobody logs in as them). */
export const DEMO_PAYEE = { email: 'sam@tollgate.local', phone: '+447700900456', name: 'Sam' } as const;
/** The starting balance (a top-up-like transfer from gateway_clearing) and the transfer to the friend, in minor units. */
export const DEMO_AMOUNTS = { topup: 25_000, transfer: 2_000 } as const;

export interface DemoCustomerSeed {
  email: string;
  /** Only when this call created the customer: generated, shown once (like the admin password); never stored in clear. */
  password?: string;
  customerId: string;
  created: boolean;
  /** What could not be seeded (the customer still logs in): e.g. the bill payment while the internal system is down. */
  skipped: string[];
}

/** What seedDemoCustomer needs of the running app (buildApp's result fits). */
export interface DemoSeedApp {
  services: { customers: CustomersService; ledger: LedgerService; personalArea: PersonalAreaService };
  ctx: { config: Pick<Config, 'sms' | 'internalSystem' | 'personalArea' | 'workers'>; log: Logger };
}

const SEED_META = { ip: null, userAgent: 'tollgate-seed' } as const;
const ACTOR = 'system:seed';

/**
 * Creates the personal area's demo customer on a running Tollgate (listening, worker started), once:
 * sign-up with a generated password → the texted code read from the SMS outbox → phone verified (SMS is their
 * second factor) → a starting balance (a top-up-like ledger transfer from gateway_clearing) → a transfer to a
 * friend (a second demo customer, added as a payee) → one of their bills paid from the wallet (through the
 * guarded gateway; the posting reaches the internal system through the outbox). Then the seed's session ends.
 *
 * Idempotent: when the demo customer exists (a previous start, or another node that won the race for the
 * e-mail address), nothing is done. Only with the SMS outbox (a real SMS provider could not deliver to the
 * fictional number) and with workers on (they send the code). The bill is paid only with the built-in demo
 * internal system: a real one (INTERNAL_SYSTEM_URL) never sees demo data.
 */
export async function seedDemoCustomer(tg: DemoSeedApp, opts: { /** wait for the sign-up code in the SMS outbox */ smsWaitMs?: number } = {}): Promise<DemoCustomerSeed | null> {
  const { customers, ledger, personalArea } = tg.services;
  const { config, log } = tg.ctx;
  if (config.sms.provider !== 'outbox') {
    log.info('demo customer not seeded: SMS_PROVIDER is not the outbox (a real provider cannot text the demo number)');
    return null;
  }
  if (!config.workers.enabled) {
    log.info('demo customer not seeded: workers are off (nobody would send the sign-up code)');
    return null;
  }
  const existing = await findCustomer(customers, DEMO_CUSTOMER.email);
  if (existing) return { email: DEMO_CUSTOMER.email, customerId: existing, created: false, skipped: [] };

  let signedUp: { customerId: string; challengeId: string; password: string };
  try {
    signedUp = await signupWithGeneratedPassword(customers, DEMO_CUSTOMER);
  } catch (err) {
    if (isAppError(err) && err.code === 'conflict') {
      // another node (or an earlier start) created it meanwhile
      const id = await findCustomer(customers, DEMO_CUSTOMER.email);
      if (id) return { email: DEMO_CUSTOMER.email, customerId: id, created: false, skipped: [] };
    }
    throw err;
  }
  const { customerId, password } = signedUp;
  const out: DemoCustomerSeed = { email: DEMO_CUSTOMER.email, password, customerId, created: true, skipped: [] };

  // the sign-up code, as the customer would read it on their phone (the console's SMS outbox)
  const code = await smsCode(customers, DEMO_CUSTOMER.phone, opts.smsWaitMs ?? 15_000);
  if (!code) {
    // the customer exists: logging in completes the sign-up (a new code is texted then); the rest is left out
    out.skipped.push('phone verification, balance and operations (no sign-up code reached the SMS outbox in time)');
    log.warn({ customerId }, 'demo customer: the sign-up code did not arrive; the first login will verify the phone');
    return out;
  }
  const verified = await customers.verify(signedUp.challengeId, { code }, SEED_META, null);
  const auth = await customers.authenticate(verified.token!, { ...SEED_META, quiet: true });
  const caller = { auth, ip: null, route: 'seed' };
  try {
    await customers.updateProfile(auth, { name: DEMO_CUSTOMER.name });
    const currency = config.personalArea.walletCurrency;

    // 1. the starting balance: money in from the card gateway's clearing account, like a card top-up
    const wallet = (await personalArea.accountsOf(customerId)).find((a) => a.code === 'wallet' && a.currency === currency);
    if (!wallet) throw new Error(`the demo customer has no ${currency} wallet`);
    const clearing = await ledger.systemAccount('gateway_clearing', currency);
    await ledger.transferOne({
      id: `demo-seed:topup:${customerId}`, debitAccountId: clearing.id, creditAccountId: wallet.id, amount: DEMO_AMOUNTS.topup, currency, kind: 'topup',
      description: 'Top-up by card (demo data)', metadata: { reference: `demo-topup-${customerId.slice(-8)}` },
    });

    // 2. a transfer to a friend (a second demo customer) through the payee flow
    try {
      const friend = await ensurePayeeCustomer(customers);
      const { payee } = await personalArea.addPayee(caller, { email: DEMO_PAYEE.email, name: friend ? DEMO_PAYEE.name : undefined });
      await personalArea.transfer(caller, { payeeId: payee.id, amount: { amount: DEMO_AMOUNTS.transfer, currency }, description: 'Concert tickets', idempotencyKey: 'demo-seed' });
    } catch (err) {
      out.skipped.push(`the transfer to ${DEMO_PAYEE.email} (${errText(err)})`);
      log.warn({ err }, 'demo customer: the transfer to the demo payee could not be made');
    }

    // 3. a bill of the (built-in) internal accounting system, paid from the wallet
    if (config.internalSystem.url) {
      out.skipped.push('the bill payment (INTERNAL_SYSTEM_URL points to a real system: no demo data there)');
    } else {
      try {
        const open = (await personalArea.listBills(caller, 'open')).filter((b) => b.amount.currency === currency)
          .sort((a, b) => a.dueDate.localeCompare(b.dueDate));
        if (open[0]) await personalArea.payBill(caller, open[0].id, { method: 'wallet' });
        else out.skipped.push('the bill payment (the internal system has no open bill)');
      } catch (err) {
        out.skipped.push(`the bill payment (${errText(err)})`);
        log.warn({ err }, 'demo customer: a bill could not be paid (is the internal system reachable at PUBLIC_URL?)');
      }
    }
  } finally {
    await customers.logout(auth); // the seed's session ends; the customer logs in with the password and an SMS code
  }
  log.info({ customerId, skipped: out.skipped }, 'demo customer seeded');
  return out;
}

async function findCustomer(customers: CustomersService, email: string): Promise<string | null> {
  const [found] = await customers.admin.search(ACTOR, email);
  return found?.id ?? null;
}

/** The demo payee (created once, phone left unverified: nobody logs in as them); null when it existed already. */
async function ensurePayeeCustomer(customers: CustomersService): Promise<string | null> {
  if (await findCustomer(customers, DEMO_PAYEE.email)) return null;
  try {
    return (await signupWithGeneratedPassword(customers, DEMO_PAYEE)).customerId;
  } catch (err) {
    if (isAppError(err) && err.code === 'conflict') return null;
    throw err;
  }
}

/** The newest code texted to `phone` in the SMS outbox, waiting up to `waitMs` for the sms.send job. */
async function smsCode(customers: CustomersService, phone: string, waitMs: number): Promise<string | null> {
  const until = Date.now() + waitMs;
  for (;;) {
    const msg = (await customers.admin.smsOutbox({ limit: 50 })).find((m) => m.to === phone);
    const code = msg && /\b(\d{6})\b/.exec(msg.body)?.[1];
    if (code) return code;
    if (Date.now() > until) return null;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** 16 random URL-safe characters (96 bits). */
const generatePassword = () => randomToken(12);

/**
 * Sign-up with a generated password; a password the policy refuses (it could, rarely, contain the e-mail name)
 * is drawn again.
 */
async function signupWithGeneratedPassword(customers: CustomersService, who: { email: string; phone: string }) {
  for (let attempt = 1; ; attempt++) {
    const password = generatePassword();
    try {
      return { password, ...(await customers.signup({ email: who.email, phone: who.phone, password }, SEED_META)) };
    } catch (err) {
      if (attempt < 5 && isAppError(err) && err.code === 'validation_failed' && err.message.startsWith('password')) continue;
      throw err;
    }
  }
}

const errText = (err: unknown) => (isAppError(err) ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err));
