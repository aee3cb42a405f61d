import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DateTime, errors, Strict } from '../../platform/http/schemas.ts';
import { actorOf, principal, type Guards } from '../staff/index.ts';
import type { CustomersService } from './customers.service.ts';
import { AdminCustomerDetail, AdminCustomerOut, CUSTOMER_STATUSES, idPattern } from './customers.schema.ts';
import { StringEnum } from '../../platform/http/schemas.ts';

const CustomerId = Type.Object({ id: Type.String({ pattern: idPattern('cus') }) });
const Reason = Strict({ reason: Type.String({ minLength: 1, maxLength: 500 }) });

/** The console's customer support API (staff sessions, customers:* permissions; every action audited) and the SMS outbox. */
export function customersAdminRoutes(customers: CustomersService, guards: Guards): FastifyPluginAsyncTypebox {
  return async (app) => {
    const read = guards.requireStaff('customers:read');
    const write = guards.requireStaff('customers:write');

    app.get('/v1/admin/customers', {
      preHandler: read,
      schema: {
        tags: ['customers'], summary: 'Find customers: q = customer id, e-mail, phone (exact, through the blind index) or external ref; newest first without q',
        querystring: Strict({
          q: Type.Optional(Type.String({ maxLength: 254 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
          cursor: Type.Optional(Type.String({ pattern: idPattern('cus') })),
        }),
        response: { 200: Type.Object({ data: Type.Array(AdminCustomerOut), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...errors(400, 401, 403) },
      },
    }, async (req) => {
      const limit = req.query.limit ?? 50;
      const data = await customers.admin.search(actorOf(principal(req)), req.query.q, { limit, before: req.query.cursor, ip: req.ip });
      return { data, nextCursor: !req.query.q?.trim() && data.length === limit ? data[data.length - 1].id : null };
    });

    app.get('/v1/admin/customers/:id', {
      preHandler: read,
      schema: { tags: ['customers'], params: CustomerId, response: { 200: AdminCustomerDetail, ...errors(400, 401, 403, 404) } },
    }, async (req) => customers.admin.detail(actorOf(principal(req)), req.params.id, req.ip));

    const Moved = Type.Object({ id: Type.String(), status: StringEnum(CUSTOMER_STATUSES), sessionsEnded: Type.Integer() });
    app.post('/v1/admin/customers/:id/block', {
      preHandler: write,
      schema: { tags: ['customers'], summary: 'Block: ends every session, refuses logins', params: CustomerId, body: Reason, response: { 200: Moved, ...errors(400, 401, 403, 404, 409) } },
    }, async (req) => customers.admin.block(actorOf(principal(req)), req.params.id, req.body.reason, req.ip));

    app.post('/v1/admin/customers/:id/unblock', {
      preHandler: write,
      schema: { tags: ['customers'], params: CustomerId, body: Reason, response: { 200: Moved, ...errors(400, 401, 403, 404, 409) } },
    }, async (req) => customers.admin.unblock(actorOf(principal(req)), req.params.id, req.body.reason, req.ip));

    app.post('/v1/admin/customers/:id/unlock', {
      preHandler: write,
      schema: {
        tags: ['customers'], summary: 'Lift a lockout after failed logins/codes', params: CustomerId, body: Reason,
        response: { 200: Type.Object({ id: Type.String(), lockedUntil: Type.Null() }), ...errors(400, 401, 403, 404) },
      },
    }, async (req) => customers.admin.unlock(actorOf(principal(req)), req.params.id, req.body.reason, req.ip));

    app.post('/v1/admin/customers/:id/reset-2fa', {
      preHandler: write,
      schema: {
        tags: ['customers'], summary: 'Remove authenticator app, passkeys and recovery codes (SMS stays); ends every session', params: CustomerId, body: Reason,
        response: { 200: Type.Object({ id: Type.String(), factors: Type.Array(Type.String()), sessionsEnded: Type.Integer() }), ...errors(400, 401, 403, 404) },
      },
    }, async (req) => customers.admin.resetTwoFactor(actorOf(principal(req)), req.params.id, req.body.reason, req.ip));

    app.get('/v1/admin/sms-outbox', {
      preHandler: guards.requireStaff('outbox:read'),
      schema: {
        tags: ['ops'], summary: 'Text messages kept in the dev outbox (SMS_PROVIDER=outbox)',
        querystring: Strict({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })), cursor: Type.Optional(Type.String({ pattern: idPattern('sms') })) }),
        response: { 200: Type.Object({ data: Type.Array(Type.Object({ id: Type.String(), to: Type.String(), body: Type.String(), createdAt: DateTime })), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...errors(400, 401, 403) },
      },
    }, async (req) => {
      const limit = req.query.limit ?? 50;
      const data = await customers.admin.smsOutbox({ limit, before: req.query.cursor });
      return { data, nextCursor: data.length === limit ? data[data.length - 1].id : null };
    });
  };
}
