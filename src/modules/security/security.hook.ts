import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import type { SecurityMonitor } from './security.service.ts';

/**
 * The request hook: refuses blocked addresses and feeds the flood detectors.
 *
 * Routes fall in three classes (by the matched route's pattern, so encoded paths cannot change the class):
 * - public (blocked by every active block, each request counted as a 'request' signal): the customer surface
 *   (/v1/auth/, /v1/me, /v1/receipts/, /account), the storefront (/, /orders/…, /v1/orders, /v1/products,
 *   /v1/platforms) and everything not listed below, unknown paths included;
 * - staff (blocked only by blocks with scope 'all', not counted: staff have their own login throttling and
 *   an operator must not lock out the console by blocking an attacker who shares their office NAT):
 *   /v1/admin, /v1/staff, /console, /docs, /openapi.json, the web bundle /assets/, the fulfilment agents'
 *   /v1/agent/ and /v1/risk/ (staff-token API);
 * - exempt (never blocked, never counted): machine-to-machine endpoints authenticated by signatures or keys,
 *   where a refusal would lose a payment event or a card decision — /v1/webhooks/, /v1/card-authorizations,
 *   /v1/card-transactions, /v1/card-assignments, the stand-in services /sandbox/, /demo-platform/,
 *   /internal-accounting, and /healthz.
 *
 * An onResponse hook also reports every 404 answered on a `/v1/me/…` route whose pattern takes an id as a
 * 'not_found_id' signal (by the customer when req.customer is set, else the IP) for the enumeration detector.
 */
export type HookRouteClass = 'public' | 'staff' | 'exempt';

const STAFF = ['/v1/admin', '/v1/staff', '/console', '/docs', '/openapi.json', '/assets', '/v1/agent', '/v1/risk'];
const EXEMPT = ['/v1/webhooks', '/v1/card-authorizations', '/v1/card-transactions', '/v1/card-assignments', '/sandbox', '/demo-platform', '/internal-accounting', '/healthz'];

const under = (path: string, prefix: string) =>
  path === prefix || (path.startsWith(prefix) && (path[prefix.length] === '/' || path[prefix.length] === '?'));

export function routeClass(path: string): HookRouteClass {
  for (const p of EXEMPT) if (under(path, p)) return 'exempt';
  for (const p of STAFF) if (under(path, p)) return 'staff';
  return 'public';
}

function classOf(req: FastifyRequest): HookRouteClass {
  // the matched route's pattern; for a 404 the raw path (decoded, so /v1/%61dmin is /v1/admin)
  const pattern = req.routeOptions?.url;
  if (pattern) return routeClass(pattern);
  const raw = req.url.split('?')[0];
  let path = raw;
  try { path = decodeURIComponent(raw); } catch { /* malformed escapes: classify as written */ }
  return routeClass(path);
}

export const BLOCKED_MESSAGE = 'requests from your network are blocked; contact support if you think this is a mistake';

/** Adds the hook to `app` (call on the root instance, before the rate limiter, so blocked clients cost nothing). */
export function installSecurityHook(app: FastifyInstance, monitor: SecurityMonitor): void {
  app.addHook('onRequest', async (req) => {
    const cls = classOf(req);
    if (cls === 'exempt') return;
    const ip = req.ip;
    if (monitor.blocks.isBlocked(ip, cls)) {
      monitor.record({ kind: 'ip_blocked', ip, subject: cls });
      throw new AppError('blocked', BLOCKED_MESSAGE);
    }
    if (cls === 'public') monitor.record({ kind: 'request', ip });
  });
  // id guessing: every 404 on a customer route that takes an id (normal browsing never 404s on its own ids)
  app.addHook('onResponse', async (req, reply) => {
    if (reply.statusCode !== 404) return;
    const pattern = req.routeOptions?.url;
    if (!pattern || !pattern.includes(':') || !under(pattern, '/v1/me')) return;
    const params = (req.params ?? {}) as Record<string, unknown>;
    const subject = Object.values(params).filter((v) => typeof v === 'string').join('/').slice(0, 200) || undefined;
    monitor.record({ kind: 'not_found_id', ip: req.ip, customerId: req.customer?.customerId, subject, details: { route: `${req.method} ${pattern}` } });
  });
}

/**
 * The same as a plugin: `app.register(securityHook(monitor))`. It is not encapsulated (like fastify-plugin's
 * skip-override), so the hook covers every route of the instance it is registered on.
 */
export function securityHook(monitor: SecurityMonitor): FastifyPluginAsync {
  const plugin: FastifyPluginAsync = async (app) => installSecurityHook(app, monitor);
  Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'tollgate-security-hook' });
  return plugin;
}
