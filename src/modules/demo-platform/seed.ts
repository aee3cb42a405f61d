import type { Sql } from '../../platform/db/db.ts';
import { upsertUser } from './demo-platform.repo.ts';

/** The seller account Tollgate's browser driver logs into (password from config / generated secret). */
export const DEMO_SELLER_ID = 'seller';
export const DEMO_SELLER_NAME = 'Tollgate Coin Shop';
export const DEMO_SELLER_COINS = 10_000_000;

/**
 * Fixed demo users (ids are stable: docs and tests use them). Customers type one of these ids at checkout.
 * "nobody.here" is a well-formed id that does NOT exist (for trying the "unknown user" path).
 */
export const DEMO_USERS: ReadonlyArray<{ userId: string; displayName: string; coins: number }> = [
  { userId: 'alice.gamer', displayName: 'Alice Moreau', coins: 120 },
  { userId: 'bob_builds', displayName: 'Bob Okafor', coins: 0 },
  { userId: 'carla.streams', displayName: 'Carla Jiménez', coins: 2_450 },
  { userId: 'dmitri.k', displayName: 'Dmitri Kozlov', coins: 75 },
  { userId: 'emma.plays', displayName: 'Emma Lindqvist', coins: 900 },
  { userId: 'farid_92', displayName: 'Farid Haddad', coins: 15 },
  { userId: 'grace.hopper', displayName: 'Grace Huang', coins: 310 },
  { userId: 'hiro.tanaka', displayName: 'Hiro Tanaka', coins: 5_000 },
  { userId: 'ines.silva', displayName: 'Inês Silva', coins: 42 },
  { userId: 'jamal.dance', displayName: 'Jamal Carter', coins: 1_280 },
  { userId: 'kofi.music', displayName: 'Kofi Mensah', coins: 60 },
  { userId: 'snk_20931', displayName: 'Lena Petrova', coins: 0 },
];

/** Idempotent: creates the seller and the demo users once; balances of existing accounts are never reset. */
export async function seedDemoPlatform(trx: Sql, sellerPasswordHash: string): Promise<void> {
  await upsertUser(trx, {
    userId: DEMO_SELLER_ID,
    displayName: DEMO_SELLER_NAME,
    coins: DEMO_SELLER_COINS,
    isSeller: true,
    passwordHash: sellerPasswordHash,
  });
  for (const u of DEMO_USERS) await upsertUser(trx, u);
}
