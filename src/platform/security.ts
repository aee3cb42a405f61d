/**
 * The port through which any module reports something the security monitor should know about
 * (src/modules/security implements it). Reporting never blocks or fails the caller: record() is
 * fire-and-forget, and the monitor decides what is an attack (bursts, brute force, enumeration, floods).
 */
export type SecuritySignalKind =
  | 'login_failed' // wrong password or unknown login
  | 'code_failed' // a wrong one-time code (SMS, TOTP, recovery) or passkey assertion
  | 'account_locked' // the failure counter locked an account
  | 'not_found_foreign' // a customer asked for an id that is not theirs (404/403 on someone else's resource)
  | 'not_found_id' // a 404 on a customer route that takes an id (/v1/me/…/:id): a guessed or unknown id
  | 'token_invalid' // a bearer token that does not exist, is malformed or was forged
  | 'token_revoked' // a token that was valid once (ended or revoked session): replay
  | 'request' // any request from the public side (flood detection by IP and subnet)
  | 'ip_blocked'; // a request refused because its IP/subnet is blocked

export interface SecuritySignal {
  kind: SecuritySignalKind;
  ip?: string;
  customerId?: string;
  /** What was targeted: a login name's hash, a resource id, a route. Never a secret or personal data in clear. */
  subject?: string;
  details?: Record<string, unknown>;
  at?: Date;
}

export interface SecuritySink {
  record(signal: SecuritySignal): void;
}

export const nullSecuritySink: SecuritySink = { record() {} };
