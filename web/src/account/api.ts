/**
 * The personal area's API client (`/v1/auth/*` and `/v1/me/*`). The session lives in the server's HttpOnly
 * cookie (never in JS): every call is same-origin with credentials. Errors are ApiError (from ../api.ts).
 * A 401 from a `/v1/me` call means the session ended: the app signs out (see setOnSignedOut).
 */
import { ApiError, qs, type Money } from '../api.ts';

export type { Money };

let onSignedOut: () => void = () => {};
/** The app registers what happens when a /v1/me call answers 401 (session ended or revoked elsewhere). */
export function setOnSignedOut(fn: () => void): void {
  onSignedOut = fn;
}

const MESSAGES: Record<number, string> = {
  401: 'Please sign in again.',
  403: 'You are not allowed to do this.',
  404: 'Not found.',
  423: 'Too many failed attempts. Please wait and try again.',
  429: 'Too many requests. Please wait a moment and try again.',
};

/** Paths whose 401 is an answer about the input (wrong password), not an ended session. */
const NOT_A_SIGN_OUT = ['/v1/me/password'];

export async function call<T>(method: string, path: string, body?: unknown, init: { signal?: AbortSignal; headers?: Record<string, string> } = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...init.headers };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin', signal: init.signal });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network_error', 'Cannot reach the server. Check your connection and try again.');
  }
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    const e = new ApiError(
      res.status,
      err?.code ?? (res.status === 401 ? 'unauthorized' : res.status >= 500 ? 'internal' : 'http_error'),
      err?.message ?? MESSAGES[res.status] ?? (res.status >= 500 ? 'The server had a problem. Please try again.' : `Request failed (${res.status}).`),
      err?.details,
    );
    if (res.status === 401 && path.startsWith('/v1/me') && !NOT_A_SIGN_OUT.includes(path)) onSignedOut();
    throw e;
  }
  return data as T;
}

const enc = encodeURIComponent;

// ---------- auth ----------

export type Method = 'sms' | 'totp' | 'passkey' | 'recovery_code';

export interface Challenge {
  challengeId: string;
  methods: Method[];
  expiresAt: string;
  /** Masked number, set when a code was texted. */
  smsSentTo?: string;
}

export interface SignupResult extends Challenge {
  customerId: string;
}

export interface VerifyResult {
  purpose: 'signup' | 'login' | 'step_up' | 'change_phone' | 'passkey_register';
  customerId?: string;
  stepUpAt?: string;
}

export type VerifyInput = { code: string; method?: Method } | { method: 'passkey'; response: unknown };

export const signup = (b: { email: string; phone: string; password: string }) => call<SignupResult>('POST', '/v1/auth/signup', b);
export const login = (b: { login: string; password: string }) => call<Challenge>('POST', '/v1/auth/login', b);
/** The token is set as an HttpOnly cookie by the server; the body's copy is dropped on purpose. */
export async function verifyChallenge(id: string, input: VerifyInput): Promise<VerifyResult> {
  const r = await call<VerifyResult & { token?: string }>('POST', `/v1/auth/challenges/${enc(id)}/verify`, input);
  return { purpose: r.purpose, customerId: r.customerId, stepUpAt: r.stepUpAt };
}
export const textCode = (id: string) => call<{ smsSentTo: string; codeExpiresAt: string }>('POST', `/v1/auth/challenges/${enc(id)}/sms`);
export const passkeyRequestOptions = (id: string) => call<Record<string, unknown>>('POST', `/v1/auth/challenges/${enc(id)}/passkey`);
export const logout = () => call<void>('POST', '/v1/auth/logout');

// ---------- me, security ----------

export interface Me {
  id: string;
  email: string;
  phone: string;
  phoneVerified: boolean;
  status: 'active' | 'blocked';
  factors: Method[];
  name: string | null;
  createdAt: string;
}

export interface Passkey {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface SecurityOverview {
  sms: boolean;
  totp: boolean;
  passkeys: Passkey[];
  recoveryCodesLeft: number;
}

export interface SessionRow {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

export const getMe = (signal?: AbortSignal) => call<Me>('GET', '/v1/me', undefined, { signal });
export const startStepUp = () => call<Challenge>('POST', '/v1/me/step-up');
export const getSecurity = () => call<SecurityOverview>('GET', '/v1/me/security');
export const totpEnrol = () => call<{ secret: string; otpauthUri: string; qrDataUrl: string }>('POST', '/v1/me/security/totp');
export const totpConfirm = (code: string) => call<{ enabled: boolean; otherSessionsEnded: number }>('POST', '/v1/me/security/totp/confirm', { code });
export const totpRemove = () => call<{ otherSessionsEnded: number }>('DELETE', '/v1/me/security/totp');
export const passkeyRegistrationOptions = () => call<{ challengeId: string; options: Record<string, unknown> }>('POST', '/v1/me/security/passkeys/options');
export const passkeyRegister = (b: { challengeId: string; response: unknown; name?: string }) => call<Passkey>('POST', '/v1/me/security/passkeys', b);
export const passkeyRemove = (id: string) => call<void>('DELETE', `/v1/me/security/passkeys/${enc(id)}`);
export const newRecoveryCodes = () => call<{ codes: string[]; otherSessionsEnded: number }>('POST', '/v1/me/security/recovery-codes');
export const listSessions = () => call<{ data: SessionRow[] }>('GET', '/v1/me/sessions');
export const revokeSession = (id: string) => call<void>('DELETE', `/v1/me/sessions/${enc(id)}`);
export const changePassword = (b: { currentPassword: string; newPassword: string }) => call<{ otherSessionsEnded: number }>('POST', '/v1/me/password', b);

// ---------- accounts and transactions ----------

export interface Account {
  id: string;
  currency: string;
  status: string;
  balance: Money;
  available: Money;
  pending: Money;
}

export type TxnStatus = 'posted' | 'pending' | 'voided' | 'expired' | (string & {});

export interface Txn {
  id: string;
  kind: string;
  direction: 'in' | 'out';
  amount: Money;
  description: string;
  status: TxnStatus;
  createdAt: string;
  reference: string;
  receiptAvailable: boolean;
  commentsCount: number;
}

export interface Comment {
  id: string;
  from: 'customer' | 'staff';
  text: string;
  createdAt: string;
}

export interface TxnDetail extends Txn {
  comments: Comment[];
}

export interface TxnFilters {
  from?: string;
  to?: string;
  kind?: string;
  direction?: 'in' | 'out' | '';
  minAmount?: number;
  maxAmount?: number;
}

export const listAccounts = () => call<{ data: Account[] }>('GET', '/v1/me/accounts');
export const listTransactions = (f: TxnFilters, cursor?: string | null, limit = 20, signal?: AbortSignal) =>
  call<{ data: Txn[]; nextCursor: string | null }>('GET', `/v1/me/transactions${qs({ ...f, cursor, limit })}`, undefined, { signal });
export const getTransaction = (id: string) => call<TxnDetail>('GET', `/v1/me/transactions/${enc(id)}`);
export const addComment = (id: string, text: string) => call<Comment>('POST', `/v1/me/transactions/${enc(id)}/comments`, { text });
export const receiptUrl = (id: string) => `/v1/me/transactions/${enc(id)}/receipt`;
export const receiptPdfUrl = (id: string) => `/v1/me/transactions/${enc(id)}/receipt.pdf`;
export const EVENTS_URL = '/v1/me/events';

// ---------- top-ups ----------

export interface Topup {
  id: string;
  status: 'pending' | 'completed' | 'failed' | (string & {});
  amount: Money;
  transactionId: string | null;
  createdAt?: string;
}

export const createTopup = (amount: Money, idempotencyKey: string) =>
  call<{ id: string; status: string; payment: { id: string; checkoutUrl: string } }>('POST', '/v1/me/topups', { amount, gateway: 'sandbox' }, { headers: { 'Idempotency-Key': idempotencyKey } });
export const getTopup = (id: string, signal?: AbortSignal) => call<Topup>('GET', `/v1/me/topups/${enc(id)}`, undefined, { signal });

// ---------- bills ----------

export interface Bill {
  id: string;
  contractId: string | null;
  description: string;
  amount: Money;
  dueDate: string;
  status: 'open' | 'paid' | (string & {});
}

export interface BillPaymentResult {
  id: string;
  status: 'queued' | 'posted' | 'awaiting_payment' | (string & {});
  transactionId: string | null;
  /** Paying by card: the gateway's page to send the customer to. */
  payment?: { id: string; checkoutUrl: string };
}

export type BillPaymentStatus = 'awaiting_payment' | 'queued' | 'posted' | 'refunded' | 'failed';

/** A row of GET /v1/me/bill-payments. */
export interface BillPayment {
  id: string;
  billId: string;
  description: string;
  amount: Money;
  method: 'wallet' | 'gateway';
  status: BillPaymentStatus | (string & {});
  transactionId: string | null;
  refundTransactionId: string | null;
  payment?: { id: string; checkoutUrl: string };
  createdAt: string;
}

export const listBills = (status: 'open' | 'paid') => call<{ data: Bill[] }>('GET', `/v1/me/bills${qs({ status })}`);
/** From the wallet, or by card through a gateway (the answer then carries the gateway's checkout page). */
export const payBill = (id: string, how: 'wallet' | 'card' = 'wallet') =>
  call<BillPaymentResult>('POST', `/v1/me/bills/${enc(id)}/pay`, how === 'wallet' ? { method: 'wallet' } : { method: 'gateway', gateway: 'sandbox' });
export const listBillPayments = () => call<{ data: BillPayment[] }>('GET', '/v1/me/bill-payments');

// ---------- feedback ----------

export interface FeedbackMessage {
  from: 'customer' | 'staff';
  text: string;
  createdAt: string;
}

export interface FeedbackThread {
  id: string;
  /** 'comments': the comments on one operation, shown to support as a thread too. */
  kind?: 'feedback' | 'comments' | (string & {});
  subject: string | null;
  status: 'open' | 'answered' | 'closed' | (string & {});
  transactionId: string | null;
  messages: FeedbackMessage[];
  createdAt?: string;
}

export const listFeedback = () => call<{ data: FeedbackThread[] }>('GET', '/v1/me/feedback');
export const sendFeedback = (b: { subject?: string; text: string; transactionId?: string }) => call<{ id: string }>('POST', '/v1/me/feedback', b);
export const replyFeedback = (id: string, text: string) => call<unknown>('POST', `/v1/me/feedback/${enc(id)}/messages`, { text });

// ---------- payees and transfers ----------

export interface Payee {
  id: string;
  name: string | null;
  /** The payee's masked e-mail or phone. */
  label: string;
  createdAt: string;
}

export const listPayees = () => call<{ data: Payee[] }>('GET', '/v1/me/payees');
export const addPayee = (b: { email: string; name?: string } | { phone: string; name?: string }) => call<Payee>('POST', '/v1/me/payees', b);
/** Idempotent per key: a retry with the same key and contents is the same transfer. */
export const sendTransfer = (b: { payeeId: string; amount: Money; description?: string; idempotencyKey: string }) => call<Txn>('POST', '/v1/me/transfers', b);
