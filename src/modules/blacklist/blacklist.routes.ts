import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errors, Strict, DateTime, DateTimeIn } from '../../platform/http/schemas.ts';
import { principal, type Guards } from '../staff/index.ts';
import type { BlacklistService } from './blacklist.service.ts';

const Kind = Type.Union([Type.Literal('platform_user'), Type.Literal('email'), Type.Literal('ip'), Type.Literal('phone')]);
const Entry = Type.Object({ id: Type.String(), kind: Type.String(), value: Type.String(), reason: Type.String(), expiresAt: Type.Union([DateTime, Type.Null()]), createdBy: Type.String(), createdAt: DateTime });

export function blacklistRoutes(blacklist: BlacklistService, guards: Guards): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/v1/admin/blacklist', {
      preHandler: guards.requireStaff('blacklist:read'),
      schema: { tags: ['blacklist'], response: { 200: Type.Object({ data: Type.Array(Entry) }), ...errors(401, 403) } },
    }, async () => ({ data: await blacklist.list() }));

    app.post('/v1/admin/blacklist', {
      preHandler: guards.requireStaff('blacklist:write'),
      schema: {
        tags: ['blacklist'],
        body: Strict({ kind: Kind, value: Type.String({ minLength: 1, maxLength: 254 }), reason: Type.String({ minLength: 1, maxLength: 500 }), expiresAt: Type.Optional(DateTimeIn) }),
        response: { 201: Entry, ...errors(400, 401, 403, 409) },
      },
    }, async (req, reply) => reply.status(201).send(await blacklist.add(principal(req), req.body, req.ip)));

    app.delete('/v1/admin/blacklist/:id', {
      preHandler: guards.requireStaff('blacklist:write'),
      schema: { tags: ['blacklist'], params: Type.Object({ id: Type.String({ pattern: '^(blk|lst)_[0-9a-z]{26}$' }) }), response: { 204: Type.Null(), ...errors(401, 403, 404) } },
    }, async (req, reply) => {
      await blacklist.remove(principal(req), req.params.id, req.ip);
      return reply.status(204).send(null);
    });
  };
}
