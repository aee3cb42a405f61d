import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import { TypeBoxValidatorCompiler, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Db } from '../../platform/db/db.ts';
import { hmacHex, randomToken, safeEqual } from '../../platform/crypto.ts';
import * as svc from './demo-platform.service.ts';
import type { DemoTransfer, DemoUser, RefusalCode } from './demo-platform.service.ts';
import { confirmationPage, loginPage, messagePage, sellerPage, type PageError } from './demo-platform.views.ts';
import { DEMO_SELLER_ID, seedDemoPlatform } from './seed.ts';

export interface DemoPlatformOptions {
  db: Db;
  /** Bearer key of the partner API (transfers are sent from the seller account). */
  partnerKey: string;
  /** Password of the seller account ("seller"); the stored hash follows it. */
  sellerPassword: string;
  /** Seed the seller and the demo users when the plugin registers (idempotent). Default true. */
  seed?: boolean;
}

const COOKIE = 'dp_session';
export const PLATFORM_HEADER = 'x-platform';
const FORM_TYPE = 'application/x-www-form-urlencoded';
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

// --- JSON schemas ---
const ErrorBody = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String() }) });
const UserBody = Type.Object({ userId: Type.String(), displayName: Type.String(), coins: Type.Integer() });
const TransferBody = Type.Object({
  transferId: Type.String(),
  toUserId: Type.String(),
  coins: Type.Integer(),
  reference: Type.String(),
  createdAt: Type.String(),
});
const TransferRequest = Type.Object(
  {
    toUserId: Type.String({ minLength: 1, maxLength: 64 }),
    coins: Type.Integer({ minimum: 1, maximum: svc.MAX_TRANSFER_COINS }),
    reference: Type.String({ minLength: 1, maxLength: svc.MAX_NOTE_LENGTH }),
  },
  { additionalProperties: false },
);
const errs = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, ErrorBody]));

const REFUSAL_STATUS: Record<RefusalCode, number> = {
  malformed_user_id: 400,
  invalid_amount: 400,
  note_too_long: 400,
  unknown_recipient: 422,
  self_transfer: 422,
  insufficient_balance: 422,
  idempotency_key_reused: 422,
};

const userJson = (u: DemoUser) => ({ userId: u.userId, displayName: u.displayName, coins: u.coins });
const transferJson = (t: DemoTransfer) => ({ transferId: t.transferId, toUserId: t.toUserId, coins: t.coins, reference: t.note, createdAt: t.createdAt });
const sendError = (reply: FastifyReply, status: number, code: string, message: string) => reply.status(status).send({ error: { code, message } });

function readCookie(req: FastifyRequest, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

type Form = Record<string, string | undefined>;
const formOf = (req: FastifyRequest): Form => (req.body && typeof req.body === 'object' ? (req.body as Form) : {});
const str = (v: unknown, max = 500) => (typeof v === 'string' ? v.trim().slice(0, max) : '');

/**
 * The demo platform as a Fastify plugin, to be mounted with a prefix (e.g. '/demo-platform').
 * JSON API under /api, seller web UI at /login and /seller. Uses only its own demo_platform_* tables.
 */
export function demoPlatformPlugin(opts: DemoPlatformOptions): FastifyPluginAsync {
  const { db } = opts;
  return async (root: FastifyInstance) => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    const prefix = app.prefix;
    app.setValidatorCompiler(TypeBoxValidatorCompiler);
    if (!app.hasContentTypeParser(FORM_TYPE)) {
      app.addContentTypeParser(FORM_TYPE, { parseAs: 'string', bodyLimit: 16_384 }, (_req, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      });
    }
    app.setErrorHandler((err: FastifyError, req, reply) => {
      const status = err.validation ? 400 : err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
      const code = err.validation ? 'validation_failed' : status < 500 ? 'bad_request' : 'internal';
      if (status >= 500) req.log.error({ err }, 'demo platform error');
      const message = status < 500 ? err.message : 'internal error';
      if (req.url.startsWith(`${prefix}/api/`)) return sendError(reply, status, code, message);
      return reply.status(status).type('text/html; charset=utf-8').send(messagePage('Error', { code, message }, prefix));
    });
    // The demo platform stands in for an outside service: keep its routes out of Tollgate's OpenAPI document.
    app.addHook('onRoute', (route) => {
      route.schema = { ...(route.schema ?? {}), hide: true } as FastifySchema;
    });
    app.addHook('onSend', async (_req, reply, payload) => {
      // Lets clients tell this platform's own 404 (unknown user) from a wrong base URL's 404.
      reply.header(PLATFORM_HEADER, 'demo');
      if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) {
        reply.header('content-security-policy', CSP).header('cache-control', 'no-store').header('x-frame-options', 'DENY');
      }
      return payload;
    });

    if (opts.seed !== false) {
      const hash = await svc.sellerPasswordHash(db, DEMO_SELLER_ID, opts.sellerPassword);
      await db.tx((trx) => seedDemoPlatform(trx, hash));
    }

    // --- public user API ---
    app.get('/api/users', {
      schema: { querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 64 })) }), response: { 200: Type.Object({ data: Type.Array(UserBody) }) } },
    }, async (req) => ({ data: (await svc.searchUsers(db, req.query.q ?? '')).map(userJson) }));

    app.get('/api/users/:userId', {
      schema: { params: Type.Object({ userId: Type.String({ maxLength: 200 }) }), response: { 200: UserBody, ...errs(400, 404) } },
    }, async (req, reply) => {
      const { userId } = req.params;
      if (!svc.isValidUserId(userId)) return sendError(reply, 400, 'malformed_user_id', 'user ids are 6-32 characters of a-z, 0-9, "_" and "."');
      const user = await svc.getUser(db, userId);
      if (!user) return sendError(reply, 404, 'not_found', `no user with id "${userId}"`);
      return userJson(user);
    });

    // --- partner API (sends from the seller account) ---
    const partnerAuth = async (req: FastifyRequest, reply: FastifyReply) => {
      const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
      if (!m || !safeEqual(m[1], opts.partnerKey)) return sendError(reply, 401, 'unauthorized', 'a valid partner key is required');
    };

    app.post('/api/transfers', {
      preHandler: partnerAuth,
      schema: {
        body: TransferRequest,
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
        response: { 200: TransferBody, 201: TransferBody, ...errs(400, 401, 422) },
      },
    }, async (req, reply) => {
      const key = req.headers['idempotency-key'];
      if (typeof key !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(key)) {
        return sendError(reply, 400, 'missing_idempotency_key', 'an Idempotency-Key header (1-200 printable characters) is required');
      }
      const { toUserId, coins, reference } = req.body;
      const out = await svc.transfer(db, { fromUserId: DEMO_SELLER_ID, toUserId, coins, note: reference, idempotencyKey: `api:${key}` });
      if (out.status === 'refused') return sendError(reply, REFUSAL_STATUS[out.code], out.code, out.message);
      return reply.status(out.status === 'created' ? 201 : 200).send(transferJson(out.transfer));
    });

    app.get('/api/transfers', {
      preHandler: partnerAuth,
      schema: {
        querystring: Type.Object({ reference: Type.Optional(Type.String({ maxLength: svc.MAX_NOTE_LENGTH })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ data: Type.Array(TransferBody) }), ...errs(401) },
      },
    }, async (req) => {
      const list = await svc.listTransfers(db, DEMO_SELLER_ID, { noteEquals: req.query.reference, limit: 100 });
      return { data: list.map(transferJson) };
    });

    // --- seller web UI ---
    const page = (reply: FastifyReply, status: number, body: string) => reply.status(status).type('text/html; charset=utf-8').send(body);
    const csrfOf = (token: string) => hmacHex(token, 'demo-platform-csrf');
    const session = async (req: FastifyRequest) => {
      const token = readCookie(req, COOKIE);
      const user = await svc.sessionUser(db, token);
      return user && token ? { user, token, csrf: csrfOf(token) } : undefined;
    };
    const toLogin = (reply: FastifyReply) => reply.redirect(`${prefix}/login`, 303);
    const cookieAttrs = `Path=${prefix || '/'}; HttpOnly; SameSite=Lax`;

    app.get('/', async (_req, reply) => reply.redirect(`${prefix}/seller`, 303));

    app.get('/login', async (req, reply) => ((await session(req)) ? reply.redirect(`${prefix}/seller`, 303) : page(reply, 200, loginPage(prefix))));

    app.post('/login', async (req, reply) => {
      const form = formOf(req);
      const userId = str(form.userId, 64).toLowerCase();
      const token = await svc.login(db, userId, typeof form.password === 'string' ? form.password : '');
      if (!token) return page(reply, 401, loginPage(prefix, { userId, error: { code: 'invalid_credentials', message: 'Wrong user id or password.' } }));
      reply.header('set-cookie', `${COOKIE}=${token}; ${cookieAttrs}; Max-Age=${svc.SESSION_TTL_SECONDS}`);
      return reply.redirect(`${prefix}/seller`, 303);
    });

    app.post('/logout', async (req, reply) => {
      const s = await session(req);
      if (s && str(formOf(req).csrf) === s.csrf) await svc.logout(db, s.token);
      reply.header('set-cookie', `${COOKIE}=; ${cookieAttrs}; Max-Age=0`);
      return toLogin(reply);
    });

    const renderSeller = async (
      reply: FastifyReply,
      s: { user: DemoUser; csrf: string },
      q: { to?: string; q?: string },
      extra: { status?: number; error?: PageError; coins?: string; note?: string } = {},
    ) => {
      const user = (await svc.getUser(db, s.user.userId)) ?? s.user;
      const recipientQuery = str(q.to, 64).toLowerCase();
      let recipient: DemoUser | undefined;
      let error = extra.error;
      if (recipientQuery) {
        if (!svc.isValidUserId(recipientQuery)) error ??= { code: 'malformed_user_id', message: `"${recipientQuery}" is not a valid user id.` };
        else if (recipientQuery === user.userId) error ??= { code: 'self_transfer', message: 'You cannot send coins to yourself.' };
        else if (!(recipient = await svc.getUser(db, recipientQuery))) error ??= { code: 'unknown_recipient', message: `No user with id "${recipientQuery}".` };
      }
      const historyQuery = str(q.q, svc.MAX_NOTE_LENGTH);
      const transfers = await svc.listTransfers(db, user.userId, { noteContains: historyQuery || undefined, limit: 50 });
      const status = extra.status ?? 200;
      return page(reply, status, sellerPage({
        prefix, user, csrf: s.csrf, formToken: randomToken(18), recipientQuery, recipient, error,
        coins: extra.coins, note: extra.note, historyQuery, transfers,
      }));
    };

    app.get('/seller', {
      schema: { querystring: Type.Object({ to: Type.Optional(Type.String({ maxLength: 200 })), q: Type.Optional(Type.String({ maxLength: 500 })) }) },
    }, async (req, reply) => {
      const s = await session(req);
      if (!s) return toLogin(reply);
      return renderSeller(reply, s, req.query);
    });

    app.post('/seller/transfers', async (req, reply) => {
      const s = await session(req);
      if (!s) return toLogin(reply);
      const form = formOf(req);
      if (!safeEqual(str(form.csrf), s.csrf)) return page(reply, 403, messagePage('Expired', { code: 'csrf', message: 'This form expired, please try again.' }, prefix));
      const toUserId = str(form.toUserId, 64).toLowerCase();
      const coinsText = str(form.coins, 20);
      const note = typeof form.note === 'string' ? form.note.trim() : '';
      const formToken = str(form.formToken, 64);
      const coins = /^[0-9]{1,10}$/.test(coinsText) ? Number(coinsText) : NaN;
      const out = await svc.transfer(db, {
        fromUserId: s.user.userId, toUserId, coins, note, idempotencyKey: formToken ? `ui:${s.user.userId}:${formToken}` : null,
      });
      if (out.status === 'refused') {
        return renderSeller(reply, s, { to: toUserId }, { status: REFUSAL_STATUS[out.code], error: { code: out.code, message: out.message }, coins: coinsText, note });
      }
      return reply.redirect(`${prefix}/seller/transfers/${encodeURIComponent(out.transfer.transferId)}`, 303);
    });

    app.get('/seller/transfers/:transferId', {
      schema: { params: Type.Object({ transferId: Type.String({ maxLength: 64 }) }) },
    }, async (req, reply) => {
      const s = await session(req);
      if (!s) return toLogin(reply);
      const t = await svc.getTransfer(db, s.user.userId, req.params.transferId);
      if (!t) return page(reply, 404, messagePage('Not found', { code: 'not_found', message: 'No such transfer.' }, prefix));
      return page(reply, 200, confirmationPage(prefix, s.user, s.csrf, t));
    });
  };
}
