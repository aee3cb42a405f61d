import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errors, Strict, MoneySchema, DateTime, DateTimeIn, StringEnum } from '../../platform/http/schemas.ts';
import { notFound } from '../../platform/errors.ts';
import { actorOf, principal, type Guards } from '../staff/index.ts';
import { ControlsSchema, ControlsPatchSchema, idPattern, type ControlsPatch } from './cards.schema.ts';
import { CARD_TRANSITIONS } from './cards.states.ts';
import type { CardsService } from './cards.service.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const CardId = Type.Object({ id: Type.String({ pattern: idPattern('crd') }) });
const ProgramId = Type.Object({ id: Type.String({ pattern: idPattern('cpg') }) });
const Status = StringEnum(Object.keys(CARD_TRANSITIONS) as Array<keyof typeof CARD_TRANSITIONS>);
const Reason = Strict({ reason: Type.String({ minLength: 1, maxLength: 500 }) });
const Controls = Type.Record(Type.String(), Type.Unknown());
const Program = Type.Object({ id: Type.String(), name: Type.String(), controls: Controls, fallback: Type.String(), createdAt: DateTime, updatedAt: DateTime });
const CardView = Type.Object({
  id: Type.String(), cardholderId: Type.String(), cardholderName: Nullable(Type.String()), processorCardId: Type.String(), card: Type.String(),
  bin: Type.String(), last4: Type.String(), expMonth: Type.Integer(), expYear: Type.Integer(), currency: Type.String(),
  program: Nullable(Type.Object({ id: Type.String(), name: Type.String(), fallback: Type.String() })),
  status: Status, controls: Controls, effectiveControls: Controls,
  spend: Type.Object({ today: MoneySchema, thisMonth: MoneySchema }),
  history: Type.Array(Type.Object({ from: Nullable(Type.String()), to: Type.String(), actor: Type.String(), reason: Nullable(Type.String()), at: DateTime })),
  createdAt: DateTime, updatedAt: DateTime,
});
const AuthorizationFields = {
  id: Type.String(), cardRef: Type.String(), cardId: Nullable(Type.String()), cardholderId: Nullable(Type.String()), assignmentId: Nullable(Type.String()),
  amount: Type.Integer(), currency: Type.String(), merchantName: Nullable(Type.String()), merchantMcc: Nullable(Type.String()), merchantCity: Nullable(Type.String()),
  merchantCountry: Nullable(Type.String()), approved: Type.Boolean(), reason: Type.String(), stage: Type.String(), score: Type.Integer(), decisionId: Nullable(Type.String()),
  lateDecisionId: Nullable(Type.String()), lateReason: Nullable(Type.String()), fallback: Type.Boolean(), decisionMs: Nullable(Type.Integer()), source: Type.String(), status: Type.String(),
  finalAmount: Nullable(Type.Integer()), occurredAt: DateTime, createdAt: DateTime, updatedAt: DateTime,
};
const Authorization = Type.Object({
  ...AuthorizationFields,
  transactions: Type.Optional(Type.Array(Type.Object({ id: Type.String(), type: Type.String(), amount: Type.Integer(), currency: Type.String(), occurredAt: DateTime, outcome: Type.String() }))),
});
/** A row of the authorization feed: the stored decision plus the masked card and the cardholder's name. */
const FeedAuthorization = Type.Object({ ...AuthorizationFields, card: Nullable(Type.String()), cardholderName: Nullable(Type.String()) });
const CardTransaction = Type.Object({
  id: Type.String(), authorizationId: Type.String(), type: StringEnum(['cleared', 'reversed', 'refunded'] as const), amount: Type.Integer(), currency: Type.String(), occurredAt: DateTime,
  outcome: Type.String(), merchantName: Nullable(Type.String()), authorizedAmount: Type.Integer(), finalAmount: Nullable(Type.Integer()), authorizationStatus: Type.String(),
});
const AssignmentRow = Type.Object({
  id: Type.String(), externalOrderRef: Type.String(), cardholderId: Type.String(), cardholderName: Nullable(Type.String()), expectedSuppliedValue: MoneySchema,
  windowStart: DateTime, windowEnd: DateTime, transactions: Type.Integer({ description: 'matched card transactions (approved, not reversed)' }), slipTotal: MoneySchema,
  declined: Type.Integer(), createdBy: Type.String(), createdAt: DateTime,
});
const ReconQuery = Strict({
  from: Type.Optional(DateTimeIn), to: Type.Optional(DateTimeIn),
  tolerance: Type.Optional(Type.Integer({ minimum: 0, description: 'minor units; differences beyond it are flagged (default 0)' })),
});
const ReconOrder = Type.Object({
  assignmentId: Type.String(), externalOrderRef: Type.String(), cardholderId: Type.String(), cardholderName: Nullable(Type.String()), windowStart: DateTime, windowEnd: DateTime,
  itemsSuppliedValue: MoneySchema, slipTotal: MoneySchema, difference: MoneySchema, transactions: Type.Integer(), pending: Type.Integer(), declined: Type.Integer(), flagged: Type.Boolean(),
});
const Unmatched = Type.Object({
  authorizationId: Type.String(), cardId: Nullable(Type.String()), card: Nullable(Type.String()), cardholderId: Nullable(Type.String()), cardholderName: Nullable(Type.String()),
  merchant: Nullable(Type.String()), amount: MoneySchema, occurredAt: DateTime, status: Type.String(),
});

/** Default report range: the last 30 days, up to a day ahead (windows still open). */
function reconRange(q: { from?: string; to?: string; tolerance?: number }) {
  const now = Date.now();
  return { from: new Date(q.from ?? now - 30 * 86_400_000), to: new Date(q.to ?? now + 86_400_000), tolerance: q.tolerance ?? 0 };
}

/** The console's card management, spend assignments and the reconciliation report (staff sessions, cards:* permissions). */
export function cardsRoutes(cards: CardsService, guards: Guards): FastifyPluginAsyncTypebox {
  return async (app) => {
    const read = guards.requireStaff('cards:read');
    const write = guards.requireStaff('cards:write');

    app.get('/v1/admin/card-processor', {
      preHandler: write,
      schema: {
        tags: ['cards'], summary: 'The card processor integration: the Tollgate-Signature signing secret (viewing it is audited) and the decision budget',
        response: { 200: Type.Object({ signingSecret: Type.String(), signatureHeader: Type.String(), decisionBudgetMs: Type.Integer() }), ...errors(401, 403) },
      },
    }, async (req) => cards.processorSettings(actorOf(principal(req)), req.ip));

    // --- cardholders ---
    app.post('/v1/admin/cardholders', {
      preHandler: write,
      schema: {
        tags: ['cards'], summary: 'Create a cardholder (name, e-mail and phone are encrypted at rest)',
        body: Strict({ name: Type.String({ minLength: 1, maxLength: 200 }), email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })), phone: Type.Optional(Type.String({ pattern: '^\\+?[0-9 ()-]{6,20}$' })) }),
        response: { 201: Type.Object({ id: Type.String() }), ...errors(400, 401, 403) },
      },
    }, async (req, reply) => reply.code(201).send(await cards.createCardholder(actorOf(principal(req)), req.body, req.ip)));

    app.get('/v1/admin/cardholders', {
      preHandler: read,
      schema: {
        tags: ['cards'], querystring: Strict({ cursor: Type.Optional(Type.String({ pattern: idPattern('chd') })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }),
        response: { 200: Type.Object({ data: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), email: Nullable(Type.String()), phone: Nullable(Type.String()), cards: Type.Integer(), createdAt: DateTime })), nextCursor: Nullable(Type.String()) }), ...errors(401, 403) },
      },
    }, async (req) => {
      const limit = req.query.limit ?? 100;
      const data = await cards.listCardholders(limit, req.query.cursor);
      return { data, nextCursor: data.length === limit ? data[data.length - 1].id : null };
    });

    // --- programs ---
    app.post('/v1/admin/card-programs', {
      preHandler: write,
      schema: {
        tags: ['cards'], summary: 'Create a card program: shared controls and the fallback answer when a decision runs over budget',
        body: Strict({ name: Type.String({ minLength: 1, maxLength: 120 }), controls: Type.Optional(ControlsSchema), fallback: StringEnum(['approve', 'decline'] as const) }),
        response: { 201: Type.Object({ id: Type.String() }), ...errors(400, 401, 403, 409) },
      },
    }, async (req, reply) => reply.code(201).send(await cards.createProgram(actorOf(principal(req)), req.body, req.ip)));

    app.get('/v1/admin/card-programs', { preHandler: read, schema: { tags: ['cards'], response: { 200: Type.Object({ data: Type.Array(Program) }), ...errors(401, 403) } } },
      async () => ({ data: await cards.listPrograms() }));

    app.patch('/v1/admin/card-programs/:id', {
      preHandler: write,
      schema: {
        tags: ['cards'], params: ProgramId,
        body: Strict({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })), controls: Type.Optional(ControlsSchema), fallback: Type.Optional(StringEnum(['approve', 'decline'] as const)) }),
        response: { 200: Program, ...errors(400, 401, 403, 404, 409) },
      },
    }, async (req) => cards.updateProgram(actorOf(principal(req)), req.params.id, req.body, req.ip));

    // --- cards ---
    app.post('/v1/admin/cards', {
      preHandler: write,
      schema: {
        tags: ['cards'], summary: 'Register a card issued by the processor (BIN + last4 + processor card id; never a card number)',
        body: Strict({
          cardholderId: Type.String({ pattern: idPattern('chd') }), processorCardId: Type.String({ minLength: 1, maxLength: 128 }),
          bin: Type.String({ pattern: '^[0-9]{6,8}$' }), last4: Type.String({ pattern: '^[0-9]{4}$' }),
          expMonth: Type.Integer({ minimum: 1, maximum: 12 }), expYear: Type.Integer({ minimum: 2000, maximum: 2100 }), currency: Type.String({ pattern: '^[A-Z]{3}$' }),
          program: Type.Optional(Type.String({ pattern: idPattern('cpg') })), controls: Type.Optional(ControlsSchema),
        }),
        response: { 201: Type.Object({ id: Type.String(), status: Type.Literal('active') }), ...errors(400, 401, 403, 409, 422) },
      },
    }, async (req, reply) => reply.code(201).send(await cards.createCard(actorOf(principal(req)), req.body, req.ip)));

    app.get('/v1/admin/cards', {
      preHandler: read,
      schema: {
        tags: ['cards'],
        querystring: Strict({
          status: Type.Optional(Status), cardholderId: Type.Optional(Type.String({ pattern: idPattern('chd') })), programId: Type.Optional(Type.String({ pattern: idPattern('cpg') })),
          last4: Type.Optional(Type.String({ pattern: '^[0-9]{4}$' })), cursor: Type.Optional(Type.String({ pattern: idPattern('crd') })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
        }),
        response: { 200: Type.Object({ data: Type.Array(Type.Object({ id: Type.String(), cardholderId: Type.String(), cardholderName: Nullable(Type.String()), processorCardId: Type.String(), card: Type.String(), currency: Type.String(), programId: Nullable(Type.String()), programName: Nullable(Type.String()), status: Type.String(), createdAt: DateTime })), nextCursor: Nullable(Type.String()) }), ...errors(400, 401, 403) },
      },
    }, async (req) => {
      const limit = req.query.limit ?? 100;
      const data = await cards.listCards({ status: req.query.status, cardholderId: req.query.cardholderId, programId: req.query.programId, last4: req.query.last4, before: req.query.cursor, limit });
      return { data, nextCursor: data.length === limit ? data[data.length - 1].id : null };
    });

    app.get('/v1/admin/cards/:id', { preHandler: read, schema: { tags: ['cards'], summary: 'A card: status, controls (own and effective), spend today and this month, status history', params: CardId, response: { 200: CardView, ...errors(400, 401, 403, 404) } } },
      async (req) => cards.getCard(req.params.id));

    app.patch('/v1/admin/cards/:id/controls', {
      preHandler: write,
      schema: { tags: ['cards'], summary: 'Change a card\'s own controls (null removes one: the program\'s applies again)', params: CardId, body: ControlsPatchSchema, response: { 200: CardView, ...errors(400, 401, 403, 404, 409) } },
    }, async (req) => cards.patchControls(actorOf(principal(req)), req.params.id, req.body as ControlsPatch, req.ip));

    const action = (path: 'freeze' | 'unfreeze' | 'close', summary: string) =>
      app.post(`/v1/admin/cards/:id/${path}`, {
        preHandler: write,
        schema: { tags: ['cards'], summary, params: CardId, body: Reason, response: { 200: CardView, ...errors(400, 401, 403, 404, 409) } },
      }, async (req) => cards[path](actorOf(principal(req)), req.params.id, req.body.reason, req.ip));
    action('freeze', 'Freeze a card: its authorizations are declined until it is unfrozen (audited; the cardholder is told)');
    action('unfreeze', 'Unfreeze a card (audited; the cardholder is told)');
    action('close', 'Close a card for good (audited)');

    app.get('/v1/admin/cards/:id/transactions', {
      preHandler: read,
      schema: {
        tags: ['cards'], summary: 'A card\'s after-transaction events (cleared, reversed, refunded) with the merchant and the authorization\'s final amount, newest first',
        params: CardId, querystring: Strict({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }),
        response: { 200: Type.Object({ data: Type.Array(CardTransaction) }), ...errors(400, 401, 403, 404) },
      },
    }, async (req) => ({ data: await cards.cardTransactions(req.params.id, req.query.limit ?? 50) }));

    app.get('/v1/admin/card-authorizations', {
      preHandler: read,
      schema: {
        tags: ['cards'], summary: 'Authorization decisions, newest first (approved or declined with the reason, stage, score, fallback); paged with nextCursor',
        querystring: Strict({
          cardId: Type.Optional(Type.String({ pattern: idPattern('crd') })), cardholderId: Type.Optional(Type.String({ pattern: idPattern('chd') })), approved: Type.Optional(Type.Boolean()),
          fallback: Type.Optional(Type.Boolean({ description: 'true: only answers given by the program\'s fallback (the decision ran over budget)' })),
          stage: Type.Optional(StringEnum(['card', 'controls', 'rules', 'fallback'] as const)), from: Type.Optional(DateTimeIn), to: Type.Optional(DateTimeIn),
          cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 400 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
        }),
        response: { 200: Type.Object({ data: Type.Array(FeedAuthorization), nextCursor: Nullable(Type.String()) }), ...errors(400, 401, 403) },
      },
    }, async (req) => cards.authorizationFeed({ ...req.query, limit: req.query.limit ?? 100 }));

    app.get('/v1/admin/card-authorizations/:id', {
      preHandler: read,
      schema: { tags: ['cards'], params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 140 }) }), response: { 200: Authorization, ...errors(401, 403, 404) } },
    }, async (req) => {
      const a = await cards.getAuthorization(req.params.id);
      if (!a) throw notFound('authorization');
      return a;
    });

    // --- spend assignments and reconciliation (seed 002) ---
    app.post('/v1/card-assignments', {
      preHandler: write,
      schema: {
        tags: ['cards'], summary: 'Assign a shopper\'s card spend in a time window to an order (idempotent per externalOrderRef)',
        body: Strict({
          externalOrderRef: Type.String({ minLength: 1, maxLength: 128 }), cardholderId: Type.String({ pattern: idPattern('chd') }),
          expectedSuppliedValue: MoneySchema, windowStart: DateTimeIn, windowEnd: DateTimeIn,
        }),
        response: { 200: Type.Object({ id: Type.String(), matched: Type.Integer(), created: Type.Boolean() }), 201: Type.Object({ id: Type.String(), matched: Type.Integer(), created: Type.Boolean() }), ...errors(400, 401, 403, 409, 422) },
      },
    }, async (req, reply) => {
      const r = await cards.createAssignment(actorOf(principal(req)), req.body, req.ip);
      return reply.code(r.created ? 201 : 200).send(r);
    });

    app.get('/v1/admin/card-assignments', {
      preHandler: read,
      schema: {
        tags: ['cards'], summary: 'Spend assignments, newest first, with the card transactions matched to each so far',
        querystring: Strict({
          cardholderId: Type.Optional(Type.String({ pattern: idPattern('chd') })), ref: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'external order reference prefix' })),
          cursor: Type.Optional(Type.String({ pattern: idPattern('asg') })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
        }),
        response: { 200: Type.Object({ data: Type.Array(AssignmentRow), nextCursor: Nullable(Type.String()) }), ...errors(400, 401, 403) },
      },
    }, async (req) => {
      const limit = req.query.limit ?? 100;
      const data = await cards.listAssignments({ cardholderId: req.query.cardholderId, ref: req.query.ref, before: req.query.cursor, limit });
      return { data, nextCursor: data.length === limit ? data[data.length - 1].id : null };
    });

    app.get('/v1/admin/reconciliation', {
      preHandler: read,
      schema: {
        tags: ['cards'], summary: 'Per order (spend assignments whose window overlaps [from, to), default the last 30 days): items supplied value, slip total, difference, flagged beyond the tolerance; plus card spend no order explains',
        querystring: ReconQuery, response: { 200: Type.Object({ from: DateTime, to: DateTime, tolerance: Type.Integer(), data: Type.Array(ReconOrder), unmatched: Type.Array(Unmatched) }), ...errors(400, 401, 403) },
      },
    }, async (req) => cards.reconciliation(reconRange(req.query)));

    app.get('/v1/admin/reconciliation.csv', { preHandler: read, schema: { tags: ['cards'], querystring: ReconQuery } }, async (req, reply) => {
      const csv = await cards.reconciliationCsv(reconRange(req.query));
      reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="reconciliation.csv"');
      return csv;
    });
  };
}
