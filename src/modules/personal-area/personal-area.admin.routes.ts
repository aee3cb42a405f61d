import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errors, Strict, StringEnum } from '../../platform/http/schemas.ts';
import { actorOf, principal, type Guards } from '../staff/index.ts';
import type { PersonalAreaService } from './personal-area.service.ts';
import { AdminThreadOut, AdminThreadRow, IdOf, MessageBody, ThreadMessageOut, idPattern } from './personal-area.schema.ts';

const tags = ['personal area (staff)'];

/** The console's feedback inbox: customers' feedback threads and transaction comments, replies and closing (audited). */
export function personalAreaAdminRoutes(pa: PersonalAreaService, guards: Guards): FastifyPluginAsyncTypebox {
  return async (app) => {
    const read = guards.requireStaff('feedback:read');
    const write = guards.requireStaff('feedback:write');

    app.get('/v1/admin/feedback', {
      preHandler: read,
      schema: {
        tags, summary: 'Feedback threads and transaction comments, newest first (filter by status, customer)',
        querystring: Strict({
          status: Type.Optional(StringEnum(['open', 'answered', 'closed'] as const)),
          customerId: Type.Optional(Type.String({ pattern: idPattern('cus') })),
          before: Type.Optional(Type.String({ maxLength: 40 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
        }),
        response: { 200: Type.Object({ data: Type.Array(AdminThreadRow), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...errors(400, 401, 403) },
      },
    }, async (req) => {
      const data = await pa.feedbackAdmin.list(req.query);
      const limit = req.query.limit ?? 50;
      return { data, nextCursor: data.length === limit ? data[data.length - 1].id : null };
    });

    app.get('/v1/admin/feedback/:id', {
      preHandler: read,
      schema: { tags, summary: 'One thread with its messages, the customer (masked e-mail) and the transaction it is about', params: IdOf('fbk'), response: { 200: AdminThreadOut, ...errors(400, 401, 403, 404) } },
    }, async (req) => pa.feedbackAdmin.get(req.params.id));

    app.post('/v1/admin/feedback/:id/reply', {
      preHandler: write,
      schema: {
        tags, summary: 'Answer the customer (audited); the thread becomes answered',
        params: IdOf('fbk'), body: MessageBody,
        response: { 201: Type.Object({ ...ThreadMessageOut.properties, staffActor: Type.Union([Type.String(), Type.Null()]) }), ...errors(400, 401, 403, 404, 409) },
      },
    }, async (req, reply) => reply.status(201).send(await pa.feedbackAdmin.reply(actorOf(principal(req)), req.params.id, req.body.text, req.ip)));

    app.post('/v1/admin/feedback/:id/close', {
      preHandler: write,
      schema: { tags, summary: 'Close the thread (audited); a new message from the customer reopens it', params: IdOf('fbk'), response: { 200: Type.Object({ id: Type.String(), status: Type.Literal('closed') }), ...errors(400, 401, 403, 404) } },
    }, async (req) => pa.feedbackAdmin.close(actorOf(principal(req)), req.params.id, req.ip));
  };
}
