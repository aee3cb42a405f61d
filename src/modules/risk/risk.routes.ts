import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errors, Strict, DateTime, DateTimeIn, StringEnum, MoneySchema } from '../../platform/http/schemas.ts';
import { actorOf, principal, type Guards } from '../staff/index.ts';
import type { RiskService } from './risk.service.ts';
import type { RulesService } from './rules.service.ts';
import type { ListsService } from './lists.service.ts';
import { check } from './lang/index.ts';
import { fraudReportCsv } from './risk.report.ts';
import { AppError } from '../../platform/errors.ts';
import { DECISIONS, EVENT_KINDS, FEATURE_SCHEMA, FEATURE_NAMES, LIST_KINDS, RULE_ACTIONS, SIDE_ACTIONS } from './risk.schema.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Reason = Type.Object({ rule: Type.String(), message: Type.String() });
const DecisionOut = Type.Object({ id: Type.String(), decision: StringEnum(DECISIONS), score: Type.Integer(), reasons: Type.Array(Reason), rulesetVersion: Type.Integer() });
const RuleOut = Type.Object({
  id: Type.String(), name: Type.String(), description: Type.String(), version: Type.Integer(), expression: Type.String(), events: Type.Array(Type.String()),
  action: Type.String(), score: Type.Integer(), sideActions: Type.Array(Type.String()), mode: Type.String(), enabled: Type.Boolean(), builtin: Nullable(Type.String()),
  createdAt: DateTime, updatedAt: DateTime,
});
const RuleIn = {
  name: Type.String({ minLength: 1, maxLength: 120 }), description: Type.Optional(Type.String({ maxLength: 500 })), expression: Type.String({ minLength: 1, maxLength: 2000 }),
  events: Type.Array(StringEnum(EVENT_KINDS), { minItems: 1, maxItems: 5, uniqueItems: true }), action: StringEnum(RULE_ACTIONS), score: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  sideActions: Type.Optional(Type.Array(StringEnum(SIDE_ACTIONS), { maxItems: 3, uniqueItems: true })), mode: Type.Optional(StringEnum(['active', 'shadow'] as const)), enabled: Type.Optional(Type.Boolean()),
};
const RuleId = Type.Object({ id: Type.String({ pattern: '^rul_[0-9a-z]{26}$' }) });
const DecisionRow = Type.Object({
  id: Type.String(), kind: Type.String(), subjectId: Nullable(Type.String()), decision: Type.String(), score: Type.Integer(), reasons: Type.Array(Type.Unknown()), actions: Type.Array(Type.Unknown()),
  shadow: Type.Unknown(), features: Type.Record(Type.String(), Type.Unknown()), rulesetVersion: Type.Integer(), label: Nullable(Type.String()), labelReason: Nullable(Type.String()),
  labelledBy: Nullable(Type.String()), labelledAt: Nullable(DateTime), createdAt: DateTime,
});
const DecisionFilterProps = {
  from: Type.Optional(DateTimeIn), to: Type.Optional(DateTimeIn), decision: Type.Optional(StringEnum(DECISIONS)), kind: Type.Optional(StringEnum(EVENT_KINDS)),
  rule: Type.Optional(Type.String({ maxLength: 120 })),
  label: Type.Optional(StringEnum(['fraud', 'legit', 'unlabelled'] as const, { description: "'unlabelled': decisions nobody has labelled yet" })),
  subjectId: Type.Optional(Type.String({ minLength: 1, maxLength: 140, description: 'the order, card, payment… the decision was about' })),
  cursor: Type.Optional(Type.String({ pattern: '^dec_[0-9a-z]{26}$' })),
};
const DecisionQuery = Strict({ ...DecisionFilterProps, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) });
/** The CSV report streams every decision of the filter; `limit` only caps the rows. */
const ReportQuery = Strict({ ...DecisionFilterProps, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000 })) });
const RuleVersionOut = Type.Object({
  version: Type.Integer(), name: Type.String(), expression: Type.String(), events: Type.Array(Type.String()), action: Type.String(), score: Type.Integer(),
  sideActions: Type.Array(Type.String()), mode: Type.String(), enabled: Type.Boolean(), deleted: Type.Boolean(), changedBy: Type.String(), changedAt: DateTime,
});
const ListEntryOut = Type.Object({ id: Type.String(), list: Type.String(), kind: Type.String(), value: Type.String(), reason: Type.String(), expiresAt: Nullable(DateTime), source: Type.String(), createdBy: Type.String(), createdAt: DateTime });

export function riskRoutes(risk: RiskService, rules: RulesService, lists: ListsService, guards: Guards): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/v1/risk/evaluate', {
      preHandler: guards.requireStaff('risk:evaluate'),
      schema: {
        tags: ['risk'], summary: 'Score an event (checkout, card authorization, …) and get allow/review/block with reasons',
        body: Strict({
          kind: StringEnum(EVENT_KINDS), subjectId: Type.Optional(Type.String({ maxLength: 64 })), amount: Type.Optional(MoneySchema),
          email: Type.Optional(Type.String({ maxLength: 254 })), ip: Type.Optional(Type.String({ maxLength: 64 })), userAgent: Type.Optional(Type.String({ maxLength: 1000 })),
          deviceId: Type.Optional(Type.String({ maxLength: 128 })), customerId: Type.Optional(Type.String({ maxLength: 128 })), platformUserId: Type.Optional(Type.String({ maxLength: 64 })),
          phone: Type.Optional(Type.String({ maxLength: 32 })), paymentMethod: Type.Optional(Type.String({ maxLength: 32 })), checkoutDurationMs: Type.Optional(Type.Integer({ minimum: 0 })),
          card: Type.Optional(Strict({ bin: Type.Optional(Type.String({ pattern: '^[0-9]{6,8}$' })), last4: Type.Optional(Type.String({ pattern: '^[0-9]{4}$' })), fingerprint: Type.Optional(Type.String({ maxLength: 128 })) })),
          merchant: Type.Optional(Strict({ name: Type.Optional(Type.String({ maxLength: 200 })), mcc: Type.Optional(Type.String({ pattern: '^[0-9]{4}$' })), country: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2}$' })), city: Type.Optional(Type.String({ maxLength: 100 })) })),
          dryRun: Type.Optional(Type.Boolean()),
        }),
        response: { 200: DecisionOut, ...errors(400, 401, 403) },
      },
    }, async (req) => {
      const { dryRun, ...event } = req.body;
      const r = await risk.evaluate(event, { persist: !dryRun });
      return { id: r.id, decision: r.decision, score: r.score, reasons: r.reasons, rulesetVersion: r.rulesetVersion };
    });

    // --- rules ---
    app.get('/v1/admin/risk/rules', { preHandler: guards.requireStaff('risk:read'), schema: { tags: ['risk'], response: { 200: Type.Object({ data: Type.Array(RuleOut), rulesetVersion: Type.Integer() }), ...errors(401, 403) } } },
      async () => ({ data: await rules.list(), rulesetVersion: rules.current().version }));

    app.get('/v1/admin/risk/features', { preHandler: guards.requireStaff('risk:read'), schema: { tags: ['risk'], summary: 'Feature paths rules may use, with types', response: { 200: Type.Object({ data: Type.Array(Type.Object({ path: Type.String(), type: Type.String() })) }) } } },
      async () => ({ data: FEATURE_NAMES.map((path) => ({ path, type: FEATURE_SCHEMA[path] })) }));

    app.post('/v1/admin/risk/rules/check', {
      preHandler: guards.requireStaff('risk:read'),
      schema: {
        tags: ['risk'], summary: 'Compile an expression without saving (for the editor)', body: Strict({ expression: Type.String({ maxLength: 4000 }) }),
        response: { 200: Type.Object({ ok: Type.Boolean(), references: Type.Optional(Type.Array(Type.String())), error: Type.Optional(Type.Object({ message: Type.String(), position: Type.Integer(), line: Type.Integer(), column: Type.Integer(), length: Type.Integer() })) }) },
      },
    }, async (req) => {
      const r = check(req.body.expression, FEATURE_SCHEMA);
      return r.ok ? { ok: true, references: r.references } : { ok: false, error: r.error };
    });

    app.post('/v1/admin/risk/rules', {
      preHandler: guards.requireStaff('risk:write'),
      schema: { tags: ['risk'], body: Strict(RuleIn), response: { 201: RuleOut, ...errors(400, 401, 403, 409, 422) } },
    }, async (req, reply) => {
      const b = req.body;
      const rule = await rules.create(actorOf(principal(req)), { name: b.name, description: b.description ?? '', expression: b.expression, events: b.events, action: b.action, score: b.score ?? 0, sideActions: b.sideActions ?? [], mode: b.mode ?? 'active', enabled: b.enabled ?? true }, req.ip);
      return reply.status(201).send(rule);
    });

    app.patch('/v1/admin/risk/rules/:id', {
      preHandler: guards.requireStaff('risk:write'),
      schema: { tags: ['risk'], params: RuleId, body: Strict(Object.fromEntries(Object.entries(RuleIn).map(([k, v]) => [k, Type.Optional(v)])) as unknown as typeof RuleIn, { minProperties: 1 }), response: { 200: RuleOut, ...errors(400, 401, 403, 404, 409, 422) } },
    }, async (req) => rules.update(actorOf(principal(req)), req.params.id, req.body as never, req.ip));

    app.delete('/v1/admin/risk/rules/:id', {
      preHandler: guards.requireStaff('risk:write'),
      schema: { tags: ['risk'], params: RuleId, response: { 204: Type.Null(), ...errors(401, 403, 404) } },
    }, async (req, reply) => {
      await rules.remove(actorOf(principal(req)), req.params.id, req.ip);
      return reply.status(204).send(null);
    });

    app.get('/v1/admin/risk/rules/:id', {
      preHandler: guards.requireStaff('risk:read'),
      schema: { tags: ['risk'], params: RuleId, response: { 200: RuleOut, ...errors(401, 403, 404) } },
    }, async (req) => {
      const rule = await rules.get(req.params.id);
      if (!rule) throw new AppError('not_found', 'rule not found');
      return rule;
    });

    app.get('/v1/admin/risk/rules/:id/versions', {
      preHandler: guards.requireStaff('risk:read'),
      schema: { tags: ['risk'], summary: 'Every saved version of a rule, newest first', params: RuleId, response: { 200: Type.Object({ data: Type.Array(RuleVersionOut) }), ...errors(400, 401, 403) } },
    }, async (req) => ({ data: await rules.versions(req.params.id) }));

    app.post('/v1/admin/risk/backtest', {
      preHandler: guards.requireStaff('risk:read'),
      schema: {
        tags: ['risk'], summary: 'Run a draft rule over stored decisions of a period',
        body: Strict({ expression: Type.String({ minLength: 1, maxLength: 2000 }), from: DateTimeIn, to: DateTimeIn }),
        response: { 200: Type.Object({ evaluated: Type.Integer(), matched: Type.Integer(), missing: Type.Integer(), matchedByDecision: Type.Record(Type.String(), Type.Integer()), matchedFraud: Type.Integer(), matchedLegit: Type.Integer(), fraudTotal: Type.Integer(), fraudMissed: Type.Integer() }), ...errors(400, 401, 403, 422) },
      },
    }, async (req) => risk.backtest(req.body.expression, { from: req.body.from, to: req.body.to }));

    // --- decisions, labels, report ---
    app.get('/v1/admin/risk/decisions', {
      preHandler: guards.requireStaff('risk:read'),
      schema: { tags: ['risk'], querystring: DecisionQuery, response: { 200: Type.Object({ data: Type.Array(DecisionRow), nextCursor: Nullable(Type.String()) }), ...errors(400, 401, 403) } },
    }, async (req) => {
      const limit = req.query.limit ?? 50;
      const data = await risk.listDecisions({ ...req.query, before: req.query.cursor, limit });
      return { data, nextCursor: data.length === limit ? data[data.length - 1].id : null };
    });

    app.get('/v1/admin/risk/decisions/:id', {
      preHandler: guards.requireStaff('risk:read'),
      schema: { tags: ['risk'], params: Type.Object({ id: Type.String({ pattern: '^dec_[0-9a-z]{26}$' }) }), response: { 200: DecisionRow, ...errors(401, 403, 404) } },
    }, async (req) => {
      const d = await risk.getDecision(req.params.id);
      if (!d) throw new AppError('not_found', 'decision not found');
      return d;
    });

    app.post('/v1/admin/risk/decisions/:id/label', {
      preHandler: guards.requireStaff('risk:review'),
      schema: { tags: ['risk'], params: Type.Object({ id: Type.String({ pattern: '^dec_[0-9a-z]{26}$' }) }), body: Strict({ label: Nullable(StringEnum(['fraud', 'legit'] as const)), reason: Type.Optional(Type.String({ maxLength: 500 })) }), response: { 204: Type.Null(), ...errors(400, 401, 403, 404) } },
    }, async (req, reply) => {
      await risk.label(actorOf(principal(req)), req.params.id, req.body.label, req.body.reason ?? null, req.ip);
      return reply.status(204).send(null);
    });

    app.get('/v1/admin/risk/report.csv', {
      preHandler: guards.requireStaff('risk:read'),
      schema: { tags: ['risk'], summary: 'Fraud report: every decision of the filter with score and reasons, as CSV, streamed page by page (newest first)', querystring: ReportQuery },
    }, async (req, reply) => {
      const { cursor, limit, ...filter } = req.query;
      const csv = fraudReportCsv((f) => risk.listDecisions(f), { ...filter, before: cursor }, { max: limit });
      reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="fraud-report.csv"');
      return reply.send(Readable.from(csv));
    });

    app.get('/v1/admin/risk/top-rules', {
      preHandler: guards.requireStaff('risk:read'),
      schema: {
        tags: ['risk'], summary: 'Rules firing most: active hits by effect in `data`; shadow-mode hits (never acted) apart in `shadow`, by the action they would have taken',
        querystring: Strict({ from: Type.Optional(DateTimeIn), to: Type.Optional(DateTimeIn) }),
        response: { 200: Type.Object({ data: Type.Array(Type.Object({ rule: Type.String(), effect: Type.String(), n: Type.Integer() })), shadow: Type.Array(Type.Object({ rule: Type.String(), action: Type.String(), n: Type.Integer() })) }), ...errors(400, 401, 403) },
      },
    }, async (req) => {
      const rows = await risk.topRules(req.query.from ?? null, req.query.to ?? null);
      return {
        data: rows.filter((r) => r.mode === 'active').map(({ rule, effect, n }) => ({ rule, effect, n })),
        shadow: rows.filter((r) => r.mode === 'shadow').map(({ rule, effect, n }) => ({ rule, action: effect, n })),
      };
    });

    app.get('/v1/admin/risk/settings', { preHandler: guards.requireStaff('risk:read'), schema: { tags: ['risk'], response: { 200: Type.Object({ reviewThreshold: Type.Integer(), blockThreshold: Type.Integer(), autoCaptureLimitUsd: Type.Number() }) } } },
      async () => risk.settings());
    app.patch('/v1/admin/risk/settings', {
      preHandler: guards.requireStaff('risk:write'),
      schema: { tags: ['risk'], body: Strict({ reviewThreshold: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })), blockThreshold: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })), autoCaptureLimitUsd: Type.Optional(Type.Number({ minimum: 0 })) }, { minProperties: 1 }), response: { 200: Type.Object({ reviewThreshold: Type.Integer(), blockThreshold: Type.Integer(), autoCaptureLimitUsd: Type.Number() }), ...errors(400, 401, 403) } },
    }, async (req) => risk.updateSettings(actorOf(principal(req)), req.body, req.ip));

    // --- lists and snoozes ---
    app.get('/v1/admin/risk/lists', {
      preHandler: guards.requireStaff('risk:read'),
      schema: { tags: ['risk'], querystring: Strict({ list: Type.Optional(StringEnum(['allow', 'block'] as const)), kind: Type.Optional(StringEnum(LIST_KINDS)) }), response: { 200: Type.Object({ data: Type.Array(ListEntryOut) }) } },
    }, async (req) => ({ data: await lists.list({ list: req.query.list, kinds: req.query.kind ? [req.query.kind] : undefined }) }));

    app.post('/v1/admin/risk/lists', {
      preHandler: guards.requireStaff('risk:write'),
      schema: { tags: ['risk'], body: Strict({ list: StringEnum(['allow', 'block'] as const), kind: StringEnum(LIST_KINDS), value: Type.String({ minLength: 1, maxLength: 254 }), reason: Type.String({ minLength: 1, maxLength: 500 }), expiresAt: Type.Optional(DateTimeIn) }), response: { 201: ListEntryOut, ...errors(400, 401, 403, 409) } },
    }, async (req, reply) => reply.status(201).send(await lists.add(actorOf(principal(req)), req.body, req.ip)));

    app.delete('/v1/admin/risk/lists/:id', {
      preHandler: guards.requireStaff('risk:write'),
      schema: { tags: ['risk'], params: Type.Object({ id: Type.String({ pattern: '^(blk|lst)_[0-9a-z]{26}$' }) }), response: { 204: Type.Null(), ...errors(401, 403, 404) } },
    }, async (req, reply) => {
      await lists.remove(actorOf(principal(req)), req.params.id, req.ip);
      return reply.status(204).send(null);
    });

    app.get('/v1/admin/risk/snoozes', { preHandler: guards.requireStaff('risk:read'), schema: { tags: ['risk'], response: { 200: Type.Object({ data: Type.Array(Type.Object({ id: Type.String(), ruleId: Type.String(), kind: Type.String(), value: Type.String(), until: DateTime, reason: Type.String(), createdBy: Type.String(), createdAt: DateTime })) }) } } },
      async () => ({ data: await lists.snoozes() }));
    app.post('/v1/admin/risk/snoozes', {
      preHandler: guards.requireStaff('risk:write'),
      schema: { tags: ['risk'], summary: 'Snooze a rule for one entity (the customer on holiday)', body: Strict({ ruleId: Type.String({ pattern: '^rul_[0-9a-z]{26}$' }), kind: StringEnum(LIST_KINDS), value: Type.String({ minLength: 1, maxLength: 254 }), until: DateTimeIn, reason: Type.String({ minLength: 1, maxLength: 500 }) }), response: { 201: Type.Object({ id: Type.String() }), ...errors(400, 401, 403, 404) } },
    }, async (req, reply) => reply.status(201).send({ id: (await lists.snooze(actorOf(principal(req)), req.body, req.ip)).id }));
    app.delete('/v1/admin/risk/snoozes/:id', {
      preHandler: guards.requireStaff('risk:write'),
      schema: { tags: ['risk'], params: Type.Object({ id: Type.String({ pattern: '^snz_[0-9a-z]{26}$' }) }), response: { 204: Type.Null(), ...errors(401, 403, 404) } },
    }, async (req, reply) => {
      await lists.unsnooze(actorOf(principal(req)), req.params.id, req.ip);
      return reply.status(204).send(null);
    });
  };
}
