import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errors, Strict, MoneySchema } from '../../platform/http/schemas.ts';
import { principal, type Guards } from '../staff/index.ts';
import type { CatalogService } from './catalog.service.ts';

const Driver = Type.Union(['key-stock', 'demo-platform-api', 'demo-platform-browser', 'manual'].map((d) => Type.Literal(d)));
const PriceIn = Strict({ currency: Type.String({ pattern: '^[A-Z]{3}$' }), amount: Type.Integer({ minimum: 1, maximum: 1e13 }) });
const PublicProduct = Type.Object({
  id: Type.String(), sku: Type.String(), name: Type.String(), description: Type.String(), type: Type.Union([Type.Literal('topup'), Type.Literal('key')]),
  platform: Type.Union([Type.String(), Type.Null()]), coins: Type.Union([Type.Integer(), Type.Null()]), price: MoneySchema,
  maxQuantity: Type.Integer(), inStock: Type.Boolean(),
});
const AdminProduct = Type.Object({
  id: Type.String(), sku: Type.String(), name: Type.String(), description: Type.String(), type: Type.String(), platform: Type.Union([Type.String(), Type.Null()]),
  coins: Type.Union([Type.Integer(), Type.Null()]), fulfilmentDriver: Type.String(), active: Type.Boolean(), maxQuantity: Type.Integer(),
  prices: Type.Array(Type.Object({ currency: Type.String(), amount: Type.Integer() })),
  stock: Type.Union([Type.Object({ available: Type.Integer(), reserved: Type.Integer(), delivered: Type.Integer() }), Type.Null()]),
});
const ProductId = Type.Object({ id: Type.String({ pattern: '^prd_[0-9a-z]{26}$' }) });

export function catalogRoutes(catalog: CatalogService, guards: Guards, defaultCurrency: string): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/v1/products', {
      schema: {
        tags: ['catalog'], summary: 'Products on sale, with their price in one currency',
        querystring: Strict({ currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })) }),
        response: { 200: Type.Object({ data: Type.Array(PublicProduct) }), ...errors(400) },
      },
    }, async (req) => {
      const currency = req.query.currency ?? defaultCurrency;
      const [products, stock] = await Promise.all([catalog.listActive(), catalog.stockCounts()]);
      const data = products.flatMap((p) => {
        const price = p.prices.find((x) => x.currency === currency);
        if (!price) return [];
        const inStock = p.fulfilmentDriver !== 'key-stock' || (stock.get(p.id)?.available ?? 0) > 0;
        return [{ id: p.id, sku: p.sku, name: p.name, description: p.description, type: p.type, platform: p.platform, coins: p.coins, price, maxQuantity: p.maxQuantity, inStock }];
      });
      return { data };
    });

    app.get('/v1/admin/products', {
      preHandler: guards.requireStaff('catalog:read'),
      schema: { tags: ['catalog'], response: { 200: Type.Object({ data: Type.Array(AdminProduct) }), ...errors(401, 403) } },
    }, async () => {
      const [products, stock] = await Promise.all([catalog.listAll(), catalog.stockCounts()]);
      return { data: products.map((p) => ({ ...p, stock: p.fulfilmentDriver === 'key-stock' ? stock.get(p.id) ?? { available: 0, reserved: 0, delivered: 0 } : null })) };
    });

    app.post('/v1/admin/products', {
      preHandler: guards.requireStaff('catalog:write'),
      schema: {
        tags: ['catalog'],
        body: Strict({
          sku: Type.String({ pattern: '^[A-Za-z0-9._-]{2,64}$' }), name: Type.String({ minLength: 1, maxLength: 120 }), description: Type.Optional(Type.String({ maxLength: 2000 })),
          type: Type.Union([Type.Literal('topup'), Type.Literal('key')]), platform: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{2,32}$' })),
          coins: Type.Optional(Type.Integer({ minimum: 1, maximum: 1e12 })), fulfilmentDriver: Driver, active: Type.Optional(Type.Boolean()),
          maxQuantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })), prices: Type.Array(PriceIn, { minItems: 1, maxItems: 20 }),
        }),
        response: { 201: AdminProduct, ...errors(400, 401, 403, 409) },
      },
    }, async (req, reply) => {
      const p = await catalog.create(principal(req), req.body as Parameters<CatalogService['create']>[1]);
      return reply.status(201).send({ ...p, stock: p.fulfilmentDriver === 'key-stock' ? { available: 0, reserved: 0, delivered: 0 } : null });
    });

    app.patch('/v1/admin/products/:id', {
      preHandler: guards.requireStaff('catalog:write'),
      schema: {
        tags: ['catalog'], params: ProductId,
        body: Strict({
          name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })), description: Type.Optional(Type.String({ maxLength: 2000 })),
          active: Type.Optional(Type.Boolean()), maxQuantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
          prices: Type.Optional(Type.Array(PriceIn, { minItems: 1, maxItems: 20 })),
        }, { minProperties: 1 }),
        response: { 200: AdminProduct, ...errors(400, 401, 403, 404) },
      },
    }, async (req) => {
      const p = await catalog.update(principal(req), req.params.id, req.body, req.ip);
      const stock = await catalog.stockCounts();
      return { ...p, stock: p.fulfilmentDriver === 'key-stock' ? stock.get(p.id) ?? { available: 0, reserved: 0, delivered: 0 } : null };
    });

    app.post('/v1/admin/products/:id/keys', {
      preHandler: guards.requireStaff('catalog:write'),
      schema: {
        tags: ['catalog'], params: ProductId,
        body: Strict({ codes: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 5000 }) }),
        response: { 200: Type.Object({ added: Type.Integer(), duplicates: Type.Integer() }), ...errors(400, 401, 403, 404) },
      },
    }, async (req) => catalog.addKeyCodes(principal(req), req.params.id, req.body.codes));
  };
}
