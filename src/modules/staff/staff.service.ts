import { hash, verify } from '@node-rs/argon2';
import type { Db, Sql } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { randomToken, sha256Hex } from '../../platform/crypto.ts';
import { ROLE_PERMISSIONS, type Permission, type Role } from './staff.permissions.ts';
import * as repo from './staff.repo.ts';

const SESSION_HOURS = 12;
let dummyHash: Promise<string> | null = null;

/** Who is acting: a staff member, an agent, the system, or the public (buyer). Written to histories and the audit log. */
export interface Principal {
  kind: 'staff' | 'agent';
  id: string;
  name: string;
  role?: Role;
  permissions: readonly Permission[];
  sessionId?: string;
  queues?: string[];
}

export const actorOf = (p: Principal) => `${p.kind}:${p.id}`;

export interface AuditInput { actor: string; action: string; subjectId?: string | null; details?: Record<string, unknown>; ip?: string | null }

/** Appends to the audit log inside the caller's transaction: the action and its record commit together. */
export async function audit(trx: Sql, e: AuditInput): Promise<void> {
  await repo.insertAudit(trx, { id: newId('aud'), ...e });
}

export function createStaffService(db: Db) {
  return {
    async login(email: string, password: string, ip: string | null) {
      const user = await repo.findStaffByEmail(db, email.toLowerCase());
      // Same work and the same answer for an unknown e-mail, a wrong password and a disabled account.
      dummyHash ??= hash('not-a-real-password');
      const ok = await verify(user?.passwordHash ?? (await dummyHash), password).catch(() => false);
      if (!user || !ok || !user.active) {
        await db.tx((trx) => audit(trx, { actor: 'public', action: 'staff.login_failed', details: { email: email.toLowerCase() }, ip }));
        throw new AppError('unauthorized', 'wrong e-mail or password');
      }
      const token = `stf_tok_${randomToken(32)}`;
      const expiresAt = new Date(Date.now() + SESSION_HOURS * 3600_000);
      await db.tx(async (trx) => {
        await repo.insertSession(trx, { id: newId('ses'), staffId: user.id, tokenHash: sha256Hex(token), expiresAt, ip });
        await repo.touchLogin(trx, user.id);
        await audit(trx, { actor: `staff:${user.id}`, action: 'staff.login', subjectId: user.id, ip });
      });
      return { token, expiresAt, staff: { id: user.id, email: user.email, name: user.name, role: user.role, permissions: [...ROLE_PERMISSIONS[user.role]] } };
    },

    async authenticate(token: string): Promise<Principal | null> {
      if (token.startsWith('stf_tok_')) {
        const found = await repo.findSessionStaff(db, sha256Hex(token));
        if (!found) return null;
        const s = found.staff;
        return { kind: 'staff', id: s.id, name: s.name, role: s.role, permissions: ROLE_PERMISSIONS[s.role], sessionId: found.sessionId };
      }
      if (token.startsWith('agt_tok_')) {
        const agent = await repo.findAgentByToken(db, sha256Hex(token));
        if (!agent) return null;
        return { kind: 'agent', id: agent.id, name: agent.name, permissions: [], queues: agent.queues };
      }
      return null;
    },

    async logout(p: Principal) {
      if (!p.sessionId) return;
      await db.tx(async (trx) => {
        await repo.revokeSession(trx, p.sessionId!);
        await audit(trx, { actor: actorOf(p), action: 'staff.logout', subjectId: p.id });
      });
    },

    async create(by: Principal | 'system', input: { email: string; name: string; role: Role; password: string }, ip?: string | null) {
      const id = newId('stf');
      const passwordHash = await hash(input.password);
      await db.tx(async (trx) => {
        if (await repo.findStaffByEmail(trx, input.email.toLowerCase())) throw new AppError('conflict', 'a staff user with this e-mail exists');
        await repo.insertStaff(trx, { id, email: input.email.toLowerCase(), name: input.name, role: input.role, passwordHash });
        await audit(trx, { actor: by === 'system' ? 'system' : actorOf(by), action: 'staff.created', subjectId: id, details: { email: input.email.toLowerCase(), role: input.role }, ip });
      });
      return (await repo.getStaff(db, id))!;
    },

    async update(by: Principal, id: string, patch: { role?: Role; active?: boolean }, ip?: string | null) {
      return db.tx(async (trx) => {
        const s = await repo.getStaff(trx, id, true);
        if (!s) throw new AppError('not_found', 'staff user not found');
        if (id === by.id && (patch.active === false || (patch.role && patch.role !== 'admin'))) {
          throw new AppError('conflict', 'you cannot demote or disable yourself');
        }
        await repo.updateStaff(trx, id, patch);
        if (patch.active === false || patch.role) await repo.revokeAllSessions(trx, id);
        await audit(trx, { actor: actorOf(by), action: 'staff.updated', subjectId: id, details: { before: { role: s.role, active: s.active }, after: patch }, ip });
        return (await repo.getStaff(trx, id))!;
      });
    },

    list: () => repo.listStaff(db),
    listAudit: (opts: { before?: string; limit: number; subjectId?: string }) => repo.listAudit(db, opts),

    /** First start: create the admin from ADMIN_EMAIL/ADMIN_PASSWORD, or with a generated password returned once. */
    async ensureAdmin(email: string | undefined, password: string | undefined): Promise<{ email: string; password?: string } | null> {
      if ((await repo.countStaff(db)) > 0) return null;
      const adminEmail = (email ?? 'admin@tollgate.local').toLowerCase();
      const generated = password ? undefined : randomToken(12);
      try {
        await this.create('system', { email: adminEmail, name: 'Administrator', role: 'admin', password: password ?? generated! });
      } catch (e) {
        if (e instanceof AppError && e.code === 'conflict') return null; // another node created it
        throw e;
      }
      return { email: adminEmail, password: generated };
    },

    async createAgent(by: Principal, input: { name: string; queues: string[] }, ip?: string | null) {
      const id = newId('agt');
      const token = `agt_tok_${randomToken(32)}`;
      await db.tx(async (trx) => {
        await repo.insertAgent(trx, { id, name: input.name, tokenHash: sha256Hex(token), queues: input.queues });
        await audit(trx, { actor: actorOf(by), action: 'agent.created', subjectId: id, details: input, ip });
      });
      return { id, token };
    },
    listAgents: () => repo.listAgents(db),
    async setAgentActive(by: Principal, id: string, active: boolean, ip?: string | null) {
      await db.tx(async (trx) => {
        if (!(await repo.setAgentActive(trx, id, active))) throw new AppError('not_found', 'agent not found');
        await audit(trx, { actor: actorOf(by), action: active ? 'agent.enabled' : 'agent.disabled', subjectId: id, ip });
      });
    },
  };
}

export type StaffService = ReturnType<typeof createStaffService>;
