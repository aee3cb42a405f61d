import { createHash } from 'node:crypto';
import type { Db } from './platform/db/db.ts';
import type { CatalogService, NewProduct } from './modules/catalog/index.ts';

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
