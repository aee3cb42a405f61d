import { admin, qs, type Page } from '../../api.ts';

/** The console's client for customer support (issue 4): search, one customer, block/unblock, unlock, reset 2FA. */

const enc = encodeURIComponent;

export type CustomerStatus = 'active' | 'blocked';

export interface CustomerRow {
  id: string;
  email: string;
  phone: string;
  phoneVerified: boolean;
  status: CustomerStatus;
  externalRef: string | null;
  createdAt: string;
}

export interface CustomerDetail extends CustomerRow {
  name: string | null;
  factors: { sms: boolean; totp: boolean; passkeys: number; recoveryCodesLeft: number };
  /** Open sessions. */
  sessions: number;
  /** Failed logins/codes counted towards the lockout. */
  failures: number;
  lockedUntil: string | null;
  history: Array<{ from: string | null; to: string; actor: string; reason: string | null; at: string }>;
}

/** q: a customer id, e-mail, phone or external ref (exact); without q the newest customers, paged. */
export const searchCustomers = (q: string, cursor?: string | null, signal?: AbortSignal) =>
  admin<Page<CustomerRow>>('GET', `/v1/admin/customers${qs({ q: q.trim() || undefined, cursor, limit: 50 })}`, undefined, signal);

/** Audited on the server (customer.viewed). */
export const getCustomer = (id: string) => admin<CustomerDetail>('GET', `/v1/admin/customers/${enc(id)}`);

export const blockCustomer = (id: string, reason: string) =>
  admin<{ id: string; status: CustomerStatus; sessionsEnded: number }>('POST', `/v1/admin/customers/${enc(id)}/block`, { reason });
export const unblockCustomer = (id: string, reason: string) =>
  admin<{ id: string; status: CustomerStatus; sessionsEnded: number }>('POST', `/v1/admin/customers/${enc(id)}/unblock`, { reason });
export const unlockCustomer = (id: string, reason: string) =>
  admin<{ id: string; lockedUntil: null }>('POST', `/v1/admin/customers/${enc(id)}/unlock`, { reason });
export const resetTwoFactor = (id: string, reason: string) =>
  admin<{ id: string; factors: string[]; sessionsEnded: number }>('POST', `/v1/admin/customers/${enc(id)}/reset-2fa`, { reason });

/** Second factors of a customer, as words ("SMS, authenticator app, 2 passkeys"). */
export function factorList(f: CustomerDetail['factors']): string[] {
  const out: string[] = [];
  if (f.sms) out.push('SMS');
  if (f.totp) out.push('authenticator app');
  if (f.passkeys > 0) out.push(f.passkeys === 1 ? '1 passkey' : `${f.passkeys} passkeys`);
  if (f.recoveryCodesLeft > 0) out.push(`${f.recoveryCodesLeft} recovery code${f.recoveryCodesLeft === 1 ? '' : 's'}`);
  return out;
}
