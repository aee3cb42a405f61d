import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError } from '../../platform/errors.ts';
import { safeEqual } from '../../platform/crypto.ts';
import type { SandboxService } from './sandbox.service.ts';
import type { SandboxPayment } from './sandbox.repo.ts';
import {
  AmountBody, CreatePaymentBody, EmptyBody, ErrorBody, EventList, EventsQuery, IdempotencyHeaders, PaymentIdParams, PaymentView,
} from './sandbox.schema.ts';

export interface ApiRoutesOptions {
  service: SandboxService;
  apiKey: string;
  /** Base URL of the sandbox as the buyer's browser sees it, e.g. https://shop.example/sandbox. */
  publicBase: (req: FastifyRequest) => string;
}

const errs = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };

/** The gateway's server-to-server API: /api/payments…, /api/events. Bearer api key on every call. */
export async function apiRoutes(app: FastifyInstance, opts: ApiRoutesOptions): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { service } = opts;

  app.addHook('onRequest', async (req) => {
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (!token || !safeEqual(token, opts.apiKey)) throw new AppError('unauthorized', 'missing or invalid api key');
  });
  // A POST without any body (no content-type) counts as {} — e.g. a void or a full capture.
  app.addHook('preValidation', async (req) => {
    if (req.method === 'POST' && req.body == null) req.body = {};
  });

  const view = (req: FastifyRequest, p: SandboxPayment) => toView(p, `${opts.publicBase(req)}/checkout/${p.id}`);

  r.post('/payments', {
    schema: { body: CreatePaymentBody, headers: IdempotencyHeaders, response: { 200: PaymentView, 201: PaymentView, ...errs } },
  }, async (req, reply) => {
    const { payment, replayed } = await service.createPayment(req.body, req.headers['idempotency-key']);
    if (replayed) reply.header('idempotent-replayed', 'true');
    return reply.status(201).send(view(req, payment));
  });

  r.get('/payments/:id', { schema: { params: PaymentIdParams, response: { 200: PaymentView, ...errs } } }, async (req) =>
    view(req, await service.getPayment(req.params.id)));

  r.post('/payments/:id/capture', {
    schema: { params: PaymentIdParams, body: AmountBody, headers: IdempotencyHeaders, response: { 200: PaymentView, ...errs } },
  }, async (req) => view(req, await service.capture(req.params.id, req.body?.amount, req.headers['idempotency-key'])));

  r.post('/payments/:id/void', {
    schema: { params: PaymentIdParams, body: EmptyBody, headers: IdempotencyHeaders, response: { 200: PaymentView, ...errs } },
  }, async (req) => view(req, await service.void(req.params.id, req.headers['idempotency-key'])));

  r.post('/payments/:id/refund', {
    schema: { params: PaymentIdParams, body: AmountBody, headers: IdempotencyHeaders, response: { 200: PaymentView, ...errs } },
  }, async (req) => view(req, await service.refund(req.params.id, req.body?.amount, req.headers['idempotency-key'])));

  r.get('/events', { schema: { querystring: EventsQuery, response: { 200: EventList, ...errs } } }, async (req) => {
    const events = await service.listEvents({ paymentId: req.query.paymentId }, req.query.limit);
    return {
      data: events.map((e) => ({
        id: e.id, type: e.type, paymentId: e.paymentId, createdAt: e.createdAt.toISOString(), attempts: e.attempts,
        nextAttemptAt: e.nextAttemptAt.toISOString(), deliveredAt: e.deliveredAt?.toISOString() ?? null,
        givenUpAt: e.givenUpAt?.toISOString() ?? null, lastStatus: e.lastStatus, lastError: e.lastError, body: JSON.parse(e.body),
      })),
    };
  });
}

function toView(p: SandboxPayment, checkoutUrl: string): PaymentView {
  return {
    id: p.id, object: 'payment', merchantRef: p.merchantRef, status: p.status, amount: p.amount, currency: p.currency,
    captureMode: p.captureMode, authorizedAmount: p.authorizedAmount, capturedAmount: p.capturedAmount, refundedAmount: p.refundedAmount,
    description: p.description, returnUrl: p.returnUrl, checkoutUrl, createdAt: p.createdAt.toISOString(), updatedAt: p.updatedAt.toISOString(),
  };
}
