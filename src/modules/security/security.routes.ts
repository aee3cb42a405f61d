import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errors, Strict, DateTime, DateTimeIn, StringEnum, IdParam } from '../../platform/http/schemas.ts';
import { actorOf, principal, type Guards } from '../staff/index.ts';
import type { IpBlock, SecurityEvent } from './security.repo.ts';
import { SECURITY_EVENT_KINDS, type SecurityMonitor } from './security.service.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const EventOut = Type.Object({
  id: Type.String(), kind: Type.String(), severity: Type.String(), status: StringEnum(['open', 'acknowledged'] as const),
  source: Type.String({ description: "what was counted: 'ip:…', 'subnet:…', 'customer:…', 'subject:…'" }),
  ip: Nullable(Type.String()), subnet: Nullable(Type.String()), customerId: Nullable(Type.String()), subject: Nullable(Type.String()),
  count: Type.Integer(), evidence: Type.Record(Type.String(), Type.Unknown()), alertId: Nullable(Type.String()), blockId: Nullable(Type.String()),
  firstSeenAt: DateTime, lastSeenAt: DateTime, acknowledgedAt: Nullable(DateTime), acknowledgedBy: Nullable(Type.String()), createdAt: DateTime, updatedAt: DateTime,
});

const BlockOut = Type.Object({
  id: Type.String(), cidr: Type.String(), family: Type.Integer(), scope: StringEnum(['public', 'all'] as const), status: StringEnum(['active', 'expired', 'removed'] as const),
  reason: Type.String(), createdBy: Type.String(), eventId: Nullable(Type.String()), createdAt: DateTime, expiresAt: Nullable(DateTime),
  removedAt: Nullable(DateTime), removedBy: Nullable(Type.String()),
});

const eventView = (e: SecurityEvent) => ({ ...e, status: e.acknowledgedAt ? 'acknowledged' as const : 'open' as const });

/**
 * Staff API of the security monitor: events (security:read), acknowledging them and IP/subnet blocks
 * (security:write, audited).
 */
export function securityRoutes(monitor: SecurityMonitor, guards: Guards): FastifyPluginAsyncTypebox {
  return async (app) => {
    const read = guards.requireStaff('security:read');
    const write = guards.requireStaff('security:write');
    const blockView = (b: IpBlock) => ({ ...b, status: monitor.blocks.statusOf(b) });

    app.get('/v1/admin/security/events', {
      preHandler: read,
      schema: {
        tags: ['security'], summary: 'Security events, newest first (detected attack patterns; one row per continuing pattern and source)',
        querystring: Strict({
          kind: Type.Optional(StringEnum(SECURITY_EVENT_KINDS)),
          since: Type.Optional(DateTimeIn),
          ip: Type.Optional(Type.String({ minLength: 2, maxLength: 64, description: "events of this client address (and of its subnet's subnet-wide events)" })),
          cursor: Type.Optional(Type.String({ pattern: '^sev_[0-9a-z]{26}$' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
        }),
        response: { 200: Type.Object({ data: Type.Array(EventOut), nextCursor: Nullable(Type.String()) }), ...errors(400, 401, 403) },
      },
    }, async (req) => {
      const limit = req.query.limit ?? 100;
      const data = await monitor.listEvents({ kind: req.query.kind, since: req.query.since ? new Date(req.query.since) : undefined, ip: req.query.ip, before: req.query.cursor, limit });
      return { data: data.map(eventView), nextCursor: data.length === limit ? data[data.length - 1].id : null };
    });

    app.get('/v1/admin/security/events/:id', {
      preHandler: read,
      schema: { tags: ['security'], params: IdParam('sev'), response: { 200: EventOut, ...errors(400, 401, 403, 404) } },
    }, async (req) => eventView(await monitor.getEvent(req.params.id)));

    app.post('/v1/admin/security/events/:id/acknowledge', {
      preHandler: write,
      schema: { tags: ['security'], summary: 'Mark an event (and its alert) as seen; audited. Acknowledging again changes nothing.', params: IdParam('sev'), response: { 200: EventOut, ...errors(400, 401, 403, 404) } },
    }, async (req) => eventView(await monitor.acknowledge(actorOf(principal(req)), req.params.id, req.ip)));

    app.get('/v1/admin/security/ip-blocks', {
      preHandler: read,
      schema: {
        tags: ['security'], summary: 'IP/subnet blocks, newest first: the active ones (default) or all, with expired and removed',
        querystring: Strict({ status: Type.Optional(StringEnum(['active', 'all'] as const)), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }),
        response: { 200: Type.Object({ data: Type.Array(BlockOut) }), ...errors(400, 401, 403) },
      },
    }, async (req) => ({ data: (await monitor.blocks.list({ active: (req.query.status ?? 'active') === 'active', limit: req.query.limit })).map(blockView) }));

    app.post('/v1/admin/security/ip-blocks', {
      preHandler: write,
      schema: {
        tags: ['security'],
        summary: 'Block an address or range: requests from it get 403 "blocked" on the public surface (scope "all": staff routes too). Audited; every node enforces it within a second.',
        body: Strict({
          cidr: Type.String({ minLength: 1, maxLength: 64, description: '203.0.113.7, 203.0.113.0/24, 2001:db8::/64 (an address alone is /32 or /128)' }),
          reason: Type.String({ minLength: 1, maxLength: 500 }),
          expiresInMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 525_600 })),
          scope: Type.Optional(StringEnum(['public', 'all'] as const)),
        }),
        response: { 201: BlockOut, ...errors(400, 401, 403, 409, 422) },
      },
    }, async (req, reply) => reply.status(201).send(blockView(await monitor.blocks.create(actorOf(principal(req)), req.body, req.ip))));

    app.delete('/v1/admin/security/ip-blocks/:id', {
      preHandler: write,
      schema: { tags: ['security'], summary: 'Lift a block (audited); answers the block as it is now', params: IdParam('ipb'), response: { 200: BlockOut, ...errors(400, 401, 403, 404) } },
    }, async (req) => blockView(await monitor.blocks.remove(actorOf(principal(req)), req.params.id, req.ip)));
  };
}
