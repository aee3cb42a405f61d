import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errors, Strict, DateTime, StringEnum } from '../../platform/http/schemas.ts';
import { PERMISSIONS, ROLES } from './staff.permissions.ts';
import type { StaffService } from './staff.service.ts';
import { principal, type Guards } from './staff.auth.ts';

const RoleSchema = StringEnum(ROLES);
const StaffOut = Type.Object({ id: Type.String(), email: Type.String(), name: Type.String(), role: RoleSchema, active: Type.Boolean(), createdAt: DateTime, lastLoginAt: Type.Union([DateTime, Type.Null()]) });
const Me = Type.Object({ id: Type.String(), email: Type.Optional(Type.String()), name: Type.String(), role: RoleSchema, permissions: Type.Array(StringEnum(PERMISSIONS)) });

export function staffRoutes(staff: StaffService, guards: Guards, limits: { loginPerMinute: number }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/v1/staff/sessions', {
      config: { rateLimit: { max: limits.loginPerMinute, timeWindow: '1 minute' } },
      schema: {
        tags: ['staff'], summary: 'Staff login',
        body: Strict({ email: Type.String({ format: 'email', maxLength: 254 }), password: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 200: Type.Object({ token: Type.String(), expiresAt: DateTime, staff: Me }), ...errors(400, 401, 429) },
      },
    }, async (req) => staff.login(req.body.email, req.body.password, req.ip));

    app.delete('/v1/staff/sessions/current', {
      preHandler: guards.requireStaff(),
      schema: { tags: ['staff'], response: { 204: Type.Null(), ...errors(401) } },
    }, async (req, reply) => {
      await staff.logout(principal(req));
      return reply.status(204).send(null);
    });

    app.get('/v1/staff/me', {
      preHandler: guards.requireStaff(),
      schema: { tags: ['staff'], response: { 200: Me, ...errors(401) } },
    }, async (req) => {
      const p = principal(req);
      return { id: p.id, name: p.name, role: p.role!, permissions: [...p.permissions] };
    });

    app.get('/v1/admin/staff', {
      preHandler: guards.requireStaff('staff:manage'),
      schema: { tags: ['staff'], response: { 200: Type.Object({ data: Type.Array(StaffOut) }), ...errors(401, 403) } },
    }, async () => ({ data: await staff.list() }));

    app.post('/v1/admin/staff', {
      preHandler: guards.requireStaff('staff:manage'),
      schema: {
        tags: ['staff'],
        body: Strict({ email: Type.String({ format: 'email', maxLength: 254 }), name: Type.String({ minLength: 1, maxLength: 100 }), role: RoleSchema, password: Type.String({ minLength: 10, maxLength: 200 }) }),
        response: { 201: StaffOut, ...errors(400, 401, 403, 409) },
      },
    }, async (req, reply) => reply.status(201).send(await staff.create(principal(req), req.body, req.ip)));

    app.patch('/v1/admin/staff/:id', {
      preHandler: guards.requireStaff('staff:manage'),
      schema: {
        tags: ['staff'],
        params: Type.Object({ id: Type.String({ pattern: '^stf_[0-9a-z]{26}$' }) }),
        body: Strict({ role: Type.Optional(RoleSchema), active: Type.Optional(Type.Boolean()) }, { minProperties: 1 }),
        response: { 200: StaffOut, ...errors(400, 401, 403, 404, 409) },
      },
    }, async (req) => staff.update(principal(req), req.params.id, req.body, req.ip));

    app.get('/v1/admin/audit', {
      preHandler: guards.requireStaff('audit:read'),
      schema: {
        tags: ['staff'],
        querystring: Strict({ cursor: Type.Optional(Type.String({ pattern: '^aud_[0-9a-z]{26}$' })), subjectId: Type.Optional(Type.String({ maxLength: 64 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) }),
        response: {
          200: Type.Object({
            data: Type.Array(Type.Object({ id: Type.String(), actor: Type.String(), action: Type.String(), subjectId: Type.Union([Type.String(), Type.Null()]), details: Type.Record(Type.String(), Type.Unknown()), ip: Type.Union([Type.String(), Type.Null()]), at: DateTime })),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errors(400, 401, 403),
        },
      },
    }, async (req) => {
      const limit = req.query.limit ?? 50;
      const data = await staff.listAudit({ before: req.query.cursor, limit, subjectId: req.query.subjectId });
      return { data, nextCursor: data.length === limit ? data[data.length - 1].id : null };
    });

    const AgentOut = Type.Object({ id: Type.String(), name: Type.String(), queues: Type.Array(Type.String()), active: Type.Boolean(), createdAt: DateTime, lastSeenAt: Type.Union([DateTime, Type.Null()]) });
    app.get('/v1/admin/agents', {
      preHandler: guards.requireStaff('agents:manage'),
      schema: { tags: ['agents'], response: { 200: Type.Object({ data: Type.Array(AgentOut) }), ...errors(401, 403) } },
    }, async () => ({ data: await staff.listAgents() }));

    app.post('/v1/admin/agents', {
      preHandler: guards.requireStaff('agents:manage'),
      schema: {
        tags: ['agents'],
        body: Strict({ name: Type.String({ minLength: 1, maxLength: 100 }), queues: Type.Array(Type.String({ pattern: '^[a-z0-9._-]{1,64}$' }), { minItems: 1, maxItems: 10 }) }),
        response: { 201: Type.Object({ id: Type.String(), token: Type.String() }), ...errors(400, 401, 403) },
      },
    }, async (req, reply) => reply.status(201).send(await staff.createAgent(principal(req), req.body, req.ip)));

    app.post('/v1/admin/agents/:id/:action', {
      preHandler: guards.requireStaff('agents:manage'),
      schema: {
        tags: ['agents'],
        params: Type.Object({ id: Type.String({ pattern: '^agt_[0-9a-z]{26}$' }), action: Type.Union([Type.Literal('disable'), Type.Literal('enable')]) }),
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    }, async (req, reply) => {
      await staff.setAgentActive(principal(req), req.params.id, req.params.action === 'enable', req.ip);
      return reply.status(204).send(null);
    });
  };
}
export { PERMISSIONS };
