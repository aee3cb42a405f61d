/**
 * Demo platform: a small stand-in for an external video platform that sells "coins" and has no transfer API
 * for resellers (staff log into its website and send coins by hand). Tollgate ships it so `npm start` works
 * offline and tests drive a real browser. Mount it with a prefix:
 *
 *   app.register(demoPlatformPlugin({ db, partnerKey, sellerPassword }), { prefix: '/demo-platform' })
 *
 * Routes (relative to the prefix):
 *   GET  /api/users?q=             search users (id prefix or display name), at most 20 → { data: [{ userId, displayName, coins }] }
 *   GET  /api/users/:userId        → { userId, displayName, coins } | 400 malformed_user_id | 404 not_found
 *   POST /api/transfers            partner API (Authorization: Bearer <partnerKey>, Idempotency-Key) body { toUserId, coins, reference }
 *                                  → 201 new | 200 replay of the same key; 400/401/422 { error: { code, message } }
 *   GET  /api/transfers?reference= partner API: the seller's transfers with that exact reference → { data: [...] }
 *   GET  /login, POST /login, POST /logout, GET /seller(?to=&q=), POST /seller/transfers, GET /seller/transfers/:id  (seller web UI)
 *
 * User ids: 6–32 chars of [a-z0-9_.], starting and ending with a letter or digit. Seeded ids: see seed.ts
 * (seller "seller" with 10,000,000 coins; users alice.gamer, bob_builds, carla.streams, dmitri.k, emma.plays,
 * farid_92, grace.hopper, hiro.tanaka, ines.silva, jamal.dance, kofi.music, snk_20931).
 */
export { demoPlatformPlugin, type DemoPlatformOptions } from './demo-platform.routes.ts';
export { seedDemoPlatform, DEMO_SELLER_ID, DEMO_SELLER_COINS, DEMO_USERS } from './seed.ts';
export { hashPassword as hashDemoPassword, USER_ID_PATTERN as DEMO_USER_ID_PATTERN } from './demo-platform.service.ts';
