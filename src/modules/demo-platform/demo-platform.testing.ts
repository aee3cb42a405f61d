import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { testDb } from '../../../test/support/db.ts';
import type { Db } from '../../platform/db/db.ts';
import { demoPlatformPlugin } from './demo-platform.routes.ts';

/** Test helper: a fresh DB and the demo platform listening on 127.0.0.1 (random port) under /demo-platform. */
export interface RunningDemoPlatform {
  db: Db;
  app: FastifyInstance;
  baseUrl: string;
  partnerKey: string;
  sellerPassword: string;
  coins(userId: string): Promise<number>;
  transferCount(): Promise<number>;
  close(): Promise<void>;
}

export async function startDemoPlatform(): Promise<RunningDemoPlatform> {
  const db = await testDb();
  const partnerKey = 'pk_test_demo_partner_key';
  const sellerPassword = 'seller-test-password';
  const app = Fastify({ logger: false });
  await app.register(demoPlatformPlugin({ db, partnerKey, sellerPassword }), { prefix: '/demo-platform' });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    db,
    app,
    baseUrl: `http://127.0.0.1:${port}/demo-platform`,
    partnerKey,
    sellerPassword,
    coins: async (userId) => Number((await db.query<{ coins: number }>(`SELECT coins FROM demo_platform_users WHERE user_id = $1`, [userId]))[0]?.coins),
    transferCount: async () => Number((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM demo_platform_transfers`))[0].n),
    close: async () => {
      await app.close();
      await db.close();
    },
  };
}
