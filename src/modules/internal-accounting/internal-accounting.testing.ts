import Fastify from 'fastify';
import { testDb } from '../../../test/support/db.ts';
import type { Db } from '../../platform/db/db.ts';
import { FieldCipher } from '../../platform/crypto.ts';
import { createInternalAccountingSystem, type InternalAccountingSystem } from './index.ts';

export interface RunningInternalAccounting {
  /** e.g. http://127.0.0.1:41234/internal-accounting/api */
  baseUrl: string;
  apiKey: string;
  system: InternalAccountingSystem;
  db: Db;
  /** A JSON call with the API key (unless headers override it). */
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/** The demo internal accounting system alone, on a free loopback port, with a fresh database (tests). */
export async function startInternalAccounting(opts: { apiKey?: string; currency?: string } = {}): Promise<RunningInternalAccounting> {
  const db = await testDb();
  const apiKey = opts.apiKey ?? 'isk_test_key_0123456789';
  const system = createInternalAccountingSystem({ db, apiKey, currency: opts.currency ?? 'USD', cipher: new FieldCipher([{ id: 't', key: Buffer.alloc(32, 7) }]) });
  // fetch may open a connection it never sends on; Node counts it active until headersTimeout (60 s): close all
  const app = Fastify({ logger: false, forceCloseConnections: true });
  await app.register(system.plugin, { prefix: '/internal-accounting/api' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  const baseUrl = `http://127.0.0.1:${port}/internal-accounting/api`;
  return {
    baseUrl, apiKey, system, db,
    async request(method, path, body, headers = {}) {
      const res = await fetch(baseUrl + path, {
        method,
        headers: { 'x-api-key': apiKey, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try { parsed = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
      return { status: res.status, body: parsed };
    },
    async close() {
      system.outage.release();
      await app.close();
      await db.close();
    },
  };
}
