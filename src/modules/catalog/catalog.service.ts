import type { Db, Sql } from '../../platform/db/db.ts';
import type { FieldCipher } from '../../platform/crypto.ts';
import { sha256Hex } from '../../platform/crypto.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { audit, actorOf, type Principal } from '../staff/index.ts';
import * as repo from './catalog.repo.ts';
import type { FulfilmentDriver, Product, ProductType } from './catalog.repo.ts';

export interface NewProduct {
  sku: string; name: string; description?: string; type: ProductType; platform?: string | null; coins?: number | null;
  fulfilmentDriver: FulfilmentDriver; active?: boolean; maxQuantity?: number; prices: Array<{ currency: string; amount: number }>;
}

const DRIVERS_BY_TYPE: Record<ProductType, FulfilmentDriver[]> = {
  topup: ['demo-platform-api', 'demo-platform-browser', 'manual'],
  key: ['key-stock', 'manual'],
};

function checkProductShape(p: { type: ProductType; fulfilmentDriver: FulfilmentDriver; coins?: number | null; platform?: string | null }) {
  if (!DRIVERS_BY_TYPE[p.type].includes(p.fulfilmentDriver)) {
    throw new AppError('validation_failed', `a ${p.type} product cannot use the ${p.fulfilmentDriver} driver`);
  }
  if (p.type === 'topup' && (!p.coins || !p.platform)) throw new AppError('validation_failed', 'a top-up product needs coins and platform');
  if (p.type === 'key' && p.coins) throw new AppError('validation_failed', 'a key product has no coins');
}

export function createCatalogService(db: Db, cipher: FieldCipher) {
  const service = {
    listActive: () => repo.listProducts(db, { activeOnly: true }),
    listAll: () => repo.listProducts(db, { activeOnly: false }),
    stockCounts: () => repo.stockCounts(db),

    /** Products for an order, read inside the order's transaction (their snapshot goes on the lines). */
    getForOrder: (trx: Sql, ids: string[]) => repo.getProducts(trx, ids),
    getMany: (ids: string[]) => repo.getProducts(db, ids),

    async create(by: Principal | 'system', input: NewProduct, trxIn?: Sql): Promise<Product> {
      checkProductShape(input);
      const id = newId('prd');
      const run = async (trx: Sql) => {
        const existing = await trx.query(`SELECT 1 FROM products WHERE sku = $1`, [input.sku]);
        if (existing.length) throw new AppError('conflict', `a product with sku ${input.sku} exists`);
        await repo.insertProduct(trx, {
          id, sku: input.sku, name: input.name, description: input.description ?? '', type: input.type, platform: input.platform ?? null,
          coins: input.coins ?? null, fulfilmentDriver: input.fulfilmentDriver, active: input.active ?? true, maxQuantity: input.maxQuantity ?? 10,
        });
        for (const p of input.prices) await repo.setPrice(trx, id, p.currency, p.amount);
        await audit(trx, { actor: by === 'system' ? 'system' : actorOf(by), action: 'product.created', subjectId: id, details: { sku: input.sku, prices: input.prices } });
        return (await repo.getProducts(trx, [id]))[0];
      };
      return trxIn ? run(trxIn) : db.tx(run);
    },

    /** Changing a name or a price never touches existing orders: their lines hold a snapshot. */
    async update(by: Principal, id: string, patch: { name?: string; description?: string; active?: boolean; maxQuantity?: number; prices?: Array<{ currency: string; amount: number }> }, ip?: string | null) {
      return db.tx(async (trx) => {
        const [before] = await repo.getProducts(trx, [id]);
        if (!before) throw new AppError('not_found', 'product not found');
        await repo.updateProduct(trx, id, patch);
        if (patch.prices) {
          if (new Set(patch.prices.map((p) => p.currency)).size !== patch.prices.length) throw new AppError('validation_failed', 'one price per currency');
          for (const p of patch.prices) await repo.setPrice(trx, id, p.currency, p.amount);
          await repo.deletePricesExcept(trx, id, patch.prices.map((p) => p.currency));
        }
        const [after] = await repo.getProducts(trx, [id]);
        await audit(trx, { actor: actorOf(by), action: 'product.updated', subjectId: id, ip, details: { before: { name: before.name, active: before.active, prices: before.prices }, after: patch } });
        return after;
      });
    },

    /** Adds key codes to stock; codes are stored encrypted, duplicates (same product) are skipped. */
    async addKeyCodes(by: Principal | 'system', productId: string, codes: string[], trxIn?: Sql) {
      const run = async (trx: Sql) => {
        const [p] = await repo.getProducts(trx, [productId]);
        if (!p) throw new AppError('not_found', 'product not found');
        if (p.fulfilmentDriver !== 'key-stock') throw new AppError('validation_failed', 'this product is not delivered from key stock');
        let added = 0;
        for (const raw of codes) {
          const code = raw.trim();
          if (!code) continue;
          if (await repo.insertKeyCode(trx, { id: newId('key'), productId, codeEnc: cipher.encrypt(code), codeHash: sha256Hex(`${productId}:${code}`) })) added++;
        }
        await audit(trx, { actor: by === 'system' ? 'system' : actorOf(by), action: 'product.keys_added', subjectId: productId, details: { added, submitted: codes.length } });
        return { added, duplicates: codes.filter((c) => c.trim()).length - added };
      };
      return trxIn ? run(trxIn) : db.tx(run);
    },

    /** Reserve codes for an order inside its transaction; refuses with out_of_stock (the tx rolls back). */
    async reserveKeys(trx: Sql, productId: string, qty: number, orderId: string): Promise<void> {
      const got = await repo.reserveKeyCodes(trx, productId, qty, orderId);
      if (got.length < qty) throw new AppError('out_of_stock', 'this product is out of stock');
    },
    releaseKeys: (trx: Sql, orderId: string) => repo.releaseKeyCodes(trx, orderId),
    async deliverKeys(trx: Sql, orderId: string, productId: string): Promise<string[]> {
      const rows = await repo.deliverKeyCodes(trx, orderId, productId);
      return rows.map((r) => cipher.decrypt(r.codeEnc));
    },
  };
  return service;
}

export type CatalogService = ReturnType<typeof createCatalogService>;
