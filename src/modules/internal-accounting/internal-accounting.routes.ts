import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import { TypeBoxValidatorCompiler, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { IaBill, IaContract, IaPayment, InternalAccounting, PayOutcome } from './internal-accounting.service.ts';

/**
 * The demo internal accounting system's HTTP API (mounted by app.ts at /internal-accounting/api; only the
 * connector in src/modules/gateway calls it). Every route needs `X-Api-Key`. JSON; money is
 * { amount, currency } in minor units; errors are { error: { code, message } }.
 */

export type OutageMode = 'error' | 'hang';
export interface OutageState {
  down: boolean;
  /** error: every call answers 503 at once; hang: calls get no answer until the caller gives up (or the outage ends). */
  mode: OutageMode;
  /** Added before each call is handled. */
  latencyMs: number;
  /** Added after a call was handled and before its answer is sent: the work is done, the reply is late (a caller's timeout then loses the answer). */
  lateReplyMs: number;
}

/** The demo switch for outages and slowness (in memory, per process). */
export class OutageSwitch {
  private state: OutageState = { down: false, mode: 'error', latencyMs: 0, lateReplyMs: 0 };
  private waiters = new Set<() => void>();
  get(): OutageState {
    return { ...this.state };
  }
  set(patch: Partial<OutageState>): OutageState {
    this.state = { ...this.state, ...patch };
    if (!this.state.down) this.release();
    return this.get();
  }
  /** Resolves when the outage ends, the signal fires, or after maxMs. */
  wait(maxMs: number, onGone: (cb: () => void) => void): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, maxMs);
      this.waiters.add(done);
      onGone(done);
    });
  }
  release(): void {
    for (const w of [...this.waiters]) w();
  }
}

const HANG_MAX_MS = 60_000;
/** Every answer of the system carries this header. */
export const SYSTEM_HEADER = 'x-accounting-system';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const ErrorBody = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String() }) });
const errs = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, ErrorBody]));
const Money = Type.Object({ amount: Type.Integer(), currency: Type.String() });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const RefParam = Type.Object({ ref: Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,100}$' }) });
const CustomerBody = Type.Object({ id: Type.String(), ref: Type.String(), accountNo: Type.String() });
const ContractBody = Type.Object({
  id: Type.String(), number: Type.String(), service: Type.String(), title: Type.String(), status: Type.String(), monthlyAmount: Money, startedOn: Type.String(),
});
const BillBody = Type.Object({
  id: Type.String(), number: Type.String(), customerRef: Type.String(), contractId: Nullable(Type.String()), description: Type.String(), period: Type.String(),
  amount: Money, openAmount: Money, dueOn: Type.String(), status: Type.String(), paymentId: Nullable(Type.String()), issuedAt: Type.String(), paidAt: Nullable(Type.String()),
});
const PaymentBody = Type.Object({ id: Type.String(), billId: Type.String(), amount: Money, reference: Type.String(), paidAt: Type.String(), createdAt: Type.String() });
const OutageBody = Type.Object({ down: Type.Boolean(), mode: Type.String(), latencyMs: Type.Integer(), lateReplyMs: Type.Integer() });

const contractJson = (c: IaContract) => ({
  id: c.id, number: c.number, service: c.service, title: c.title, status: c.status, monthlyAmount: { amount: c.monthlyAmount, currency: c.currency }, startedOn: c.startedOn,
});
const billJson = (b: IaBill & { customerRef: string }) => ({
  id: b.id, number: b.number, customerRef: b.customerRef, contractId: b.contractId, description: b.description, period: b.period,
  amount: { amount: b.amount, currency: b.currency }, openAmount: { amount: b.status === 'open' ? b.amount : 0, currency: b.currency },
  dueOn: b.dueOn, status: b.status, paymentId: b.paymentId, issuedAt: b.issuedAt.toISOString(), paidAt: b.paidAt ? b.paidAt.toISOString() : null,
});
const paymentJson = (p: IaPayment) => ({
  id: p.id, billId: p.billId, amount: { amount: p.amount, currency: p.currency }, reference: p.reference, paidAt: p.paidAt.toISOString(), createdAt: p.createdAt.toISOString(),
});

const REFUSAL_STATUS: Record<Extract<PayOutcome, { status: 'refused' }>['code'], number> = {
  not_found: 404, idempotency_key_reused: 409, amount_mismatch: 422, bill_already_paid: 422,
};

const sendError = (reply: FastifyReply, status: number, code: string, message: string) => reply.status(status).send({ error: { code, message } });
const digest = (s: string) => createHash('sha256').update(s).digest();

export interface InternalAccountingRoutesOptions {
  service: InternalAccounting;
  apiKey: string;
  outage: OutageSwitch;
}

export function internalAccountingRoutes(opts: InternalAccountingRoutesOptions): FastifyPluginAsync {
  const { service, outage } = opts;
  const keyDigest = digest(opts.apiKey);
  return async (root: FastifyInstance) => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    app.setValidatorCompiler(TypeBoxValidatorCompiler);
    app.setErrorHandler((err: FastifyError, req, reply) => {
      const status = err.validation ? 400 : err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
      if (status >= 500) req.log.error({ err }, 'internal accounting error');
      return sendError(reply, status, err.validation ? 'validation_failed' : status < 500 ? 'bad_request' : 'internal', status < 500 ? err.message : 'internal error');
    });
    app.setNotFoundHandler((req, reply) => sendError(reply, 404, 'no_route', `no route for ${req.method} ${req.url.split('?')[0]}`));
    // A stand-in for another system: keep its routes out of Tollgate's OpenAPI document.
    app.addHook('onRoute', (route) => {
      route.schema = { ...(route.schema ?? {}), hide: true } as FastifySchema;
    });
    // API key, compared in constant time (digests of equal length).
    app.addHook('onRequest', async (req, reply) => {
      const given = req.headers['x-api-key'];
      if (typeof given !== 'string' || !timingSafeEqual(digest(given), keyDigest)) return sendError(reply, 401, 'unauthorized', 'a valid X-Api-Key is required');
    });
    const admin = (req: FastifyRequest) => req.routeOptions.url?.endsWith('/_admin/outage') ?? false;
    app.addHook('preHandler', async (req, reply) => {
      if (admin(req)) return;
      const s = outage.get();
      if (s.latencyMs > 0) await sleep(s.latencyMs);
      if (!outage.get().down) return;
      if (outage.get().mode === 'hang') {
        await outage.wait(HANG_MAX_MS, (done) => reply.raw.once('close', done));
        // back up while the caller still waits: serve the call
        if (!outage.get().down && !reply.raw.destroyed) return;
      }
      return sendError(reply, 503, 'unavailable', 'the accounting system is down for maintenance');
    });
    app.addHook('onSend', async (req, reply, payload) => {
      // tells the connector this answer is the system's own (a 404 from anything else is a wrong base URL, not "no such bill")
      reply.header(SYSTEM_HEADER, 'demo-accounting');
      const late = outage.get().lateReplyMs;
      if (late > 0 && !admin(req)) await sleep(late);
      return payload;
    });
    app.addHook('preClose', async () => outage.release()); // before the server waits for in-flight calls

    app.post('/_admin/outage', {
      schema: {
        body: Type.Object({
          down: Type.Boolean(), mode: Type.Optional(Type.Union([Type.Literal('error'), Type.Literal('hang')])),
          latencyMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 60_000 })), lateReplyMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 60_000 })),
        }, { additionalProperties: false }),
        response: { 200: OutageBody, ...errs(400, 401) },
      },
    }, async (req) => outage.set(Object.fromEntries(Object.entries(req.body).filter(([, v]) => v !== undefined)) as Partial<OutageState>));

    app.get('/_admin/outage', { schema: { response: { 200: OutageBody, ...errs(401) } } }, async () => outage.get());

    app.put('/customers/:ref', {
      schema: {
        params: RefParam,
        body: Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), email: Type.Optional(Type.String({ minLength: 3, maxLength: 254, pattern: '^[^@\\s]+@[^@\\s]+$' })) }, { additionalProperties: false }),
        response: { 200: CustomerBody, 201: CustomerBody, ...errs(400, 401, 503) },
      },
    }, async (req, reply) => {
      const c = await service.enrol(req.params.ref, req.body ?? {});
      return reply.status(c.created ? 201 : 200).send({ id: c.id, ref: c.ref, accountNo: c.accountNo });
    });

    app.get('/customers/:ref/contracts', {
      schema: { params: RefParam, response: { 200: Type.Object({ data: Type.Array(ContractBody) }), ...errs(400, 401, 404, 503) } },
    }, async (req, reply) => {
      const list = await service.listContracts(req.params.ref);
      if (!list) return sendError(reply, 404, 'not_found', `no customer with ref ${req.params.ref}`);
      return { data: list.map(contractJson) };
    });

    app.get('/customers/:ref/bills', {
      schema: {
        params: RefParam,
        querystring: Type.Object({ status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('paid')])) }, { additionalProperties: false }),
        response: { 200: Type.Object({ data: Type.Array(BillBody) }), ...errs(400, 401, 404, 503) },
      },
    }, async (req, reply) => {
      const list = await service.listBills(req.params.ref, req.query.status);
      if (!list) return sendError(reply, 404, 'not_found', `no customer with ref ${req.params.ref}`);
      return { data: list.map(billJson) };
    });

    app.get('/bills/:id', {
      schema: { params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }), response: { 200: BillBody, ...errs(400, 401, 404, 503) } },
    }, async (req, reply) => {
      const bill = await service.getBill(req.params.id);
      if (!bill) return sendError(reply, 404, 'not_found', `bill ${req.params.id} not found`);
      return billJson(bill);
    });

    app.post('/payments', {
      schema: {
        body: Type.Object({
          idempotencyKey: Type.String({ minLength: 1, maxLength: 200 }),
          billId: Type.String({ minLength: 1, maxLength: 100 }),
          amount: Type.Object({ amount: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }), currency: Type.String({ pattern: '^[A-Z]{3}$' }) }, { additionalProperties: false }),
          reference: Type.String({ minLength: 1, maxLength: 200 }),
          paidAt: Type.String({ minLength: 10, maxLength: 40 }),
        }, { additionalProperties: false }),
        response: { 200: PaymentBody, 201: PaymentBody, ...errs(400, 401, 404, 409, 422, 503) },
      },
    }, async (req, reply) => {
      const b = req.body;
      const paidAt = new Date(b.paidAt);
      if (Number.isNaN(paidAt.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(b.paidAt)) return sendError(reply, 400, 'validation_failed', 'paidAt must be an ISO 8601 date-time');
      const out = await service.pay({ idempotencyKey: b.idempotencyKey, billId: b.billId, amount: b.amount.amount, currency: b.amount.currency, reference: b.reference, paidAt });
      if (out.status === 'refused') return sendError(reply, REFUSAL_STATUS[out.code], out.code, out.message);
      return reply.status(out.status === 'created' ? 201 : 200).send(paymentJson(out.payment));
    });
  };
}
