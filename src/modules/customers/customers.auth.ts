import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { COOKIE } from './customers.core.ts';
import type { CustomerAuth, RequestMeta } from './customers.schema.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the customer guard: who is calling, on which session, and when it last passed a second factor. */
    customer?: CustomerAuth;
  }
}

/** The customer's token: `Authorization: Bearer ctk_…`, else the HttpOnly `tg_customer` cookie (web). */
export function customerToken(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (h && h.startsWith('Bearer ')) {
    const t = h.slice(7).trim();
    return t.length > 0 && t.length < 512 ? t : '';
  }
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === COOKIE) {
      const v = part.slice(i + 1).trim();
      return v.length < 512 ? v : '';
    }
  }
  return null;
}

export function requestMeta(req: FastifyRequest): RequestMeta {
  const ua = req.headers['user-agent'];
  return { ip: req.ip ?? null, userAgent: typeof ua === 'string' ? ua.slice(0, 400) : null };
}

type Authenticator = { authenticate(token: string | null, meta: RequestMeta & { route?: string; quiet?: boolean }): Promise<CustomerAuth> };

/**
 * Guards for customer routes. Use `requireCustomer` as the preHandler of any `/v1/me/*` route:
 *
 *   app.get('/v1/me/wallet', { preHandler: guard.requireCustomer }, async (req) => {
 *     const { customerId, sessionId, stepUpAt } = customerOf(req);
 *     customers.requireStepUp(customerOf(req), 'payment', { amountMinor }); // before a sensitive action
 *   });
 *
 * No token → 401; a malformed/unknown token → 401 (+ 'token_invalid' signal); an ended session → 401
 * (+ 'token_revoked' only when the customer or staff explicitly ended it; expiry and system-ended sessions
 * after a password/factor/phone change are silent). `optionalCustomer` sets req.customer when a valid token comes along and ignores the rest.
 */
export function makeCustomerGuard(customers: Authenticator) {
  const requireCustomer: preHandlerAsyncHookHandler = async function requireCustomer(req: FastifyRequest, _reply: FastifyReply) {
    if (req.customer) return;
    req.customer = await customers.authenticate(customerToken(req), { ...requestMeta(req), route: req.routeOptions.url });
  };
  const optionalCustomer: preHandlerAsyncHookHandler = async function optionalCustomer(req: FastifyRequest) {
    if (req.customer) return;
    const token = customerToken(req);
    if (!token) return;
    req.customer = await customers.authenticate(token, { ...requestMeta(req), quiet: true }).catch(() => undefined);
  };
  return { requireCustomer, optionalCustomer };
}
export type CustomerGuard = ReturnType<typeof makeCustomerGuard>;

/** The authenticated customer of a request behind requireCustomer. */
export function customerOf(req: FastifyRequest): CustomerAuth {
  if (!req.customer) throw new AppError('unauthorized', 'login required');
  return req.customer;
}

/** Set-Cookie value for the web session cookie (HttpOnly, SameSite=Strict; Secure on https). */
export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return `${COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}
export function clearedSessionCookie(secure: boolean): string {
  return `${COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
}
