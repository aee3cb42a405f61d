import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { Type } from 'typebox';
import { errors, Strict, StringEnum } from '../../platform/http/schemas.ts';
import { customerOf, customerToken, makeCustomerGuard, type CustomersService } from '../customers/index.ts';
import type { Transfer } from '../ledger/index.ts';
import type { PersonalAreaService, Caller } from './personal-area.service.ts';
import {
  AccountOut, BillOut, BillPaymentOut, CommentBody, CommentOut, FeedbackBody, IdOf, MessageBody, PayBillBody, PayeeBody, PayeeOut, ThreadMessageOut,
  ThreadOut, TopupBody, TopupCreatedOut, TopupOut, TransferBody, TxnDetailOut, TxnOut, TxnQuery, VerifyOut, VerifyQuery, idPattern,
} from './personal-area.schema.ts';

const auth = { security: [{ bearer: [] }] };
const tags = ['personal area'];
const Page = Strict({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })), before: Type.Optional(Type.String({ maxLength: 40 })) });
const BillParam = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$' }) });
const nextOf = <T extends { id: string }>(rows: T[], limit: number) => (rows.length === limit && rows.length > 0 ? rows[rows.length - 1].id : null);

export interface LiveOptions {
  /** Heartbeat comment interval (default 15 s); the session is re-checked at each. */
  heartbeatMs?: number;
  /** The client's reconnection delay sent as `retry:` (default 3 s). */
  retryMs?: number;
}

/**
 * The customer's personal area API (`/v1/me/…`, behind the customer guard) and the public receipt check.
 * Every id-taking route answers someone else's id exactly like an unknown id (404) and reports it.
 */
export function personalAreaRoutes(pa: PersonalAreaService, customers: CustomersService, live: LiveOptions = {}): FastifyPluginAsyncTypebox {
  return async (app) => {
    // authentication first (onRequest): without a session every route answers 401, whatever the input
    const me = makeCustomerGuard(customers).requireCustomer as unknown as onRequestAsyncHookHandler;
    const caller = (req: FastifyRequest): Caller => ({ auth: customerOf(req), ip: req.ip, route: req.routeOptions.url });
    const cid = (req: FastifyRequest) => customerOf(req).customerId;

    // ---------- balances and history ----------
    app.get('/v1/me/accounts', {
      onRequest: me,
      schema: { tags, ...auth, summary: 'Your accounts: balance (posted), available (balance minus holds), pending (held by holds)', response: { 200: Type.Object({ data: Type.Array(AccountOut) }), ...errors(401) } },
    }, async (req) => ({ data: await pa.accounts(cid(req)) }));

    app.get('/v1/me/transactions', {
      onRequest: me,
      schema: {
        tags, ...auth, summary: 'Your history, newest first, with filters and a stable cursor (nextCursor → ?cursor=)', querystring: TxnQuery,
        response: { 200: Type.Object({ data: Type.Array(TxnOut), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...errors(400, 401) },
      },
    }, async (req) => pa.listTransactions(cid(req), req.query));

    app.get('/v1/me/transactions/:id', {
      onRequest: me,
      schema: { tags, ...auth, params: IdOf('ltr'), response: { 200: TxnDetailOut, ...errors(400, 401, 404) } },
    }, async (req) => pa.getTransaction(caller(req), req.params.id));

    app.get('/v1/me/transactions/:id/receipt', {
      onRequest: me,
      schema: { tags, ...auth, summary: 'Printable HTML receipt of a completed payment (in or out); 404 unknown, 409 not completed', params: IdOf('ltr') },
    }, async (req, reply) => {
      const doc = await pa.receipt(caller(req), req.params.id);
      return reply.type('text/html; charset=utf-8').header('cache-control', 'private, no-store').send(pa.receiptHtml(doc));
    });

    app.get('/v1/me/transactions/:id/receipt.pdf', {
      onRequest: me,
      schema: { tags, ...auth, summary: 'PDF receipt of a completed payment (in or out); 404 unknown, 409 not completed', params: IdOf('ltr') },
    }, async (req, reply) => {
      const doc = await pa.receipt(caller(req), req.params.id);
      const pdf = await pa.receiptPdf(doc);
      const ref = doc.txn.reference.replace(/[^A-Za-z0-9_.-]/g, '_');
      return reply.type('application/pdf').header('content-disposition', `attachment; filename="receipt-${ref}.pdf"`).header('cache-control', 'private, no-store').send(pdf);
    });

    app.get('/v1/receipts/verify', {
      config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: { tags, summary: 'Check a receipt\'s verification code (public; no personal data in the answer)', querystring: VerifyQuery, response: { 200: VerifyOut, ...errors(400, 429) } },
    }, async (req) => pa.verifyReceipt(req.query.code));

    app.post('/v1/me/transactions/:id/comments', {
      onRequest: me,
      schema: { tags, ...auth, summary: 'Comment on one of your transactions (support sees it and may answer)', params: IdOf('ltr'), body: CommentBody, response: { 201: CommentOut, ...errors(400, 401, 404) } },
    }, async (req, reply) => reply.status(201).send(await pa.comment(caller(req), req.params.id, req.body.text)));

    // ---------- live updates ----------
    app.get('/v1/me/events', {
      onRequest: me,
      schema: {
        tags, ...auth,
        summary: 'Server-Sent Events: `transaction` (a Txn) and `balance` (an account) whenever a transfer on your accounts commits; '
          + '`balance` for each account on connect; a heartbeat comment every 15 s. Reconnecting with Last-Event-ID replays what was missed (up to 100).',
        querystring: Strict({ lastEventId: Type.Optional(Type.String({ pattern: idPattern('ltr') })) }),
      },
    }, async (req, reply) => {
      const c = caller(req);
      const customerId = c.auth.customerId;
      const accounts = await pa.accountsOf(customerId);
      const ids = new Set(accounts.map((a) => a.id));
      const token = customerToken(req);
      const header = req.headers['last-event-id'];
      const lastEventId = typeof header === 'string' && new RegExp(idPattern('ltr')).test(header) ? header : req.query.lastEventId;

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-store, no-transform', connection: 'keep-alive',
        'x-accel-buffering': 'no', 'x-content-type-options': 'nosniff',
      });
      let open = true;
      const write = (s: string) => { if (open && !res.writableEnded) res.write(s); };
      const send = (event: string, data: unknown, id?: string) => write(`${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      let chain: Promise<void> = Promise.resolve();
      const serial = (fn: () => Promise<void>) => { chain = chain.then(fn).catch((err) => req.log.warn({ err }, 'live event failed')); };
      let heartbeat: NodeJS.Timeout | undefined;
      let unsubscribe: (() => void) | null = null;
      const finish = () => {
        if (!open) return;
        open = false;
        if (heartbeat) clearInterval(heartbeat);
        unsubscribe?.();
        if (!res.writableEnded) res.end();
      };
      req.raw.on('close', finish);
      res.on('error', finish);

      write(`retry: ${live.retryMs ?? 3000}\n\n`);
      const balances = async (accountIds: Iterable<string>) => {
        for (const a of await pa.accountsOf(customerId)) if ([...accountIds].includes(a.id)) send('balance', pa.accountView(a));
      };
      const pushed = new Set<string>();
      const push = async (transfers: Transfer[], touched: string[]) => {
        for (const t of transfers) {
          if (pushed.has(t.id)) continue;
          pushed.add(t.id);
          const [txn] = await pa.txns(customerId, ids, [t]);
          if (txn) send('transaction', txn, t.id);
        }
        if (pushed.size > 10_000) pushed.clear();
        await balances(touched.filter((a) => ids.has(a)));
      };
      // subscribe first, replay what was missed, then the live ones (a transfer in both is sent once)
      unsubscribe = await pa.live.subscribe({ accounts: ids, push: (ts, touched) => serial(() => push(ts, touched)), end: finish });
      if (!open) { unsubscribe(); return; }
      serial(async () => {
        if (lastEventId) {
          for (const m of await pa.missedSince(customerId, ids, lastEventId)) {
            if (pushed.has(m.eventId)) continue;
            pushed.add(m.eventId);
            send('transaction', m.txn, m.eventId);
          }
        }
        await balances(ids);
      });
      heartbeat = setInterval(() => {
        write(': heartbeat\n\n');
        // an ended session (logout, revoked, blocked) ends its stream too
        void customers.authenticate(token, { ip: req.ip, userAgent: null, quiet: true }).catch(() => finish());
      }, live.heartbeatMs ?? 15_000);
      heartbeat.unref();
    });

    // ---------- top-ups ----------
    app.post('/v1/me/topups', {
      onRequest: me,
      schema: {
        tags, ...auth, summary: 'Top up your wallet through a payment gateway: pay at payment.checkoutUrl; the wallet is credited when the gateway confirms (optional Idempotency-Key header)',
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) }),
        body: TopupBody, response: { 201: TopupCreatedOut, ...errors(400, 401, 409, 422, 503) },
      },
    }, async (req, reply) => {
      // a retried request (lost answer, double click) gets the first top-up back instead of opening a second one
      const res = await pa.idempotent(`me.topups:${cid(req)}`, req.headers['idempotency-key'] as string | undefined, req.body,
        async () => ({ status: 201, body: await pa.createTopup(caller(req), req.body) }));
      if (res.replayed) reply.header('Idempotent-Replayed', 'true');
      return reply.status(201).send(res.body as never);
    });

    app.get('/v1/me/topups', {
      onRequest: me,
      schema: { tags, ...auth, querystring: Page, response: { 200: Type.Object({ data: Type.Array(TopupOut), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...errors(400, 401) } },
    }, async (req) => {
      const data = await pa.listTopups(cid(req), req.query);
      return { data, nextCursor: nextOf(data, req.query.limit ?? 50) };
    });

    app.get('/v1/me/topups/:id', {
      onRequest: me,
      schema: { tags, ...auth, params: IdOf('top'), response: { 200: TopupOut, ...errors(400, 401, 404) } },
    }, async (req) => pa.getTopup(caller(req), req.params.id));

    // ---------- bills ----------
    app.get('/v1/me/bills', {
      onRequest: me,
      schema: {
        tags, ...auth, summary: 'Your bills in the company\'s accounting system (through the guarded gateway)',
        querystring: Strict({ status: Type.Optional(StringEnum(['open', 'paid'] as const)) }),
        response: { 200: Type.Object({ data: Type.Array(BillOut) }), ...errors(400, 401, 429, 503, 504) },
      },
    }, async (req) => ({ data: await pa.listBills(caller(req), req.query.status) }));

    app.post('/v1/me/bills/:id/pay', {
      onRequest: me,
      schema: {
        tags, ...auth,
        summary: 'Pay a bill from the wallet ({ method: "wallet" }) or by card ({ method: "gateway", gateway }); above the threshold a fresh second factor is needed (403 step_up_required)',
        params: BillParam, body: PayBillBody, response: { 201: BillPaymentOut, ...errors(400, 401, 403, 404, 409, 422, 429, 503, 504) },
      },
    }, async (req, reply) => {
      const r = await pa.payBill(caller(req), req.params.id, req.body);
      return reply.status(201).send(r.payment);
    });

    app.get('/v1/me/bill-payments', {
      onRequest: me,
      schema: { tags, ...auth, querystring: Page, response: { 200: Type.Object({ data: Type.Array(BillPaymentOut), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...errors(400, 401) } },
    }, async (req) => {
      const data = await pa.listBillPayments(cid(req), req.query);
      return { data, nextCursor: nextOf(data, req.query.limit ?? 50) };
    });

    app.get('/v1/me/bill-payments/:id', {
      onRequest: me,
      schema: { tags, ...auth, params: IdOf('bpy'), response: { 200: BillPaymentOut, ...errors(400, 401, 404) } },
    }, async (req) => pa.getBillPayment(caller(req), req.params.id));

    // ---------- feedback ----------
    app.post('/v1/me/feedback', {
      onRequest: me,
      schema: { tags, ...auth, summary: 'Write to support (optionally about one of your transactions)', body: FeedbackBody, response: { 201: Type.Object({ id: Type.String() }), ...errors(400, 401, 404) } },
    }, async (req, reply) => reply.status(201).send(await pa.createFeedback(caller(req), req.body)));

    app.get('/v1/me/feedback', {
      onRequest: me,
      schema: { tags, ...auth, summary: 'Your threads with support (feedback and transaction comments), newest first', querystring: Page, response: { 200: Type.Object({ data: Type.Array(ThreadOut), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...errors(400, 401) } },
    }, async (req) => {
      const data = await pa.listFeedback(cid(req), req.query);
      return { data, nextCursor: nextOf(data, req.query.limit ?? 50) };
    });

    app.get('/v1/me/feedback/:id', {
      onRequest: me,
      schema: { tags, ...auth, params: IdOf('fbk'), response: { 200: ThreadOut, ...errors(400, 401, 404) } },
    }, async (req) => pa.getFeedback(caller(req), req.params.id));

    app.post('/v1/me/feedback/:id/messages', {
      onRequest: me,
      schema: { tags, ...auth, params: IdOf('fbk'), body: MessageBody, response: { 201: ThreadMessageOut, ...errors(400, 401, 404) } },
    }, async (req, reply) => reply.status(201).send(await pa.addFeedbackMessage(caller(req), req.params.id, req.body.text)));

    // ---------- payees and transfers ----------
    app.post('/v1/me/payees', {
      onRequest: me,
      schema: {
        tags, ...auth, summary: 'Add another customer (by exact e-mail or phone) as a payee; needs a fresh second factor (403 step_up_required)',
        body: PayeeBody, response: { 201: PayeeOut, ...errors(400, 401, 403, 422) },
      },
    }, async (req, reply) => reply.status(201).send((await pa.addPayee(caller(req), req.body)).payee));

    app.get('/v1/me/payees', {
      onRequest: me,
      schema: { tags, ...auth, response: { 200: Type.Object({ data: Type.Array(PayeeOut) }), ...errors(401) } },
    }, async (req) => ({ data: await pa.listPayees(cid(req)) }));

    app.get('/v1/me/payees/:id', {
      onRequest: me,
      schema: { tags, ...auth, params: IdOf('pye'), response: { 200: PayeeOut, ...errors(400, 401, 404) } },
    }, async (req) => pa.getPayee(caller(req), req.params.id));

    app.post('/v1/me/transfers', {
      onRequest: me,
      schema: {
        tags, ...auth, summary: 'Send money to a payee\'s wallet (idempotent per idempotencyKey; above the threshold a fresh second factor is needed)',
        body: TransferBody, response: { 201: TxnOut, ...errors(400, 401, 403, 404, 422) },
      },
    }, async (req, reply) => reply.status(201).send(await pa.transfer(caller(req), req.body)));

    // open streams would keep the server from closing: end them first
    app.addHook('preClose', async () => { await pa.close(); });
  };
}

