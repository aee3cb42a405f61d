import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { Db } from '../../platform/db/db.ts';
import type { Logger } from '../../platform/logger.ts';
import { installErrorHandler } from '../../platform/http/errors.ts';
import { SandboxService } from './sandbox.service.ts';
import { WebhookDelivery, type DeliveryTuning } from './delivery.ts';
import { apiRoutes } from './sandbox.routes.ts';
import { checkoutRoutes } from './checkout.routes.ts';

export interface SandboxGatewayOptions {
  db: Db;
  /** The key merchants (Tollgate) send as `Authorization: Bearer <apiKey>`. */
  apiKey: string;
  /** Where events are POSTed (Tollgate's sandbox webhook route). */
  webhookUrl: string;
  webhookSecret: string;
  /** 'chaos' = late, duplicated and out-of-order delivery (see delivery.ts). */
  delivery: 'normal' | 'chaos';
  log?: Logger;
  /**
   * Base URL of the sandbox as buyers' browsers reach it (e.g. `${PUBLIC_URL}/sandbox`), used for checkoutUrl.
   * Default: derived from the API request (protocol + Host + mount prefix).
   */
  publicUrl?: string;
  /** Delivery timings (tests shorten retries). */
  tuning?: Partial<DeliveryTuning>;
  /** Start the delivery loop in onReady (default true). */
  autoStart?: boolean;
}

export interface SandboxGatewayServer {
  /** Fastify plugin to mount, e.g. `app.register(server.plugin, { prefix: '/sandbox' })`. */
  plugin: FastifyPluginAsync;
  /** One delivery pass over due events now; resolves with the number delivered. */
  deliverPending(): Promise<number>;
  /** Starts / stops the delivery loop (the plugin does this in onReady / onClose). */
  start(): void;
  stop(): Promise<void>;
}

/**
 * The sandbox gateway as an object: the plugin plus a handle on its webhook delivery loop.
 * It behaves like an outside gateway: its own tables, and it talks to Tollgate only over HTTP.
 */
export function createSandboxGateway(opts: SandboxGatewayOptions): SandboxGatewayServer {
  const delivery = new WebhookDelivery({
    db: opts.db, webhookUrl: opts.webhookUrl, webhookSecret: opts.webhookSecret, mode: opts.delivery, log: opts.log, tuning: opts.tuning,
  });
  const service = new SandboxService(opts.db, () => delivery.kick());

  const plugin: FastifyPluginAsync = async (app: FastifyInstance) => {
    // Everything below is encapsulated: the validator, error handler and form parser do not leak to the host app.
    app.setValidatorCompiler(TypeBoxValidatorCompiler);
    installErrorHandler(app);
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });

    const prefix = app.prefix;
    const publicBase = (req: FastifyRequest) => (opts.publicUrl ?? `${req.protocol}://${req.host}${prefix}`).replace(/\/$/, '');

    await app.register(apiRoutes, { prefix: '/api', service, apiKey: opts.apiKey, publicBase });
    await app.register(checkoutRoutes, { service });

    if (opts.autoStart !== false) {
      app.addHook('onReady', async () => delivery.start());
      app.addHook('onClose', async () => delivery.stop());
    }
  };

  return {
    plugin,
    deliverPending: () => delivery.deliverPending(),
    start: () => delivery.start(),
    stop: () => delivery.stop(),
  };
}

/** Plugin form: `app.register(sandboxGatewayPlugin, { prefix: '/sandbox', db, apiKey, webhookUrl, webhookSecret, delivery, log })`. */
export const sandboxGatewayPlugin: FastifyPluginAsync<SandboxGatewayOptions> = async (app, opts) => {
  await app.register(createSandboxGateway(opts).plugin);
};
