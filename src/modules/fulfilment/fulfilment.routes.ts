import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AppError } from '../../platform/errors.ts';
import { errors, Strict, DateTime } from '../../platform/http/schemas.ts';
import { principal, type Guards } from '../staff/index.ts';
import type { FulfilmentService } from './fulfilment.service.ts';

const JobId = Type.Object({ id: Type.String({ pattern: '^job_[0-9a-z]{26}$' }) });

/**
 * Agent API: fulfilment that runs outside Tollgate (a UI bot on a phone, a script, `tollgate agent`).
 * Claim with a lease → heartbeat → complete with proof, or fail with a reason. An expired lease returns
 * the job to the queue; completing twice is harmless.
 */
export function agentRoutes(fulfilment: FulfilmentService, guards: Guards): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/v1/agent/jobs/claim', {
      preHandler: guards.requireAgent(),
      schema: {
        tags: ['agent'],
        body: Strict({ queues: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 10 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })), leaseSeconds: Type.Optional(Type.Integer({ minimum: 10, maximum: 900 })) }),
        response: {
          200: Type.Object({ data: Type.Array(Type.Object({ id: Type.String(), kind: Type.String(), queue: Type.String(), attempts: Type.Integer(), leaseUntil: Type.Union([DateTime, Type.Null()]), payload: Type.Record(Type.String(), Type.Unknown()) })) }),
          ...errors(400, 401, 403),
        },
      },
    }, async (req) => {
      const agent = principal(req);
      const allowed = agent.queues ?? [];
      const queues = req.body.queues ?? allowed;
      if (queues.some((q) => !allowed.includes(q))) throw new AppError('forbidden', 'queue not allowed for this agent');
      const jobs = await fulfilment.claimForAgent(agent.id, queues, req.body.limit ?? 1, req.body.leaseSeconds ?? 120);
      return { data: jobs.map((j) => ({ id: j.id, kind: j.kind, queue: j.queue, attempts: j.attempts, leaseUntil: j.leaseUntil, payload: j.payload })) };
    });

    app.post('/v1/agent/jobs/:id/heartbeat', {
      preHandler: guards.requireAgent(),
      schema: { tags: ['agent'], params: JobId, body: Type.Optional(Strict({ leaseSeconds: Type.Optional(Type.Integer({ minimum: 10, maximum: 900 })) })), response: { 200: Type.Object({ ok: Type.Boolean() }), ...errors(401, 409) } },
    }, async (req) => {
      const ok = await fulfilment.heartbeatAgent(principal(req).id, req.params.id, req.body?.leaseSeconds ?? 120);
      if (!ok) throw new AppError('conflict', 'lease lost: the job is no longer yours');
      return { ok };
    });

    app.post('/v1/agent/jobs/:id/complete', {
      preHandler: guards.requireAgent(),
      schema: { tags: ['agent'], params: JobId, body: Strict({ proof: Type.Record(Type.String(), Type.Unknown()) }), response: { 200: Type.Object({ status: Type.String() }), ...errors(400, 401, 404, 409) } },
    }, async (req) => ({ status: await fulfilment.completeByAgent(principal(req).id, req.params.id, req.body.proof) }));

    app.post('/v1/agent/jobs/:id/fail', {
      preHandler: guards.requireAgent(),
      schema: { tags: ['agent'], params: JobId, body: Strict({ reason: Type.String({ minLength: 1, maxLength: 1000 }), retryable: Type.Optional(Type.Boolean()) }), response: { 200: Type.Object({ status: Type.String() }), ...errors(400, 401, 404, 409) } },
    }, async (req) => ({ status: await fulfilment.failByAgent(principal(req).id, req.params.id, req.body.reason, req.body.retryable ?? true) }));
  };
}
