import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Db } from '../../platform/db/db.ts';
import { createSandboxGateway, type SandboxGatewayServer } from './sandbox.plugin.ts';
import type { DeliveryTuning } from './delivery.ts';

/** Test support (not used in production): a sandbox gateway on a real port, and a webhook receiver. */

export interface ReceivedWebhook {
  raw: Buffer;
  headers: IncomingHttpHeaders;
  body: { id: string; type: string; created: number; data: Record<string, unknown> };
  status: number;
  at: number;
}

export interface Receiver {
  url: string;
  /** Every POST received, including the ones answered with an error. */
  received: ReceivedWebhook[];
  /** Status to answer the nth (0-based) request with; default 200 for all. */
  respond: (n: number, w: ReceivedWebhook) => number;
  close(): Promise<void>;
}

export async function startReceiver(respond: Receiver['respond'] = () => 200): Promise<Receiver> {
  const received: ReceivedWebhook[] = [];
  const rcv = { received, respond } as Receiver;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      let body: ReceivedWebhook['body'];
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        body = { id: '', type: '', created: 0, data: {} };
      }
      const w: ReceivedWebhook = { raw, headers: req.headers, body, status: 0, at: Date.now() };
      w.status = rcv.respond(received.length, w);
      received.push(w);
      res.writeHead(w.status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  rcv.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/sandbox`;
  rcv.close = () => new Promise<void>((r) => {
    server.closeAllConnections();
    server.close(() => r());
  });
  return rcv;
}

export interface SandboxHarness {
  app: FastifyInstance;
  gateway: SandboxGatewayServer;
  /** e.g. http://127.0.0.1:PORT/sandbox */
  baseUrl: string;
  apiKey: string;
  webhookSecret: string;
  /** Calls the sandbox API as a merchant would. */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export async function startSandbox(opts: {
  db: Db; webhookUrl: string; delivery?: 'normal' | 'chaos'; tuning?: Partial<DeliveryTuning>; autoStart?: boolean;
  apiKey?: string; webhookSecret?: string;
}): Promise<SandboxHarness> {
  const apiKey = opts.apiKey ?? 'sk_sandbox_test_key_0123456789';
  const webhookSecret = opts.webhookSecret ?? 'whsec_sandbox_test_secret_0123456789';
  const gateway = createSandboxGateway({
    db: opts.db, apiKey, webhookUrl: opts.webhookUrl, webhookSecret, delivery: opts.delivery ?? 'normal',
    tuning: { pollMs: 100, retryBaseMs: 50, retryMaxMs: 500, ...opts.tuning }, autoStart: opts.autoStart,
  });
  const app = Fastify({ logger: false });
  await app.register(gateway.plugin, { prefix: '/sandbox' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/sandbox`;
  return {
    app, gateway, baseUrl, apiKey, webhookSecret,
    async api(method, path, body, headers = {}) {
      const res = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${apiKey}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
    },
    close: () => app.close(),
  };
}

export async function waitFor<T>(fn: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
