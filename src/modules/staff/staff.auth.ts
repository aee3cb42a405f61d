import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import type { Permission } from './staff.permissions.ts';
import type { Principal, StaffService } from './staff.service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export function bearerToken(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (!h || !h.startsWith('Bearer ')) return null;
  const t = h.slice(7).trim();
  return t.length > 0 && t.length < 512 ? t : null;
}

/** preHandler factory: a staff session holding `perm` (or any staff session when perm is omitted). */
export function makeGuards(staff: StaffService) {
  async function resolve(req: FastifyRequest): Promise<Principal | null> {
    if (req.principal) return req.principal;
    const token = bearerToken(req);
    if (!token) return null;
    const p = await staff.authenticate(token);
    if (p) req.principal = p;
    return p;
  }
  const requireStaff = (perm?: Permission): preHandlerAsyncHookHandler =>
    async function guard(req: FastifyRequest, _reply: FastifyReply) {
      const p = await resolve(req);
      if (!p || p.kind !== 'staff') throw new AppError('unauthorized', 'staff login required');
      if (perm && !p.permissions.includes(perm)) throw new AppError('forbidden', `missing permission ${perm}`);
    };
  const requireAgent = (): preHandlerAsyncHookHandler =>
    async function guard(req: FastifyRequest) {
      const p = await resolve(req);
      if (!p || p.kind !== 'agent') throw new AppError('unauthorized', 'agent token required');
    };
  return { requireStaff, requireAgent, resolve };
}
export type Guards = ReturnType<typeof makeGuards>;

export function principal(req: FastifyRequest): Principal {
  if (!req.principal) throw new AppError('unauthorized', 'login required');
  return req.principal;
}
