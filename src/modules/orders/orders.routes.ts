import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errors, Strict, MoneySchema, DateTime, DateTimeIn, StringEnum } from '../../platform/http/schemas.ts';
import { withIdempotency } from '../../platform/http/idempotency.ts';
import type { Db } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { actorOf, bearerToken, principal, type Guards } from '../staff/index.ts';
import type { FulfilmentService } from '../fulfilment/index.ts';
import type { OrdersService } from './orders.service.ts';
import { ORDER_TRANSITIONS } from './orders.states.ts';

const Status = StringEnum(Object.keys(ORDER_TRANSITIONS) as Array<keyof typeof ORDER_TRANSITIONS>);
const OrderId = Type.Object({ id: Type.String({ pattern: '^ord_[0-9a-z]{26}$' }) });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const Delivered = Type.Object({ codes: Type.Optional(Type.Array(Type.String())), coins: Type.Optional(Type.Integer()), platformUserId: Type.Optional(Type.String()), note: Type.Optional(Type.String()) });
const HistoryEntry = Type.Object({ from: Nullable(Type.String()), to: Type.String(), at: DateTime, actor: Type.String(), reason: Nullable(Type.String()) });
const OrderView = Type.Object({
  id: Type.String(), status: Status, email: Type.String(), platform: Nullable(Type.String()), platformUserId: Nullable(Type.String()), platformUserName: Nullable(Type.String()),
  total: MoneySchema, holdReason: Nullable(Type.String()), createdAt: DateTime, expiresAt: DateTime,
  lines: Type.Array(Type.Object({ id: Type.String(), productId: Type.String(), name: Type.String(), type: Type.String(), quantity: Type.Integer(), coins: Nullable(Type.Integer()), unitPrice: MoneySchema, lineTotal: MoneySchema })),
  payment: Nullable(Type.Object({ id: Type.String(), status: Type.String(), gateway: Type.String(), checkoutUrl: Nullable(Type.String()) })),
  fulfilments: Type.Array(Type.Object({
    id: Type.String(), lineId: Type.String(), driver: Type.String(), status: Type.String(), delivered: Nullable(Delivered),
    error: Type.Optional(Nullable(Type.String())), reference: Type.Optional(Type.String()), proof: Type.Optional(Nullable(Type.Record(Type.String(), Type.Unknown()))), jobId: Type.Optional(Nullable(Type.String())),
  })),
  history: Type.Array(HistoryEntry),
  ip: Type.Optional(Nullable(Type.String())), userAgent: Type.Optional(Nullable(Type.String())),
  payments: Type.Optional(Type.Array(Type.Object({ id: Type.String(), status: Type.String(), gateway: Type.String(), gatewayRef: Nullable(Type.String()), amount: MoneySchema, captured: Nullable(MoneySchema), failureReason: Nullable(Type.String()), createdAt: DateTime }))),
  jobs: Type.Optional(Type.Array(Type.Object({ id: Type.String(), kind: Type.String(), queue: Type.String(), status: Type.String(), attempts: Type.Integer(), lastError: Nullable(Type.String()), updatedAt: DateTime }))),
});
const CreatedOrder = Type.Object({ id: Type.String(), status: Type.Literal('pending_payment'), total: MoneySchema, clientSecret: Type.String(), payment: Type.Object({ id: Type.String(), gateway: Type.String(), checkoutUrl: Type.String() }) });
const Reason = Strict({ reason: Type.String({ minLength: 1, maxLength: 500 }) });

export function ordersRoutes(orders: OrdersService, fulfilment: FulfilmentService, guards: Guards, db: Db, limits: { createPerMinute: number; lookupPerMinute: number }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/v1/platforms/:platform/users/:userId', {
      config: { rateLimit: { max: limits.lookupPerMinute, timeWindow: '1 minute' } },
      schema: {
        tags: ['orders'], summary: 'Check a platform user id (the storefront calls this as the buyer types)',
        params: Type.Object({ platform: Type.String({ pattern: '^[a-z0-9-]{2,32}$' }), userId: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: Type.Object({ userId: Type.String(), displayName: Type.String() }), ...errors(400, 422, 429, 503) },
      },
    }, async (req) => orders.verifyPlatformUser(req.params.platform, req.params.userId));

    app.post('/v1/orders', {
      config: { rateLimit: { max: limits.createPerMinute, timeWindow: '1 minute' } },
      schema: {
        tags: ['orders'], summary: 'Create an order (optional Idempotency-Key header)',
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) }),
        body: Strict({
          email: Type.String({ format: 'email', maxLength: 254 }),
          items: Type.Array(Strict({ productId: Type.String({ pattern: '^prd_[0-9a-z]{26}$' }), quantity: Type.Integer({ minimum: 1, maximum: 100 }) }), { minItems: 1, maxItems: 10 }),
          platformUserId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
          deviceId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$' })),
          checkoutDurationMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400_000 })),
        }),
        response: { 201: CreatedOrder, ...errors(400, 403, 409, 422, 429, 503) },
      },
    }, async (req, reply) => {
      const key = req.headers['idempotency-key'] as string | undefined;
      const res = await withIdempotency(db, 'orders.create', key, req.body, async () => ({
        status: 201, body: await orders.create(req.body, { ip: req.ip, userAgent: req.headers['user-agent'] ?? null }),
      }));
      if (res.replayed) reply.header('Idempotent-Replayed', 'true');
      return reply.code(res.status as 201).send(res.body as never);
    });

    app.get('/v1/orders/:id', {
      schema: {
        tags: ['orders'], summary: 'An order, for the buyer (Authorization: Bearer <clientSecret>) or staff',
        params: OrderId, response: { 200: OrderView, ...errors(400, 401, 404) },
      },
    }, async (req) => {
      const token = bearerToken(req);
      if (!token) throw new AppError('unauthorized', 'send the order client secret as a Bearer token');
      if (token.startsWith('stf_tok_')) {
        const p = await guards.resolve(req);
        if (p?.kind === 'staff' && p.permissions.includes('orders:read')) return orders.getForStaff(req.params.id);
      }
      return orders.getForBuyer(req.params.id, token);
    });

    // --- console ---
    app.get('/v1/admin/orders', {
      preHandler: guards.requireStaff('orders:read'),
      schema: {
        tags: ['orders'],
        querystring: Strict({
          status: Type.Optional(Status), q: Type.Optional(Type.String({ maxLength: 254 })), from: Type.Optional(DateTimeIn), to: Type.Optional(DateTimeIn),
          cursor: Type.Optional(Type.String({ pattern: '^ord_[0-9a-z]{26}$' })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
        }),
        response: {
          200: Type.Object({
            data: Type.Array(Type.Object({ id: Type.String(), status: Type.String(), email: Type.String(), platformUserId: Nullable(Type.String()), total: MoneySchema, holdReason: Nullable(Type.String()), createdAt: DateTime, updatedAt: DateTime })),
            nextCursor: Nullable(Type.String()),
          }),
          ...errors(400, 401, 403),
        },
      },
    }, async (req) => {
      const limit = req.query.limit ?? 50;
      const rows = await orders.list({ ...req.query, limit });
      return {
        data: rows.map((o) => ({ id: o.id, status: o.status, email: o.email, platformUserId: o.platformUserId, total: { amount: o.totalAmount, currency: o.currency }, holdReason: o.holdReason, createdAt: o.createdAt, updatedAt: o.updatedAt })),
        nextCursor: rows.length === limit ? rows[rows.length - 1].id : null,
      };
    });

    app.get('/v1/admin/orders/:id', {
      preHandler: guards.requireStaff('orders:read'),
      schema: { tags: ['orders'], params: OrderId, response: { 200: OrderView, ...errors(400, 401, 403, 404) } },
    }, async (req) => {
      const view = await orders.getForStaff(req.params.id);
      const jobs = await db.query<{ id: string; kind: string; queue: string; status: string; attempts: number; last_error: string | null; updated_at: Date }>(
        `SELECT id, kind, queue, status, attempts, last_error, updated_at FROM jobs WHERE payload->>'orderId' = $1 OR payload->>'paymentId' = ANY($2::text[]) ORDER BY id`,
        [req.params.id, (view.payments ?? []).map((p) => p.id)],
      );
      return { ...view, jobs: jobs.map((j) => ({ id: j.id, kind: j.kind, queue: j.queue, status: j.status, attempts: j.attempts, lastError: j.last_error, updatedAt: j.updated_at })) };
    });

    const action = (path: string, summary: string, run: (actor: string, id: string, reason: string, ip: string) => Promise<void>) =>
      app.post(`/v1/admin/orders/:id/${path}`, {
        preHandler: guards.requireStaff('orders:write'),
        schema: { tags: ['orders'], summary, params: OrderId, body: Reason, response: { 200: OrderView, ...errors(400, 401, 403, 404, 409) } },
      }, async (req) => {
        await run(actorOf(principal(req)), req.params.id, req.body.reason, req.ip);
        return orders.getForStaff(req.params.id);
      });
    action('release-hold', 'Release an order on hold: it is paid and goes on to fulfilment', (a, id, r, ip) => orders.releaseHold(a, id, r, ip));
    app.post('/v1/admin/orders/:id/refund', {
      preHandler: guards.requireStaff('orders:write'),
      schema: { tags: ['orders'], summary: 'Refund a paid, held or failed order (fraud: true labels its risk decisions as fraud)', params: OrderId, body: Strict({ reason: Type.String({ minLength: 1, maxLength: 500 }), fraud: Type.Optional(Type.Boolean()) }), response: { 200: OrderView, ...errors(400, 401, 403, 404, 409) } },
    }, async (req) => {
      await orders.refund(actorOf(principal(req)), req.params.id, req.body.reason, req.ip, { fraud: req.body.fraud });
      return orders.getForStaff(req.params.id);
    });
    action('cancel', 'Cancel an unpaid order', (a, id, r, ip) => orders.cancel(a, id, r, ip));

    app.post('/v1/admin/orders/:id/retry-fulfilment', {
      preHandler: guards.requireStaff('orders:write'),
      schema: { tags: ['orders'], params: OrderId, body: Type.Optional(Strict({})), response: { 200: OrderView, ...errors(400, 401, 403, 404, 409) } },
    }, async (req) => {
      await orders.retryFulfilment(actorOf(principal(req)), req.params.id, req.ip);
      return orders.getForStaff(req.params.id);
    });

    app.post('/v1/admin/orders/:id/fulfilments/:fulfilmentId/complete', {
      preHandler: guards.requireStaff('orders:write'),
      schema: {
        tags: ['orders'], summary: 'Complete a manual (or failed) delivery by hand, with a note',
        params: Type.Object({ id: Type.String({ pattern: '^ord_[0-9a-z]{26}$' }), fulfilmentId: Type.String({ pattern: '^ful_[0-9a-z]{26}$' }) }),
        body: Strict({ note: Type.String({ minLength: 1, maxLength: 1000 }) }),
        response: { 200: OrderView, ...errors(400, 401, 403, 404, 409) },
      },
    }, async (req) => {
      await fulfilment.completeManually(actorOf(principal(req)), req.params.id, req.params.fulfilmentId, req.body.note, req.ip);
      return orders.getForStaff(req.params.id);
    });
  };
}

const Review = Type.Object({
  orderId: Type.String(), email: Type.String(), total: MoneySchema, heldAt: DateTime, approvedAt: Type.Union([DateTime, Type.Null()]),
  /** Why it is held, in words (e.g. "amount 14.2 USD above the auto-capture limit 5 USD; decision dec_…"). */
  holdReason: Type.Union([Type.String(), Type.Null()]),
  payment: Type.Union([Type.Object({ id: Type.String(), status: Type.String(), authorizedAt: Type.Union([DateTime, Type.Null()]), card: Type.Union([Type.Object({ bin: Type.Union([Type.String(), Type.Null()]), last4: Type.Union([Type.String(), Type.Null()]) }), Type.Null()]) }), Type.Null()]),
  decision: Type.Union([Type.Object({ id: Type.String(), decision: Type.String(), score: Type.Integer(), reasons: Type.Array(Type.Object({ rule: Type.String(), message: Type.String(), effect: Type.String() })) }), Type.Null()]),
});

/** The risk review queue: held authorizations an analyst approves (capture) or rejects (void, label fraud). */
export function reviewRoutes(orders: OrdersService, guards: Guards): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/v1/admin/risk/reviews', {
      preHandler: guards.requireStaff('risk:review'),
      schema: { tags: ['risk'], response: { 200: Type.Object({ data: Type.Array(Review) }), ...errors(401, 403) } },
    }, async () => ({ data: await orders.listReviews() }));

    app.post('/v1/admin/risk/reviews/:id/approve', {
      preHandler: guards.requireStaff('risk:review'),
      schema: { tags: ['risk'], summary: 'Approve: the authorization is captured and the order fulfilled', params: OrderId, body: Reason, response: { 200: OrderView, ...errors(400, 401, 403, 404, 409) } },
    }, async (req) => {
      await orders.approve(actorOf(principal(req)), req.params.id, req.body.reason, req.ip);
      return orders.getForStaff(req.params.id);
    });

    app.post('/v1/admin/risk/reviews/:id/reject', {
      preHandler: guards.requireStaff('risk:review'),
      schema: { tags: ['risk'], summary: 'Reject: the authorization is voided, the order cancelled, its decision labelled fraud', params: OrderId, body: Strict({ reason: Type.String({ minLength: 1, maxLength: 500 }), blacklist: Type.Optional(Type.Boolean()) }), response: { 200: OrderView, ...errors(400, 401, 403, 404, 409) } },
    }, async (req) => {
      await orders.reject(actorOf(principal(req)), req.params.id, req.body.reason, { blacklist: req.body.blacklist }, req.ip);
      return orders.getForStaff(req.params.id);
    });
  };
}
