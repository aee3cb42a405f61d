import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Db } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { errors, DateTime, Strict } from '../../platform/http/schemas.ts';
import * as jobs from '../../platform/jobs/queue.ts';
import { listAlerts, acknowledgeAlert } from '../../platform/alerts.ts';
import { listInbox } from '../../platform/webhooks-in/inbox.ts';
import { actorOf, audit, principal, type Guards } from '../staff/index.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** Operations views for the console: jobs and dead letters, alerts, the e-mail outbox, the webhook inbox. */
export function opsRoutes(db: Db, guards: Guards, wake: () => void): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/v1/admin/jobs', {
      preHandler: guards.requireStaff('jobs:read'),
      schema: {
        tags: ['ops'],
        querystring: Strict({ status: Type.Optional(Type.Union(['queued', 'running', 'done', 'dead', 'cancelled'].map((s) => Type.Literal(s)))), queue: Type.Optional(Type.String({ maxLength: 64 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }),
        response: {
          200: Type.Object({
            data: Type.Array(Type.Object({ id: Type.String(), queue: Type.String(), kind: Type.String(), status: Type.String(), attempts: Type.Integer(), maxAttempts: Type.Integer(), lastError: Nullable(Type.String()), payload: Type.Record(Type.String(), Type.Unknown()), runAt: DateTime, updatedAt: DateTime })),
            counts: Type.Record(Type.String(), Type.Integer()),
          }),
          ...errors(400, 401, 403),
        },
      },
    }, async (req) => {
      const [data, counts] = await Promise.all([jobs.listJobs(db, { status: req.query.status, queue: req.query.queue, limit: req.query.limit ?? 100 }), jobs.countByStatus(db)]);
      return { data, counts: { queued: 0, running: 0, done: 0, dead: 0, ...counts } };
    });

    app.post('/v1/admin/jobs/:id/retry', {
      preHandler: guards.requireStaff('jobs:write'),
      schema: { tags: ['ops'], summary: 'Put a dead job back in its queue', params: Type.Object({ id: Type.String({ pattern: '^job_[0-9a-z]{26}$' }) }), response: { 200: Type.Object({ status: Type.String() }), ...errors(401, 403, 409) } },
    }, async (req) => {
      const p = principal(req);
      await db.tx(async (trx) => {
        if (!(await jobs.requeue(trx, req.params.id))) throw new AppError('conflict', 'only dead jobs can be retried');
        await audit(trx, { actor: actorOf(p), action: 'job.retried', subjectId: req.params.id, ip: req.ip });
      });
      wake();
      return { status: 'queued' };
    });

    app.get('/v1/admin/alerts', {
      preHandler: guards.requireStaff('alerts:read'),
      schema: {
        tags: ['ops'], querystring: Strict({ open: Type.Optional(Type.Boolean()) }),
        response: { 200: Type.Object({ data: Type.Array(Type.Object({ id: Type.String(), severity: Type.String(), kind: Type.String(), message: Type.String(), subjectId: Nullable(Type.String()), details: Type.Record(Type.String(), Type.Unknown()), createdAt: DateTime, acknowledgedAt: Nullable(DateTime), acknowledgedBy: Nullable(Type.String()) })) }), ...errors(401, 403) },
      },
    }, async (req) => ({ data: await listAlerts(db, { open: req.query.open, limit: 200 }) }));

    app.post('/v1/admin/alerts/:id/ack', {
      preHandler: guards.requireStaff('alerts:read'),
      schema: { tags: ['ops'], params: Type.Object({ id: Type.String({ pattern: '^alr_[0-9a-z]{26}$' }) }), response: { 204: Type.Null(), ...errors(401, 403, 404) } },
    }, async (req, reply) => {
      const p = principal(req);
      await db.tx(async (trx) => {
        if (!(await acknowledgeAlert(trx, req.params.id, actorOf(p)))) throw new AppError('not_found', 'open alert not found');
        await audit(trx, { actor: actorOf(p), action: 'alert.acknowledged', subjectId: req.params.id, ip: req.ip });
      });
      return reply.status(204).send(null);
    });

    app.get('/v1/admin/outbox', {
      preHandler: guards.requireStaff('outbox:read'),
      schema: {
        tags: ['ops'], summary: 'Outgoing e-mails (the dev outbox when SMTP is not configured)',
        response: { 200: Type.Object({ data: Type.Array(Type.Object({ id: Type.String(), recipient: Type.String(), subject: Type.String(), bodyText: Type.String(), status: Type.String(), subjectId: Nullable(Type.String()), createdAt: DateTime, sentAt: Nullable(DateTime) })) }), ...errors(401, 403) },
      },
    }, async () => {
      const rows = await db.query<{ id: string; recipient: string; subject: string; body_text: string; status: string; subject_id: string | null; created_at: Date; sent_at: Date | null }>(
        `SELECT id, recipient, subject, body_text, status, subject_id, created_at, sent_at FROM notifications ORDER BY id DESC LIMIT 200`);
      return { data: rows.map((r) => ({ id: r.id, recipient: r.recipient, subject: r.subject, bodyText: r.body_text, status: r.status, subjectId: r.subject_id, createdAt: r.created_at, sentAt: r.sent_at })) };
    });

    app.get('/v1/admin/webhooks', {
      preHandler: guards.requireStaff('jobs:read'),
      schema: {
        tags: ['ops'], summary: 'Inbound webhook inbox',
        response: { 200: Type.Object({ data: Type.Array(Type.Object({ id: Type.String(), provider: Type.String(), eventId: Type.String(), eventType: Type.String(), receivedAt: DateTime, processedAt: Nullable(DateTime), outcome: Nullable(Type.String()) })) }), ...errors(401, 403) },
      },
    }, async () => ({ data: (await listInbox(db, 200)).map((r) => ({ id: r.id, provider: r.provider, eventId: r.event_id, eventType: r.event_type, receivedAt: r.received_at, processedAt: r.processed_at, outcome: r.outcome })) }));
  };
}
