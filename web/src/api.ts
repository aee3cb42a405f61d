/**
 * The one API client of the web app. Every call goes through `request`, every failure is an ApiError.
 * Server errors arrive as { "error": { "code", "message" } }; network failures get code 'network_error'.
 */

export interface Money {
  amount: number;
  currency: string;
}

// ---------- errors ----------

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details?: unknown;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
  /** Worth retrying with the same idempotency key (the request may or may not have been applied). */
  get retryable(): boolean {
    return this.status === 0 || this.status >= 500 || this.code === 'idempotency_in_progress';
  }
}

/** Server messages are lower-case fragments ("this order cannot be accepted"); show them as sentences. */
export function sentence(s: string): string {
  const t = s.trim();
  if (!t) return t;
  const cap = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(cap) ? cap : `${cap}.`;
}

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return sentence(e.message);
  if (e instanceof Error) return sentence(e.message);
  return 'Something went wrong.';
}

// ---------- transport ----------

interface RequestOptions {
  body?: unknown;
  token?: string | null;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
      credentials: 'same-origin',
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network_error', 'Cannot reach the server. Check your connection and try again.');
  }
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    throw new ApiError(
      res.status,
      err?.code ?? (res.status === 401 ? 'unauthorized' : res.status >= 500 ? 'internal' : 'http_error'),
      err?.message ?? defaultMessage(res.status),
      err?.details,
    );
  }
  return data as T;
}

function defaultMessage(status: number): string {
  if (status === 401) return 'Please sign in again.';
  if (status === 403) return 'You are not allowed to do this.';
  if (status === 404) return 'Not found.';
  if (status === 429) return 'Too many requests. Please wait a moment and try again.';
  if (status >= 500) return 'The server had a problem. Please try again.';
  return `Request failed (${status}).`;
}

export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

const enc = encodeURIComponent;

// ---------- storefront ----------

export type ProductType = 'topup' | 'key';

export interface PublicProduct {
  id: string;
  sku?: string;
  name: string;
  description: string;
  type: ProductType;
  platform: string | null;
  coins: number | null;
  maxQuantity: number;
  price: Money;
  /** false when a key-stock product is sold out. */
  inStock?: boolean;
}

type RawPublicProduct = Omit<PublicProduct, 'price'> & { price?: Money; prices?: Money[] };

/** GET /v1/products → { data: [...] }. Accepts `price` or `prices[]` (first price wins). */
export async function listProducts(signal?: AbortSignal): Promise<PublicProduct[]> {
  const res = await request<{ data: RawPublicProduct[] }>('GET', '/v1/products', { signal });
  return res.data
    .map((p) => ({ ...p, maxQuantity: p.maxQuantity ?? 10, price: (p.price ?? p.prices?.[0]) as Money }))
    .filter((p) => p.price);
}

export interface PlatformUser {
  userId: string;
  displayName: string;
}

export function lookupPlatformUser(platform: string, userId: string, signal?: AbortSignal): Promise<PlatformUser> {
  return request('GET', `/v1/platforms/${enc(platform)}/users/${enc(userId)}`, { signal });
}

export interface CreateOrderInput {
  email: string;
  items: { productId: string; quantity: number }[];
  platformUserId?: string;
  /** For the risk engine: a device id this browser keeps, and ms from page load to pay. */
  deviceId?: string;
  checkoutDurationMs?: number;
}

export interface CreatedOrder {
  id: string;
  status: string;
  total: Money;
  clientSecret: string;
  payment: { id: string; gateway: string; checkoutUrl: string };
}

export function createOrder(input: CreateOrderInput, idempotencyKey: string): Promise<CreatedOrder> {
  return request('POST', '/v1/orders', { body: input, headers: { 'Idempotency-Key': idempotencyKey } });
}

// ---------- order page ----------

export type OrderStatus =
  | 'pending_payment'
  | 'paid'
  | 'on_hold'
  | 'fulfilling'
  | 'fulfilled'
  | 'failed'
  | 'refunded'
  | 'expired'
  | 'cancelled'
  | (string & {});

export const TERMINAL_STATUSES: readonly string[] = ['fulfilled', 'failed', 'refunded', 'expired', 'cancelled'];

export interface OrderLine {
  id: string;
  productId: string;
  name: string;
  type: ProductType;
  quantity: number;
  unitPrice: Money;
  lineTotal: Money;
  coins: number | null;
}

export interface Fulfilment {
  id: string;
  lineId: string;
  driver: string;
  status: 'pending' | 'in_progress' | 'delivered' | 'failed';
  delivered: { codes?: string[]; coins?: number; platformUserId?: string; note?: string } | null;
  /** Console only. */
  error?: string | null;
  reference?: string;
}

export interface HistoryEntry {
  from: string | null;
  to: string;
  at: string;
  actor: string;
  reason: string | null;
}

export interface OrderView {
  id: string;
  status: OrderStatus;
  email: string;
  platform: string | null;
  platformUserId: string | null;
  platformUserName: string | null;
  total: Money;
  holdReason: string | null;
  lines: OrderLine[];
  payment: { id: string; status: string; gateway: string; checkoutUrl: string | null } | null;
  fulfilments: Fulfilment[];
  history: HistoryEntry[];
  createdAt: string;
  expiresAt: string;
}

export function getOrder(id: string, secret: string, signal?: AbortSignal): Promise<OrderView> {
  return request('GET', `/v1/orders/${enc(id)}`, { token: secret, signal });
}

// ---------- staff session ----------

export type Permission =
  | 'orders:read'
  | 'orders:write'
  | 'catalog:read'
  | 'catalog:write'
  | 'blacklist:read'
  | 'blacklist:write'
  | 'automation:write'
  | 'staff:manage'
  | 'audit:read'
  | 'jobs:read'
  | 'jobs:write'
  | 'alerts:read'
  | 'outbox:read'
  | 'agents:manage'
  | 'risk:read'
  | 'risk:write'
  | 'risk:review'
  | (string & {});

export interface StaffUser {
  id: string;
  email: string;
  name: string;
  role: string;
  permissions: Permission[];
}

export interface StaffSession {
  token: string;
  expiresAt: string;
  staff: StaffUser;
}

export function login(email: string, password: string): Promise<StaffSession> {
  return request('POST', '/v1/staff/sessions', { body: { email, password } });
}

let staffToken: string | null = null;
let onStaffUnauthorized: () => void = () => {};

/** The console sets its token here once; a 401 from any admin call invokes `onUnauthorized`. */
export function setStaffAuth(token: string | null, onUnauthorized: () => void = () => {}): void {
  staffToken = token;
  onStaffUnauthorized = onUnauthorized;
}

/** A staff API call with the console's token (a 401 signs the console out). Section clients (console/cards) build on it. */
export async function admin<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  try {
    return await request<T>(method, path, { body, token: staffToken, signal });
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) onStaffUnauthorized();
    throw e;
  }
}

export function logout(): Promise<void> {
  return admin<void>('DELETE', '/v1/staff/sessions/current').catch(() => undefined);
}

// ---------- automation & alerts ----------

export interface AutomationState {
  paused: boolean;
  changedAt: string | null;
  changedBy: string | null;
  reason: string | null;
}

export const getAutomation = () => admin<AutomationState>('GET', '/v1/admin/automation');
export const pauseAutomation = (reason?: string) => admin<AutomationState>('POST', '/v1/admin/automation/pause', { reason });
export const resumeAutomation = (reason?: string) => admin<AutomationState>('POST', '/v1/admin/automation/resume', { reason });

export interface Alert {
  id: string;
  severity: 'info' | 'warning' | 'critical' | (string & {});
  kind: string;
  message: string;
  subjectId: string | null;
  createdAt: string;
}

export const listOpenAlerts = () => admin<{ data: Alert[] }>('GET', '/v1/admin/alerts?open=true');
export const ackAlert = (id: string) => admin<unknown>('POST', `/v1/admin/alerts/${enc(id)}/ack`, {});

// ---------- orders (admin) ----------

export interface AdminOrderRow {
  id: string;
  status: OrderStatus;
  email: string;
  platformUserId: string | null;
  total: Money;
  createdAt: string;
  updatedAt: string;
  holdReason: string | null;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface OrderFilters {
  status?: string;
  q?: string;
  from?: string;
  to?: string;
}

export const listOrders = (f: OrderFilters, cursor?: string | null, signal?: AbortSignal) =>
  admin<Page<AdminOrderRow>>('GET', `/v1/admin/orders${qs({ ...f, cursor, limit: 50 })}`, undefined, signal);

export interface AdminPayment {
  id: string;
  status: string;
  gateway: string;
  gatewayRef: string | null;
  amount: Money;
  captured: Money | null;
  failureReason: string | null;
  createdAt: string;
}

export interface AdminJob {
  id: string;
  kind: string;
  queue?: string;
  status: string;
  attempts: number;
  lastError: string | null;
  updatedAt: string;
}

export interface AdminOrderView extends OrderView {
  ip: string | null;
  payments: AdminPayment[];
  jobs: AdminJob[];
}

export const getAdminOrder = (id: string) => admin<AdminOrderView>('GET', `/v1/admin/orders/${enc(id)}`);
export const completeFulfilment = (orderId: string, fulfilmentId: string, note: string) =>
  admin<unknown>('POST', `/v1/admin/orders/${enc(orderId)}/fulfilments/${enc(fulfilmentId)}/complete`, { note });
export const releaseHold = (orderId: string, reason: string) =>
  admin<unknown>('POST', `/v1/admin/orders/${enc(orderId)}/release-hold`, { reason });
export const refundOrder = (orderId: string, reason: string) =>
  admin<unknown>('POST', `/v1/admin/orders/${enc(orderId)}/refund`, { reason });
export const cancelOrder = (orderId: string, reason: string) =>
  admin<unknown>('POST', `/v1/admin/orders/${enc(orderId)}/cancel`, { reason });
export const retryFulfilment = (orderId: string) =>
  admin<unknown>('POST', `/v1/admin/orders/${enc(orderId)}/retry-fulfilment`, {});

// ---------- catalog (admin) ----------

export type FulfilmentDriver = 'key-stock' | 'demo-platform-api' | 'demo-platform-browser' | 'manual';

export interface AdminProduct {
  id: string;
  sku: string;
  name: string;
  description: string;
  type: ProductType;
  platform: string | null;
  coins: number | null;
  fulfilmentDriver: FulfilmentDriver;
  active: boolean;
  maxQuantity: number;
  prices: Money[];
  stock: { available: number; reserved: number; delivered: number } | null;
}

export interface NewProduct {
  sku: string;
  name: string;
  description: string;
  type: ProductType;
  platform?: string;
  coins?: number;
  fulfilmentDriver: FulfilmentDriver;
  maxQuantity: number;
  prices: Money[];
  active?: boolean;
}

export interface ProductPatch {
  name?: string;
  description?: string;
  active?: boolean;
  maxQuantity?: number;
  prices?: Money[];
}

export const listAdminProducts = () => admin<{ data: AdminProduct[] }>('GET', '/v1/admin/products');
export const createProduct = (p: NewProduct) => admin<AdminProduct>('POST', '/v1/admin/products', p);
export const updateProduct = (id: string, p: ProductPatch) => admin<AdminProduct>('PATCH', `/v1/admin/products/${enc(id)}`, p);
export const addKeys = (id: string, codes: string[]) =>
  admin<{ added: number; duplicates: number }>('POST', `/v1/admin/products/${enc(id)}/keys`, { codes });

// ---------- blacklist ----------

export type BlacklistKind = 'platform_user' | 'email' | 'ip' | 'phone';

export interface BlacklistEntry {
  id: string;
  kind: BlacklistKind;
  value: string;
  reason: string;
  expiresAt: string | null;
  createdBy: string;
  createdAt: string;
}

export const listBlacklist = () => admin<{ data: BlacklistEntry[] }>('GET', '/v1/admin/blacklist');
export const addBlacklist = (e: { kind: BlacklistKind; value: string; reason: string; expiresAt?: string }) =>
  admin<BlacklistEntry>('POST', '/v1/admin/blacklist', e);
export const removeBlacklist = (id: string) => admin<unknown>('DELETE', `/v1/admin/blacklist/${enc(id)}`);

// ---------- jobs ----------

export interface JobRow {
  id: string;
  queue: string;
  kind: string;
  status: string;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  payload: unknown;
  updatedAt: string;
}

export interface JobCounts {
  queued: number;
  running: number;
  done: number;
  dead: number;
  cancelled?: number;
}

export const listJobs = (status: string) =>
  admin<{ data: JobRow[]; counts: JobCounts }>('GET', `/v1/admin/jobs${qs({ status })}`);
export const retryJob = (id: string) => admin<unknown>('POST', `/v1/admin/jobs/${enc(id)}/retry`, {});

// ---------- outbox ----------

export interface OutboxMessage {
  id: string;
  recipient: string;
  subject: string;
  bodyText: string;
  createdAt: string;
  status: string;
  subjectId?: string | null;
  sentAt?: string | null;
}

export const listOutbox = () => admin<{ data: OutboxMessage[] }>('GET', '/v1/admin/outbox');

// ---------- staff & agents ----------

export type StaffRole = 'admin' | 'operator' | 'analyst' | 'support';
export const STAFF_ROLES: StaffRole[] = ['admin', 'operator', 'analyst', 'support'];

export interface StaffRow {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  active: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

export const listStaff = () => admin<{ data: StaffRow[] }>('GET', '/v1/admin/staff');
export const createStaff = (s: { email: string; name: string; role: StaffRole; password: string }) =>
  admin<StaffRow>('POST', '/v1/admin/staff', s);
export const updateStaff = (id: string, p: { role?: StaffRole; active?: boolean }) =>
  admin<StaffRow>('PATCH', `/v1/admin/staff/${enc(id)}`, p);

export interface AgentRow {
  id: string;
  name: string;
  queues: string[];
  active: boolean;
  createdAt: string;
  lastSeenAt: string | null;
}

export const listAgents = () => admin<{ data: AgentRow[] }>('GET', '/v1/admin/agents');
export const setAgentActive = (id: string, active: boolean) =>
  admin<void>('POST', `/v1/admin/agents/${enc(id)}/${active ? 'enable' : 'disable'}`, {});
export const createAgent = (a: { name: string; queues: string[] }) =>
  admin<{ id: string; token: string }>('POST', '/v1/admin/agents', a);

// ---------- audit ----------

export interface AuditRow {
  id: string;
  actor: string;
  action: string;
  subjectId: string | null;
  details: unknown;
  ip: string | null;
  at: string;
}

export const listAudit = (cursor?: string | null) => admin<Page<AuditRow>>('GET', `/v1/admin/audit${qs({ cursor })}`);

// ---------- risk ----------

export const RISK_EVENT_KINDS = ['checkout', 'card_authorization', 'transfer', 'login', 'signup'] as const;
export type RiskEventKind = (typeof RISK_EVENT_KINDS)[number];
export const RISK_DECISIONS = ['allow', 'review', 'block'] as const;
export type RiskDecisionValue = (typeof RISK_DECISIONS)[number];
export const RULE_ACTIONS = ['block', 'review', 'allow', 'score'] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];
export const SIDE_ACTIONS = ['blacklist', 'freeze_card', 'alert'] as const;
export type SideAction = (typeof SIDE_ACTIONS)[number];
export type RuleMode = 'active' | 'shadow';
export const RISK_LIST_KINDS = ['ip', 'email', 'email_domain', 'bin', 'card_fingerprint', 'device', 'platform_user', 'asn', 'country', 'phone', 'customer'] as const;
export type RiskListKind = (typeof RISK_LIST_KINDS)[number];
export type RiskLabel = 'fraud' | 'legit';

export interface RiskRule {
  id: string;
  name: string;
  description: string;
  version: number;
  expression: string;
  events: RiskEventKind[];
  action: RuleAction;
  score: number;
  sideActions: SideAction[];
  mode: RuleMode;
  enabled: boolean;
  /** Key of the built-in pack rule this came from, or null for analysts' own rules. */
  builtin: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface RuleInput {
  name: string;
  description?: string;
  expression: string;
  events: RiskEventKind[];
  action: RuleAction;
  score?: number;
  sideActions?: SideAction[];
  mode?: RuleMode;
  enabled?: boolean;
}

/** A compile error: `position` is a 0-based offset, `line`/`column` 1-based, `length` characters to mark (0 at end of input). */
export interface RuleCompileError {
  message: string;
  position: number;
  line: number;
  column: number;
  length: number;
}

export interface RuleCheck {
  ok: boolean;
  references?: string[];
  error?: RuleCompileError;
}

/** One stored version of a rule. */
export interface RuleVersion {
  version: number;
  name: string;
  expression: string;
  events: string[];
  action: string;
  score: number;
  sideActions: string[];
  mode: string;
  enabled: boolean;
  deleted: boolean;
  changedBy: string;
  changedAt: string;
}

export interface RiskFeature {
  path: string;
  type: string;
}

export interface BacktestResult {
  evaluated: number;
  matched: number;
  missing: number;
  matchedByDecision: Record<string, number>;
  matchedFraud: number;
  matchedLegit: number;
  fraudTotal: number;
  fraudMissed: number;
}

export const listRiskRules = () => admin<{ data: RiskRule[]; rulesetVersion: number }>('GET', '/v1/admin/risk/rules');
export const createRiskRule = (r: RuleInput) => admin<RiskRule>('POST', '/v1/admin/risk/rules', r);
export const updateRiskRule = (id: string, p: Partial<RuleInput>) => admin<RiskRule>('PATCH', `/v1/admin/risk/rules/${enc(id)}`, p);
export const deleteRiskRule = (id: string) => admin<void>('DELETE', `/v1/admin/risk/rules/${enc(id)}`);
export const listRuleVersions = (id: string) => admin<{ data: RuleVersion[] }>('GET', `/v1/admin/risk/rules/${enc(id)}/versions`);
export const checkRuleExpression = (expression: string, signal?: AbortSignal) =>
  admin<RuleCheck>('POST', '/v1/admin/risk/rules/check', { expression }, signal);
export const listRiskFeatures = () => admin<{ data: RiskFeature[] }>('GET', '/v1/admin/risk/features');
export const runBacktest = (b: { expression: string; from: string; to: string }) => admin<BacktestResult>('POST', '/v1/admin/risk/backtest', b);

export interface RiskReason {
  rule: string;
  message: string;
  /** block | review | allow | "score +N" | snoozed | skipped (not judged: a feature was missing). */
  effect: string;
}

export interface ShadowHit {
  rule: string;
  action: string;
  score: number;
}

export interface RiskDecision {
  id: string;
  kind: string;
  subjectId: string | null;
  decision: RiskDecisionValue;
  score: number;
  reasons: RiskReason[];
  actions: Array<{ type: string; rule: string }>;
  shadow: ShadowHit[] | null;
  features: Record<string, unknown>;
  rulesetVersion: number;
  label: RiskLabel | null;
  labelReason: string | null;
  labelledBy: string | null;
  labelledAt: string | null;
  createdAt: string;
}

export interface DecisionFilters {
  from?: string;
  to?: string;
  decision?: string;
  kind?: string;
  rule?: string;
  label?: string;
}

export const listRiskDecisions = (f: DecisionFilters, cursor?: string | null, signal?: AbortSignal) =>
  admin<Page<RiskDecision>>('GET', `/v1/admin/risk/decisions${qs({ ...f, cursor, limit: 50 })}`, undefined, signal);
export const getRiskDecision = (id: string) => admin<RiskDecision>('GET', `/v1/admin/risk/decisions/${enc(id)}`);
export const labelRiskDecision = (id: string, label: RiskLabel | null, reason?: string) =>
  admin<void>('POST', `/v1/admin/risk/decisions/${enc(id)}/label`, { label, ...(reason ? { reason } : {}) });
export const topRiskRules = (f: { from?: string; to?: string }) =>
  admin<{ data: Array<{ rule: string; effect: string; n: number }>; shadow: Array<{ rule: string; action: string; n: number }> }>('GET', `/v1/admin/risk/top-rules${qs(f)}`);
export const riskReportUrl = (f: DecisionFilters) => `/v1/admin/risk/report.csv${qs({ ...f })}`;

/** GETs a file with the staff token (a plain link cannot send the Bearer header) and returns it as a Blob. */
export async function downloadAdmin(path: string): Promise<Blob> {
  let res: Response;
  try {
    res = await fetch(path, { headers: staffToken ? { Authorization: `Bearer ${staffToken}` } : {}, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network_error', 'Cannot reach the server. Check your connection and try again.');
  }
  if (!res.ok) {
    if (res.status === 401) onStaffUnauthorized();
    let err: { code?: string; message?: string } | undefined;
    try { err = ((await res.json()) as { error?: { code?: string; message?: string } }).error; } catch { /* not JSON */ }
    throw new ApiError(res.status, err?.code ?? 'http_error', err?.message ?? defaultMessage(res.status));
  }
  return res.blob();
}

export interface ReviewItem {
  orderId: string;
  email: string;
  total: Money;
  heldAt: string;
  approvedAt: string | null;
  /** Why it is held, in words (from the order's timeline). */
  holdReason: string | null;
  payment: { id: string; status: string; authorizedAt: string | null; card: { bin: string | null; last4: string | null } | null } | null;
  decision: { id: string; decision: string; score: number; reasons: RiskReason[] } | null;
}

export const listReviews = () => admin<{ data: ReviewItem[] }>('GET', '/v1/admin/risk/reviews');
export const approveReview = (orderId: string, reason: string) =>
  admin<OrderView>('POST', `/v1/admin/risk/reviews/${enc(orderId)}/approve`, { reason });
export const rejectReview = (orderId: string, reason: string, blacklist: boolean) =>
  admin<OrderView>('POST', `/v1/admin/risk/reviews/${enc(orderId)}/reject`, { reason, blacklist });

export interface RiskListEntry {
  id: string;
  list: 'allow' | 'block';
  kind: RiskListKind;
  value: string;
  reason: string;
  expiresAt: string | null;
  /** staff: added by a person; rule: added by a rule's side action or a rejected review. */
  source: string;
  createdBy: string;
  createdAt: string;
}

export interface RiskSnooze {
  id: string;
  ruleId: string;
  kind: RiskListKind;
  value: string;
  until: string;
  reason: string;
  createdBy: string;
  createdAt: string;
}

export const listRiskLists = (f: { list?: string; kind?: string } = {}) => admin<{ data: RiskListEntry[] }>('GET', `/v1/admin/risk/lists${qs(f)}`);
export const addRiskListEntry = (e: { list: 'allow' | 'block'; kind: RiskListKind; value: string; reason: string; expiresAt?: string }) =>
  admin<RiskListEntry>('POST', '/v1/admin/risk/lists', e);
export const removeRiskListEntry = (id: string) => admin<void>('DELETE', `/v1/admin/risk/lists/${enc(id)}`);
export const listSnoozes = () => admin<{ data: RiskSnooze[] }>('GET', '/v1/admin/risk/snoozes');
export const addSnooze = (s: { ruleId: string; kind: RiskListKind; value: string; until: string; reason: string }) =>
  admin<{ id: string }>('POST', '/v1/admin/risk/snoozes', s);
export const removeSnooze = (id: string) => admin<void>('DELETE', `/v1/admin/risk/snoozes/${enc(id)}`);

export interface RiskSettings {
  reviewThreshold: number;
  blockThreshold: number;
  autoCaptureLimitUsd: number;
}

export const getRiskSettings = () => admin<RiskSettings>('GET', '/v1/admin/risk/settings');
export const updateRiskSettings = (p: Partial<RiskSettings>) => admin<RiskSettings>('PATCH', '/v1/admin/risk/settings', p);
