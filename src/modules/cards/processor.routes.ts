import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import type Stripe from 'stripe';
import { AppError } from '../../platform/errors.ts';
import { errors } from '../../platform/http/schemas.ts';
import { verifySignature } from '../../platform/webhooks-in/signature.ts';
import { looksLikePan } from './cards.controls.ts';
import { AuthorizationBody, TransactionBody } from './cards.schema.ts';
import { stripeIssuing, toAuthorizationInput } from './adapters/stripe-issuing.ts';
import type { CardsService } from './cards.service.ts';

const Answer = Type.Object({ approved: Type.Boolean(), decisionId: Type.Union([Type.String(), Type.Null()]), reason: Type.String(), score: Type.Integer(), fallback: Type.Boolean() });
const TxResult = Type.Object({
  id: Type.String(), authorizationId: Type.String(), type: Type.String(), duplicate: Type.Boolean(), outcome: Type.String(),
  status: Type.Union([Type.String(), Type.Null()]), finalAmount: Type.Union([Type.Object({ amount: Type.Integer(), currency: Type.String() }), Type.Null()]),
});
const SignatureHeader = Type.Object({ 'tollgate-signature': Type.Optional(Type.String({ maxLength: 1000 })) });

export interface ProcessorRoutesOptions {
  /** CARD_PROCESSOR_SECRET: HMAC key of the Tollgate-Signature header. */
  secret: string;
  toleranceSeconds?: number;
  /** STRIPE_ISSUING_WEBHOOK_SECRET: enables POST /v1/webhooks/stripe-issuing. */
  stripeIssuingSecret?: string;
}

/**
 * Card processor → Tollgate. The signature covers the exact bytes, so these routes keep the body raw (own
 * content-type parser), verify first, and only then parse and validate: a bad or missing signature gets 400
 * and nothing is recorded. Not rate limited (a processor is one client with many cards).
 */
export function processorRoutes(cards: CardsService, opts: ProcessorRoutesOptions): FastifyPluginAsync {
  const authBody = Compile(AuthorizationBody);
  const txBody = Compile(TransactionBody);
  const issuing = opts.stripeIssuingSecret ? stripeIssuing(opts.stripeIssuingSecret, opts.toleranceSeconds) : null;

  function verified<T>(req: FastifyRequest, check: { Check(v: unknown): boolean; Errors(v: unknown): Iterable<{ instancePath: string; message: string }> }): T {
    const raw = req.body;
    if (!Buffer.isBuffer(raw) || raw.length === 0) throw new AppError('invalid_signature', 'empty body');
    const header = req.headers['tollgate-signature'];
    const sig = verifySignature(opts.secret, Array.isArray(header) ? header[0] : header, raw, opts.toleranceSeconds ?? 300);
    if (!sig.ok) throw new AppError('invalid_signature', `Tollgate-Signature ${sig.reason}`);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new AppError('bad_request', 'body is not JSON');
    }
    if (!check.Check(body)) {
      const [e] = check.Errors(body);
      const path = `body${(e?.instancePath ?? '').replace(/\//g, '.')}`;
      throw new AppError('validation_failed', !e ? 'invalid body' : e.message === 'schema is false' ? `unknown field ${path}` : `${path} ${e.message}`);
    }
    return body as T;
  }

  return async (app) => {
    app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: 64 * 1024 }, (_req, body, done) => done(null, body));
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 64 * 1024 }, (_req, body, done) => done(null, body));

    app.post('/v1/card-authorizations', {
      config: { rateLimit: false },
      // machine-to-machine JSON: browser security headers mean nothing here, and @fastify/helmet builds its
      // middleware (parsing the CSP directives) on every request — ~4 % of the server's CPU on this route
      helmet: false,
      // the header schema is documentation: verifySignature checks the header, `verified` the body (~2 % of CPU in ajv)
      validatorCompiler: () => () => true,
      schema: {
        tags: ['cards'], summary: 'Card processor: approve or decline an authorization before the transaction (Tollgate-Signature HMAC)',
        headers: SignatureHeader, response: { 200: Answer, ...errors(400) },
      },
    }, async (req) => {
      const b = verified<AuthorizationBody>(req, authBody);
      if (looksLikePan(b.cardId)) throw new AppError('validation_failed', 'cardId looks like a full card number: send the Tollgate card id or the processor card id');
      return cards.authorize({
        id: b.id, cardRef: b.cardId, amount: b.amount, occurredAt: new Date(b.createdAt), source: 'tollgate',
        merchant: { name: b.merchant.name, mcc: b.merchant.mcc, city: b.merchant.city ?? null, country: b.merchant.country.toUpperCase() },
      });
    });

    app.post('/v1/card-transactions', {
      config: { rateLimit: false },
      helmet: false,
      schema: {
        tags: ['cards'], summary: 'Card processor: an authorization was cleared, reversed or refunded (Tollgate-Signature HMAC)',
        headers: SignatureHeader, response: { 200: TxResult, ...errors(400, 404) },
      },
    }, async (req) => cards.recordTransaction(verified<TransactionBody>(req, txBody)));

    app.post('/v1/webhooks/stripe-issuing', {
      config: { rateLimit: false },
      schema: { tags: ['cards'], summary: 'Stripe Issuing synchronous webhook: issuing_authorization.request answered with { approved } (Stripe-Signature)' },
    }, async (req, reply) => {
      if (!issuing) throw new AppError('not_found', 'Stripe Issuing is not configured (STRIPE_ISSUING_WEBHOOK_SECRET)');
      const raw = req.body;
      if (!Buffer.isBuffer(raw) || raw.length === 0) throw new AppError('invalid_signature', 'empty body');
      const v = await issuing.verify(raw, req.headers['stripe-signature']);
      if (!v.ok) throw new AppError('invalid_signature', `Stripe-Signature ${v.reason}`);
      reply.header('Stripe-Version', await issuing.apiVersion(v.event));
      if (v.event.type !== 'issuing_authorization.request') return reply.code(200).send({ received: true });
      const answer = await cards.authorize(toAuthorizationInput(v.event.data.object as Stripe.Issuing.Authorization));
      // metadata is optional in Stripe's response format; values are at most 500 characters
      return reply.code(200).type('application/json').send({
        approved: answer.approved,
        metadata: { tollgate_decision: answer.decisionId ?? '', tollgate_reason: answer.reason.slice(0, 500) },
      });
    });
  };
}
