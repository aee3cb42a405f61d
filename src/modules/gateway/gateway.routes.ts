import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errors, Strict, MoneySchema, DateTime, StringEnum } from '../../platform/http/schemas.ts';
import { notFound } from '../../platform/errors.ts';
import type { Guards } from '../staff/index.ts';
import type { Gateway } from './gateway.ts';
import type { BillPosting, BillPostingsService } from './bill-postings.service.ts';
import { BILL_POSTING_TRANSITIONS, type BillPostingStatus } from './bill-postings.states.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Count = Type.Integer({ minimum: 0 });
const Ms = Nullable(Type.Number());
const Status = StringEnum(Object.keys(BILL_POSTING_TRANSITIONS) as BillPostingStatus[]);
const PostingId = Type.Object({ id: Type.String({ pattern: '^bpy_[0-9a-z]{26}$' }) });

const MetricsBody = Type.Object({
  breaker: Type.Object({ state: StringEnum(['closed', 'open', 'half_open', 'isolated'] as const), openedAt: Nullable(Type.String()), consecutiveFailures: Count }),
  inFlight: Count, queued: Count, calls: Count, successes: Count, refusals: Count, failures: Count, timeouts: Count,
  rejected: Type.Object({ rate_customer: Count, rate_global: Count, concurrency_customer: Count, concurrency_global: Count, breaker_open: Count }),
  latencyMs: Type.Object({ samples: Count, p50: Ms, p99: Ms, max: Ms }),
  settings: Type.Object({
    ratePerCustomerPerMinute: Count, rateGlobalPerSecond: Count, concurrencyPerCustomer: Count, concurrencyGlobal: Count,
    timeoutMs: Count, breakerFailures: Count, breakerHalfOpenMs: Count,
  }),
  rateLimitStore: StringEnum(['memory', 'redis'] as const),
});

export const PostingBody = Type.Object({
  id: Type.String(), customerId: Type.String(), billId: Type.String(), amount: MoneySchema, reference: Type.String(), status: Status,
  attempts: Count, lastError: Nullable(Type.String()), internalPaymentId: Nullable(Type.String()),
  postedAt: Nullable(DateTime), failedAt: Nullable(DateTime), failureReason: Nullable(Type.String()), createdAt: DateTime, updatedAt: DateTime,
});
const PostingDetail = Type.Intersect([PostingBody, Type.Object({
  history: Type.Array(Type.Object({ from: Nullable(Type.String()), to: Type.String(), actor: Type.String(), reason: Nullable(Type.String()), at: DateTime })),
})]);

/** A posting as JSON (money as { amount, currency }). */
export const postingJson = (p: BillPosting) => ({
  id: p.id, customerId: p.customerId, billId: p.billId, amount: { amount: p.amount, currency: p.currency }, reference: p.reference, status: p.status,
  attempts: p.attempts, lastError: p.lastError, internalPaymentId: p.internalPaymentId, postedAt: p.postedAt, failedAt: p.failedAt,
  failureReason: p.failureReason, createdAt: p.createdAt, updatedAt: p.updatedAt,
});

/** Console views: the gateway's health and the bill postings (staff sessions). */
export function gatewayRoutes(gateway: Gateway, postings: BillPostingsService, guards: Guards): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/v1/admin/gateway', {
      preHandler: guards.requireStaff('security:read'),
      schema: {
        tags: ['gateway'], summary: 'The guarded gateway to the internal systems on this node: breaker state, in-flight calls, rejections by reason, latency of recent calls',
        response: { 200: MetricsBody, ...errors(401, 403) },
      },
    }, async () => gateway.metrics());

    app.get('/v1/admin/bill-postings', {
      preHandler: guards.requireStaff('ledger:read'),
      schema: {
        tags: ['gateway'], summary: 'Bill payments posted (or being posted) to the internal accounting system, newest first',
        querystring: Strict({
          status: Type.Optional(Status),
          customerId: Type.Optional(Type.String({ maxLength: 64 })),
          billId: Type.Optional(Type.String({ maxLength: 100 })),
          cursor: Type.Optional(Type.String({ pattern: '^bpy_[0-9a-z]{26}$' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
        }),
        response: { 200: Type.Object({ data: Type.Array(PostingBody), nextCursor: Nullable(Type.String()) }), ...errors(400, 401, 403) },
      },
    }, async (req) => {
      const limit = req.query.limit ?? 100;
      const list = await postings.search({ status: req.query.status, customerId: req.query.customerId, billId: req.query.billId, before: req.query.cursor, limit });
      return { data: list.map(postingJson), nextCursor: list.length === limit ? list[list.length - 1].id : null };
    });

    app.get('/v1/admin/bill-postings/:id', {
      preHandler: guards.requireStaff('ledger:read'),
      schema: { tags: ['gateway'], summary: 'One bill posting with its history', params: PostingId, response: { 200: PostingDetail, ...errors(400, 401, 403, 404) } },
    }, async (req) => {
      const p = await postings.getPosting(req.params.id);
      if (!p) throw notFound('bill posting');
      return { ...postingJson(p), history: p.history };
    });
  };
}
