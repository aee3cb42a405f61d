import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errors, Strict } from '../../platform/http/schemas.ts';
import { principal, type Guards } from '../staff/index.ts';
import type { AutomationService } from './automation.service.ts';

const State = Type.Object({ paused: Type.Boolean(), changedAt: Type.Union([Type.String(), Type.Null()]), changedBy: Type.Union([Type.String(), Type.Null()]), reason: Type.Union([Type.String(), Type.Null()]) });

export function automationRoutes(automation: AutomationService, guards: Guards): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/v1/admin/automation', {
      preHandler: guards.requireStaff(),
      schema: { tags: ['automation'], response: { 200: State, ...errors(401) } },
    }, async () => automation.get());

    for (const action of ['pause', 'resume'] as const) {
      app.post(`/v1/admin/automation/${action}`, {
        preHandler: guards.requireStaff('automation:write'),
        schema: {
          tags: ['automation'], summary: action === 'pause' ? 'Pause all fulfilment' : 'Resume fulfilment (paid orders waiting are sent on)',
          body: Type.Optional(Strict({ reason: Type.Optional(Type.String({ maxLength: 500 })) })),
          response: { 200: State, ...errors(400, 401, 403) },
        },
      }, async (req) => automation[action](principal(req), req.body?.reason, req.ip));
    }
  };
}
