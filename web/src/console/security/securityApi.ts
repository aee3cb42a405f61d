import { admin, qs, type Money, type Page } from '../../api.ts';

/** The console's client for the security monitor, the guarded gateway, bill postings and the SMS outbox (issue 4). */

const enc = encodeURIComponent;

export const SECURITY_EVENT_KINDS = ['login_burst', 'code_bruteforce', 'lockouts', 'enumeration', 'token_forgery', 'token_replay', 'flood'] as const;
export const EVENT_KIND_LABELS: Record<string, string> = {
  login_burst: 'Login failure burst', code_bruteforce: 'Code brute force', lockouts: 'Many lockouts', enumeration: 'Id enumeration',
  token_forgery: 'Forged tokens', token_replay: 'Replayed tokens', flood: 'Request flood',
};

export interface SecuritySample {
  at: string;
  kind: string;
  ip?: string;
  customerId?: string;
  subject?: string;
  details?: Record<string, unknown>;
}

export interface SecurityEvent {
  id: string;
  kind: string;
  severity: string;
  status: 'open' | 'acknowledged';
  /** What was counted: 'ip:…', 'subnet:…', 'customer:…', 'subject:…'. */
  source: string;
  ip: string | null;
  subnet: string | null;
  customerId: string | null;
  subject: string | null;
  count: number;
  evidence: Record<string, unknown> & { samples?: SecuritySample[] };
  alertId: string | null;
  blockId: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface IpBlock {
  id: string;
  cidr: string;
  family: number;
  /** public: the public surface; all: staff routes too. */
  scope: 'public' | 'all';
  status: 'active' | 'expired' | 'removed';
  reason: string;
  createdBy: string;
  eventId: string | null;
  createdAt: string;
  expiresAt: string | null;
  removedAt: string | null;
  removedBy: string | null;
}

export const listSecurityEvents = (f: { kind?: string }, cursor?: string | null, limit = 50, signal?: AbortSignal) =>
  admin<Page<SecurityEvent>>('GET', `/v1/admin/security/events${qs({ kind: f.kind || undefined, cursor, limit })}`, undefined, signal);
export const acknowledgeEvent = (id: string) => admin<SecurityEvent>('POST', `/v1/admin/security/events/${enc(id)}/acknowledge`, {});

export const listIpBlocks = (status: 'active' | 'all') => admin<{ data: IpBlock[] }>('GET', `/v1/admin/security/ip-blocks${qs({ status, limit: 500 })}`);
export const createIpBlock = (b: { cidr: string; reason: string; expiresInMinutes?: number; scope?: 'public' | 'all' }) =>
  admin<IpBlock>('POST', '/v1/admin/security/ip-blocks', b);
export const removeIpBlock = (id: string) => admin<IpBlock>('DELETE', `/v1/admin/security/ip-blocks/${enc(id)}`);

export interface GatewayMetrics {
  breaker: { state: 'closed' | 'open' | 'half_open' | 'isolated'; openedAt: string | null; consecutiveFailures: number };
  inFlight: number;
  queued: number;
  calls: number;
  successes: number;
  refusals: number;
  failures: number;
  timeouts: number;
  rejected: { rate_customer: number; rate_global: number; concurrency_customer: number; concurrency_global: number; breaker_open: number };
  latencyMs: { samples: number; p50: number | null; p99: number | null; max: number | null };
  settings: {
    ratePerCustomerPerMinute: number; rateGlobalPerSecond: number; concurrencyPerCustomer: number; concurrencyGlobal: number;
    timeoutMs: number; breakerFailures: number; breakerHalfOpenMs: number;
  };
  rateLimitStore: 'memory' | 'redis';
}
export const getGateway = () => admin<GatewayMetrics>('GET', '/v1/admin/gateway');

export type BillPostingStatus = 'queued' | 'posted' | 'failed';
export const BILL_POSTING_STATUSES: BillPostingStatus[] = ['queued', 'posted', 'failed'];
export interface BillPosting {
  id: string;
  customerId: string;
  billId: string;
  amount: Money;
  reference: string;
  status: BillPostingStatus;
  attempts: number;
  lastError: string | null;
  internalPaymentId: string | null;
  postedAt: string | null;
  failedAt: string | null;
  failureReason: string | null;
  createdAt: string;
  updatedAt: string;
}
export interface BillPostingDetail extends BillPosting {
  history: Array<{ from: string | null; to: string; actor: string; reason: string | null; at: string }>;
}
export const listBillPostings = (f: { status?: string; customerId?: string }, cursor?: string | null, limit = 50, signal?: AbortSignal) =>
  admin<Page<BillPosting>>('GET', `/v1/admin/bill-postings${qs({ status: f.status || undefined, customerId: f.customerId || undefined, cursor, limit })}`, undefined, signal);
export const getBillPosting = (id: string) => admin<BillPostingDetail>('GET', `/v1/admin/bill-postings/${enc(id)}`);

export interface SmsMessage {
  id: string;
  to: string;
  body: string;
  createdAt: string;
}
export const listSmsOutbox = (cursor?: string | null, limit = 50) => admin<Page<SmsMessage>>('GET', `/v1/admin/sms-outbox${qs({ cursor, limit })}`);
