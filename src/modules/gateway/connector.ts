import { AppError, isAppError, type ErrorCode } from '../../platform/errors.ts';

/**
 * The port to the company's internal accounting system (customers' contracts, bills and bill payments) and
 * its HTTP adapter. The public side never calls it directly: every call goes through the guarded gateway
 * (gateway.ts), which passes the AbortSignal the adapter honours.
 *
 * Errors are AppErrors:
 *   not_found (404)             the system has no such customer/bill
 *   conflict (409)              e.g. an idempotency key reused with different contents
 *   unprocessable (422)         e.g. the amount is not the bill's open amount, the bill is already paid
 *   bad_request (400)           the system refused our request as malformed
 *   upstream_unavailable (503)  network error, 5xx, a rejected API key, a wrong base URL, an unexpected body
 *   upstream_timeout (504)      the call was aborted (the gateway's timeout) or took longer than the adapter's own limit
 * 4xx refusals carry details { upstreamStatus, upstreamCode }: they are permanent (retrying cannot help). A 4xx counts
 * as the system's refusal only with its `x-accounting-system` header and error body; otherwise it is upstream_unavailable.
 */

export interface Money { amount: number; currency: string }
export interface AccountingCustomer { id: string; ref: string; accountNo: string }
export interface Contract { id: string; number: string; service: string; title: string; status: string; monthlyAmount: Money; startedOn: string }
export interface Bill {
  id: string; number: string; customerRef: string; contractId: string | null; description: string; period: string;
  amount: Money; openAmount: Money; dueOn: string; status: 'open' | 'paid'; paymentId: string | null; issuedAt: string; paidAt: string | null;
}
export interface InternalPayment { id: string; billId: string; amount: Money; reference: string; paidAt: string; createdAt: string }
export interface PostPaymentInput {
  /** The same key always yields the same payment (a retry after a timeout never pays twice). */
  idempotencyKey: string;
  billId: string;
  amount: Money;
  reference: string;
  /** Part of the request's identity: send the same value on every retry. */
  paidAt: Date | string;
}

export interface AccountingConnector {
  /** Looks the customer up by our key (the Tollgate customer id), enrolling them when new. Idempotent. */
  enrolCustomer(ref: string, profile: { name?: string; email?: string }, signal?: AbortSignal): Promise<AccountingCustomer & { created: boolean }>;
  listBills(ref: string, status?: 'open' | 'paid', signal?: AbortSignal): Promise<Bill[]>;
  getBill(id: string, signal?: AbortSignal): Promise<Bill>;
  listContracts(ref: string, signal?: AbortSignal): Promise<Contract[]>;
  postPayment(input: PostPaymentInput, signal?: AbortSignal): Promise<{ payment: InternalPayment; replayed: boolean }>;
}

/** A refusal by the internal system itself (4xx with its error body): retrying the same call cannot succeed. */
export function isPermanentRefusal(err: unknown): err is AppError {
  return isAppError(err) && typeof err.details?.upstreamStatus === 'number' && (err.details.upstreamStatus as number) < 500
    && (['not_found', 'conflict', 'unprocessable', 'bad_request'] as ErrorCode[]).includes(err.code);
}

/** The internal system could not be reached or did not answer usefully: worth retrying later. */
export function isTransientUpstream(err: unknown): boolean {
  return isAppError(err) && (err.code === 'upstream_unavailable' || err.code === 'upstream_timeout');
}

export interface HttpConnectorOptions {
  /** e.g. http://127.0.0.1:3000/internal-accounting/api */
  baseUrl: string;
  apiKey: string;
  /** Upper bound of one call when the caller gives no signal (default 10 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const REFUSALS: Record<number, ErrorCode> = { 400: 'bad_request', 404: 'not_found', 409: 'conflict', 422: 'unprocessable' };

export class HttpAccountingConnector implements AccountingConnector {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;

  constructor(private readonly opts: HttpConnectorOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.fetch = opts.fetch ?? fetch;
  }

  async enrolCustomer(ref: string, profile: { name?: string; email?: string }, signal?: AbortSignal) {
    const body: Record<string, string> = {};
    if (profile.name) body.name = profile.name;
    if (profile.email) body.email = profile.email;
    const { status, json } = await this.call('PUT', `/customers/${encodeURIComponent(ref)}`, body, signal);
    const c = json as AccountingCustomer;
    if (typeof c?.id !== 'string' || typeof c.accountNo !== 'string') throw unexpected('customer');
    return { id: c.id, ref: c.ref, accountNo: c.accountNo, created: status === 201 };
  }

  async listBills(ref: string, status?: 'open' | 'paid', signal?: AbortSignal): Promise<Bill[]> {
    const q = status ? `?status=${status}` : '';
    const { json } = await this.call('GET', `/customers/${encodeURIComponent(ref)}/bills${q}`, undefined, signal);
    return listOf<Bill>(json, isBill, 'bill list');
  }

  async getBill(id: string, signal?: AbortSignal): Promise<Bill> {
    const { json } = await this.call('GET', `/bills/${encodeURIComponent(id)}`, undefined, signal);
    if (!isBill(json)) throw unexpected('bill');
    return json;
  }

  async listContracts(ref: string, signal?: AbortSignal): Promise<Contract[]> {
    const { json } = await this.call('GET', `/customers/${encodeURIComponent(ref)}/contracts`, undefined, signal);
    return listOf<Contract>(json, (c) => typeof (c as Contract)?.id === 'string' && typeof (c as Contract).number === 'string', 'contract list');
  }

  async postPayment(input: PostPaymentInput, signal?: AbortSignal) {
    const paidAt = typeof input.paidAt === 'string' ? input.paidAt : input.paidAt.toISOString();
    const { status, json } = await this.call('POST', '/payments', {
      idempotencyKey: input.idempotencyKey, billId: input.billId, amount: { amount: input.amount.amount, currency: input.amount.currency }, reference: input.reference, paidAt,
    }, signal);
    const p = json as InternalPayment;
    if (typeof p?.id !== 'string' || typeof p.billId !== 'string') throw unexpected('payment');
    return { payment: p, replayed: status === 200 };
  }

  private async call(method: string, path: string, body: unknown, signal?: AbortSignal): Promise<{ status: number; json: unknown }> {
    const own = AbortSignal.timeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, own]) : own;
    let res: Response;
    let text: string;
    try {
      res = await this.fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { 'x-api-key': this.opts.apiKey, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: combined,
      });
      text = await res.text();
    } catch (err) {
      if (combined.aborted) {
        const why = signal?.aborted ? 'the call was aborted' : `no answer within ${this.timeoutMs} ms`;
        throw new AppError('upstream_timeout', `the accounting system did not answer in time (${why})`);
      }
      // the cause (addresses, errno) stays off the client's answer; operators see it in bill postings' last_error
      throw Object.assign(new AppError('upstream_unavailable', 'the accounting system cannot be reached'), { cause: err });
    }
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      throw new AppError('upstream_unavailable', `the accounting system answered ${res.status} with a non-JSON body`, { upstreamStatus: res.status });
    }
    if (res.status >= 200 && res.status < 300) return { status: res.status, json };
    const e = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    const upstreamCode = typeof e?.code === 'string' ? e.code : undefined;
    const refusal = REFUSALS[res.status];
    // A refusal counts only when the system itself answered (its header and error body): a 404 from a proxy or
    // another server means a wrong base URL, and so does the system's unknown route (no_route) — retrying later,
    // once the configuration is fixed, is right; calling it "no such bill" would fail the payment for good.
    if (refusal && upstreamCode && upstreamCode !== 'no_route' && res.headers.has('x-accounting-system')) {
      const message = typeof e?.message === 'string' ? e.message.slice(0, 300) : `refused (${upstreamCode})`;
      throw new AppError(refusal, `accounting system: ${message}`, { upstreamStatus: res.status, upstreamCode });
    }
    if (res.status >= 500) throw new AppError('upstream_unavailable', `the accounting system is unavailable (${res.status})`, { upstreamStatus: res.status, upstreamCode });
    // 401/403 (API key), 429, unknown routes: the configuration or the system's state must change first.
    throw new AppError('upstream_unavailable', `the accounting system rejected the call (${res.status}${upstreamCode ? ` ${upstreamCode}` : ''})`, { upstreamStatus: res.status, upstreamCode });
  }
}

const unexpected = (what: string) => new AppError('upstream_unavailable', `the accounting system sent an unexpected ${what} body`);

function isBill(b: unknown): b is Bill {
  const x = b as Bill;
  return typeof x?.id === 'string' && typeof x.amount?.amount === 'number' && typeof x.amount.currency === 'string' && (x.status === 'open' || x.status === 'paid');
}

function listOf<T>(json: unknown, ok: (x: unknown) => boolean, what: string): T[] {
  const data = (json as { data?: unknown })?.data;
  if (!Array.isArray(data) || !data.every(ok)) throw unexpected(what);
  return data as T[];
}
