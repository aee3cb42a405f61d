import type { Sql } from '../../platform/db/db.ts';

export type ProductType = 'topup' | 'key';
export type FulfilmentDriver = 'key-stock' | 'demo-platform-api' | 'demo-platform-browser' | 'manual';

export interface Product {
  id: string; sku: string; name: string; description: string; type: ProductType; platform: string | null;
  coins: number | null; fulfilmentDriver: FulfilmentDriver; active: boolean; maxQuantity: number;
  prices: Array<{ currency: string; amount: number }>; createdAt: Date; updatedAt: Date;
}

interface ProductRow {
  id: string; sku: string; name: string; description: string; type: ProductType; platform: string | null; coins: number | null;
  fulfilment_driver: FulfilmentDriver; active: boolean; max_quantity: number; created_at: Date; updated_at: Date;
  prices: Array<{ currency: string; amount: number }> | null;
}

const SELECT = `SELECT p.*, (SELECT json_agg(json_build_object('currency', pp.currency, 'amount', pp.amount) ORDER BY pp.currency)
                  FROM product_prices pp WHERE pp.product_id = p.id) AS prices FROM products p`;

const toProduct = (r: ProductRow): Product => ({
  id: r.id, sku: r.sku, name: r.name, description: r.description, type: r.type, platform: r.platform, coins: r.coins,
  fulfilmentDriver: r.fulfilment_driver, active: r.active, maxQuantity: r.max_quantity, createdAt: r.created_at, updatedAt: r.updated_at,
  prices: (r.prices ?? []).map((p) => ({ currency: p.currency, amount: Number(p.amount) })),
});

export async function listProducts(sql: Sql, opts: { activeOnly: boolean }): Promise<Product[]> {
  const rows = await sql.query<ProductRow>(`${SELECT} ${opts.activeOnly ? 'WHERE p.active' : ''} ORDER BY p.type DESC, p.coins NULLS LAST, (SELECT min(amount) FROM product_prices x WHERE x.product_id = p.id), p.sku`);
  return rows.map(toProduct);
}

export async function getProducts(sql: Sql, ids: string[]): Promise<Product[]> {
  const rows = await sql.query<ProductRow>(`${SELECT} WHERE p.id = ANY($1::text[])`, [ids]);
  return rows.map(toProduct);
}

export async function insertProduct(sql: Sql, p: Omit<Product, 'createdAt' | 'updatedAt' | 'prices'>): Promise<void> {
  await sql.query(
    `INSERT INTO products (id, sku, name, description, type, platform, coins, fulfilment_driver, active, max_quantity)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [p.id, p.sku, p.name, p.description, p.type, p.platform, p.coins, p.fulfilmentDriver, p.active, p.maxQuantity],
  );
}

export async function updateProduct(sql: Sql, id: string, patch: { name?: string; description?: string; active?: boolean; maxQuantity?: number }): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE products SET name = COALESCE($2, name), description = COALESCE($3, description), active = COALESCE($4, active),
            max_quantity = COALESCE($5, max_quantity), updated_at = now() WHERE id = $1 RETURNING id`,
    [id, patch.name ?? null, patch.description ?? null, patch.active ?? null, patch.maxQuantity ?? null],
  );
  return rows.length === 1;
}

export async function setPrice(sql: Sql, productId: string, currency: string, amount: number): Promise<void> {
  await sql.query(
    `INSERT INTO product_prices (product_id, currency, amount) VALUES ($1, $2, $3)
     ON CONFLICT (product_id, currency) DO UPDATE SET amount = EXCLUDED.amount, updated_at = now()`,
    [productId, currency, amount],
  );
}

export async function deletePricesExcept(sql: Sql, productId: string, currencies: string[]): Promise<void> {
  await sql.query(`DELETE FROM product_prices WHERE product_id = $1 AND NOT (currency = ANY($2::text[]))`, [productId, currencies]);
}

// --- key stock ---
export async function insertKeyCode(sql: Sql, k: { id: string; productId: string; codeEnc: string; codeHash: string }): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO key_codes (id, product_id, code_enc, code_hash) VALUES ($1, $2, $3, $4) ON CONFLICT (product_id, code_hash) DO NOTHING RETURNING id`,
    [k.id, k.productId, k.codeEnc, k.codeHash],
  );
  return rows.length === 1;
}

/** Atomically reserves `qty` available codes; SKIP LOCKED keeps concurrent buyers from waiting on each other. */
export async function reserveKeyCodes(sql: Sql, productId: string, qty: number, orderId: string): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(
    `UPDATE key_codes SET status = 'reserved', order_id = $3, reserved_at = now()
      WHERE id IN (SELECT id FROM key_codes WHERE product_id = $1 AND status = 'available' ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
      RETURNING id`,
    [productId, qty, orderId],
  );
  return rows.map((r) => r.id);
}

export async function releaseKeyCodes(sql: Sql, orderId: string): Promise<number> {
  const rows = await sql.query(
    `UPDATE key_codes SET status = 'available', order_id = NULL, reserved_at = NULL WHERE order_id = $1 AND status = 'reserved' RETURNING id`,
    [orderId],
  );
  return rows.length;
}

/** Marks the order's reserved codes of a product delivered and returns them (encrypted). Idempotent. */
export async function deliverKeyCodes(sql: Sql, orderId: string, productId: string): Promise<Array<{ id: string; codeEnc: string }>> {
  await sql.query(
    `UPDATE key_codes SET status = 'delivered', delivered_at = now() WHERE order_id = $1 AND product_id = $2 AND status = 'reserved'`,
    [orderId, productId],
  );
  const rows = await sql.query<{ id: string; code_enc: string }>(
    `SELECT id, code_enc FROM key_codes WHERE order_id = $1 AND product_id = $2 AND status = 'delivered' ORDER BY id`,
    [orderId, productId],
  );
  return rows.map((r) => ({ id: r.id, codeEnc: r.code_enc }));
}

export async function stockCounts(sql: Sql): Promise<Map<string, { available: number; reserved: number; delivered: number }>> {
  const rows = await sql.query<{ product_id: string; status: string; n: number }>(
    `SELECT product_id, status, count(*)::int AS n FROM key_codes GROUP BY product_id, status`,
  );
  const out = new Map<string, { available: number; reserved: number; delivered: number }>();
  for (const r of rows) {
    const c = out.get(r.product_id) ?? { available: 0, reserved: 0, delivered: 0 };
    if (r.status === 'available' || r.status === 'reserved' || r.status === 'delivered') c[r.status] = r.n;
    out.set(r.product_id, c);
  }
  return out;
}
