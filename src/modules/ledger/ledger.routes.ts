import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errors, Strict, MoneySchema, DateTime, DateTimeIn, StringEnum } from '../../platform/http/schemas.ts';
import { actorOf, principal, type Guards } from '../staff/index.ts';
import { CLIENT_ID_PATTERN, TRANSFER_KINDS, TRANSFER_TYPES, type Account, type AccountTransfer, type Transfer } from './ledger.schema.ts';
import type { LedgerService } from './ledger.service.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const AccountId = Type.Object({ id: Type.String({ pattern: '^lac_[0-9a-z]{26}$' }) });
const Int = Type.Integer();

const AccountView = Type.Object({
  id: Type.String(), ownerType: StringEnum(['customer', 'system'] as const), ownerId: Nullable(Type.String()), code: Type.String(), currency: Type.String(),
  normalSide: StringEnum(['debit', 'credit'] as const), status: StringEnum(['open', 'closed'] as const),
  debitsMustNotExceedCredits: Type.Boolean(), creditsMustNotExceedDebits: Type.Boolean(), allowOverdraft: Type.Boolean(), overdraftLimit: MoneySchema,
  balance: MoneySchema, available: MoneySchema,
  totals: Type.Object({ debitsPosted: Int, creditsPosted: Int, debitsPending: Int, creditsPending: Int }),
  createdAt: DateTime, updatedAt: DateTime,
});
const TransferView = Type.Object({
  id: Type.String(), clientId: Type.String(), type: StringEnum(TRANSFER_TYPES), kind: Type.String(), debitAccountId: Type.String(), creditAccountId: Type.String(),
  amount: MoneySchema, description: Type.String(), metadata: Nullable(Type.Record(Type.String(), Type.Unknown())), pendingId: Nullable(Type.String()),
  expiresAt: Nullable(DateTime), linkId: Nullable(Type.String()), createdAt: DateTime,
  direction: Type.Optional(StringEnum(['debit', 'credit'] as const)),
});

const money = (amount: number, currency: string) => ({ amount, currency });
export function accountView(a: Account) {
  const b = a.balance;
  return {
    id: a.id, ownerType: a.ownerType, ownerId: a.ownerId, code: a.code, currency: a.currency, normalSide: a.normalSide, status: a.status,
    debitsMustNotExceedCredits: a.debitsMustNotExceedCredits, creditsMustNotExceedDebits: a.creditsMustNotExceedDebits, allowOverdraft: a.allowOverdraft,
    overdraftLimit: money(a.overdraftLimit, a.currency), balance: money(b.posted, a.currency), available: money(b.available, a.currency),
    totals: { debitsPosted: b.debitsPosted, creditsPosted: b.creditsPosted, debitsPending: b.debitsPending, creditsPending: b.creditsPending },
    createdAt: a.createdAt, updatedAt: a.updatedAt,
  };
}
export function transferView(t: Transfer | AccountTransfer) {
  return {
    id: t.id, clientId: t.clientId, type: t.type, kind: t.kind, debitAccountId: t.debitAccountId, creditAccountId: t.creditAccountId,
    amount: money(t.amount, t.currency), description: t.description, metadata: t.metadata, pendingId: t.pendingId, expiresAt: t.expiresAt,
    linkId: t.linkId, createdAt: t.createdAt, ...('direction' in t ? { direction: t.direction } : {}),
  };
}

/** The console's view of the ledger (ledger:read) and staff corrections (ledger:write, audited). */
export function ledgerRoutes(ledger: LedgerService, guards: Guards): FastifyPluginAsyncTypebox {
  return async (app) => {
    const read = guards.requireStaff('ledger:read');
    const write = guards.requireStaff('ledger:write');

    app.get('/v1/admin/ledger/trial-balance', {
      preHandler: read,
      schema: {
        tags: ['ledger'], summary: 'Σ debits and Σ credits of all accounts per currency (posted; pending alongside); balanced when they are equal everywhere',
        response: {
          200: Type.Object({
            balanced: Type.Boolean(),
            currencies: Type.Array(Type.Object({ currency: Type.String(), debits: Int, credits: Int, debitsPending: Int, creditsPending: Int, accounts: Int })),
          }),
          ...errors(401, 403),
        },
      },
    }, async () => ledger.trialBalance());

    app.get('/v1/admin/ledger/accounts', {
      preHandler: read,
      schema: {
        tags: ['ledger'], summary: 'Accounts, filtered by owner, currency, code or status; paged by id with nextCursor',
        querystring: Strict({
          ownerType: Type.Optional(StringEnum(['customer', 'system'] as const)), ownerId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })), code: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$' })),
          status: Type.Optional(StringEnum(['open', 'closed'] as const)), cursor: Type.Optional(Type.String({ pattern: '^lac_[0-9a-z]{26}$' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
        }),
        response: { 200: Type.Object({ data: Type.Array(AccountView), nextCursor: Nullable(Type.String()) }), ...errors(400, 401, 403) },
      },
    }, async (req) => {
      const page = await ledger.listAccounts(req.query);
      return { data: page.data.map(accountView), nextCursor: page.nextCursor };
    });

    app.get('/v1/admin/ledger/accounts/:id', {
      preHandler: read,
      schema: { tags: ['ledger'], summary: 'One account with its balance (posted, available, totals)', params: AccountId, response: { 200: AccountView, ...errors(400, 401, 403, 404) } },
    }, async (req) => accountView(await ledger.getAccount(req.params.id)));

    app.get('/v1/admin/ledger/accounts/:id/transfers', {
      preHandler: read,
      schema: {
        tags: ['ledger'], summary: "An account's transfers, newest first (or oldest first with order=asc), with a stable cursor",
        params: AccountId,
        querystring: Strict({
          from: Type.Optional(DateTimeIn), to: Type.Optional(DateTimeIn),
          kinds: Type.Optional(Type.Array(StringEnum(TRANSFER_KINDS), { maxItems: TRANSFER_KINDS.length })),
          types: Type.Optional(Type.Array(StringEnum(TRANSFER_TYPES), { maxItems: TRANSFER_TYPES.length })),
          minAmount: Type.Optional(Type.Integer({ minimum: 0 })), maxAmount: Type.Optional(Type.Integer({ minimum: 0 })),
          cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
          order: Type.Optional(StringEnum(['desc', 'asc'] as const)),
        }),
        response: { 200: Type.Object({ data: Type.Array(TransferView), nextCursor: Nullable(Type.String()) }), ...errors(400, 401, 403, 404) },
      },
    }, async (req) => {
      const q = req.query;
      const page = await ledger.listTransfers(req.params.id, { ...q, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined });
      return { data: page.data.map(transferView), nextCursor: page.nextCursor };
    });

    app.get('/v1/admin/ledger/transfers/:id', {
      preHandler: read,
      schema: {
        tags: ['ledger'], summary: 'One transfer, by its ltr_ id or by the client id it was submitted with',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) }), response: { 200: TransferView, ...errors(400, 401, 403, 404) },
      },
    }, async (req) => transferView(await ledger.getTransfer(req.params.id)));

    app.post('/v1/admin/ledger/corrections', {
      preHandler: write,
      schema: {
        tags: ['ledger'],
        summary: 'Post a correction: a new transfer of kind correction (transfers are never edited), audited. The id makes it idempotent.',
        body: Strict({
          id: Type.String({ pattern: CLIENT_ID_PATTERN.source }), debitAccountId: Type.String({ pattern: '^lac_[0-9a-z]{26}$' }),
          creditAccountId: Type.String({ pattern: '^lac_[0-9a-z]{26}$' }), amount: MoneySchema,
          description: Type.String({ minLength: 1, maxLength: 500 }), reason: Type.String({ minLength: 1, maxLength: 500 }),
        }),
        response: { 201: TransferView, ...errors(400, 401, 403, 404, 409, 422) },
      },
    }, async (req, reply) => {
      const b = req.body;
      const t = await ledger.correct({
        id: b.id, debitAccountId: b.debitAccountId, creditAccountId: b.creditAccountId, amount: b.amount.amount, currency: b.amount.currency,
        description: b.description, reason: b.reason, actor: actorOf(principal(req)), ip: req.ip,
      });
      return reply.code(201).send(transferView(t));
    });
  };
}
