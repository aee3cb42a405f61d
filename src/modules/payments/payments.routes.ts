import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import type { PaymentsService } from './payments.service.ts';

/**
 * Inbound gateway webhooks. The JSON body is kept as raw bytes (the signature covers the exact bytes),
 * so this plugin has its own content-type parser and no body schema.
 */
export function webhookRoutes(payments: PaymentsService): FastifyPluginAsync {
  return async (app) => {
    app.addContentTypeParser(['application/json', 'text/plain', 'application/x-www-form-urlencoded'], { parseAs: 'buffer', bodyLimit: 256 * 1024 }, (_req, body, done) => done(null, body));
    app.post<{ Params: { provider: string } }>('/v1/webhooks/:provider', {
      config: { rateLimit: false },
      schema: { tags: ['webhooks'], summary: 'Inbound payment gateway webhook (sandbox, stripe)', hide: false },
    }, async (req, reply) => {
      if (!Buffer.isBuffer(req.body)) throw new AppError('bad_request', 'empty body');
      const r = await payments.ingestWebhook(req.params.provider, req.body, req.headers);
      await reply.status(200).send({ received: true, duplicate: r.duplicate });
      if (!r.duplicate) payments.processSoon(r.inboxId); // after the answer: the gateway never waits for our processing
      return reply;
    });
  };
}
