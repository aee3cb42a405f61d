import {
  PlatformRefused,
  PlatformUnavailable,
  type LookupResult,
  type PlatformDirectory,
  type PlatformTransfers,
  type TransferResult,
} from './directory.ts';

/**
 * Adapters for the demo platform (src/modules/demo-platform), spoken to over HTTP like any outside platform.
 * baseUrl is where the platform is mounted, e.g. "http://127.0.0.1:3000/demo-platform".
 */

/** Demo platform user ids: 6–32 chars of [a-z0-9_.], starting and ending with a letter or digit. */
export const DEMO_USER_ID_PATTERN = /^[a-z0-9][a-z0-9_.]{4,30}[a-z0-9]$/;

/** Customers type ids loosely: surrounding spaces, a leading "@" and capitals are not part of the id. */
export function normalizeDemoUserId(input: string): string {
  return input.trim().replace(/^@/, '').toLowerCase();
}

export interface DemoHttpOptions {
  baseUrl: string;
  /** Per-request timeout; default 3 s for lookups, 10 s for transfers. */
  timeoutMs?: number;
  /** Injectable for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

interface ErrorJson {
  error?: { code?: string; message?: string };
}

const trimSlash = (s: string) => s.replace(/\/+$/, '');

async function call(
  opts: Required<Pick<DemoHttpOptions, 'baseUrl' | 'timeoutMs'>> & { fetch: typeof fetch },
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: unknown }> {
  let res: Response;
  try {
    res = await opts.fetch(`${opts.baseUrl}${path}`, { ...init, signal: AbortSignal.timeout(opts.timeoutMs) });
  } catch (err) {
    const reason = (err as Error).name === 'TimeoutError' ? `timed out after ${opts.timeoutMs} ms` : (err as Error).message;
    throw new PlatformUnavailable(`demo platform unreachable: ${reason}`, { cause: err });
  }
  const text = await res.text().catch(() => '');
  if (res.status >= 500) throw new PlatformUnavailable(`demo platform answered ${res.status}`);
  // Every answer of the platform itself carries "x-platform: demo"; without it the base URL is wrong.
  if (res.headers.get('x-platform') !== 'demo') throw new PlatformUnavailable(`${opts.baseUrl} did not answer as the demo platform (${res.status})`);
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    throw new PlatformUnavailable(`demo platform answered ${res.status} with a non-JSON body`);
  }
  return { status: res.status, body };
}

const errorOf = (body: unknown) => (body as ErrorJson | undefined)?.error ?? {};

export class DemoPlatformDirectory implements PlatformDirectory {
  readonly platform = 'demo';
  private readonly opts: Required<Pick<DemoHttpOptions, 'baseUrl' | 'timeoutMs'>> & { fetch: typeof fetch };

  constructor(opts: DemoHttpOptions) {
    this.opts = { baseUrl: trimSlash(opts.baseUrl), timeoutMs: opts.timeoutMs ?? 3_000, fetch: opts.fetch ?? fetch };
  }

  /** The user id is normalized (trim, "@", lowercase) and validated locally; a malformed id makes no call. */
  async lookup(userId: string): Promise<LookupResult> {
    const id = normalizeDemoUserId(userId);
    if (!DEMO_USER_ID_PATTERN.test(id)) {
      return { status: 'malformed', message: 'user ids are 6-32 characters: letters a-z, digits, "_" and "."' };
    }
    const { status, body } = await call(this.opts, `/api/users/${encodeURIComponent(id)}`);
    if (status === 200) {
      const u = body as { userId?: unknown; displayName?: unknown };
      if (typeof u?.userId !== 'string' || typeof u.displayName !== 'string') throw new PlatformUnavailable('demo platform sent an unexpected user body');
      return { status: 'found', user: { userId: u.userId, displayName: u.displayName } };
    }
    if (status === 404) return { status: 'not_found' };
    const e = errorOf(body);
    if (status === 400 && e.code === 'malformed_user_id') return { status: 'malformed', message: e.message ?? 'malformed user id' };
    throw new PlatformUnavailable(`demo platform lookup answered ${status} ${e.code ?? ''}`.trim());
  }
}

export interface DemoApiTransfersOptions extends DemoHttpOptions {
  partnerKey: string;
}

/**
 * Sends coins through the partner API; the reference is the Idempotency-Key, so a retry after a timeout or
 * crash returns the first transfer (replayed: true) instead of sending twice.
 * Errors: PlatformRefused for business refusals (unknown recipient, insufficient balance, malformed input,
 * key reused with a different body); PlatformUnavailable for network errors, timeouts, 5xx and a rejected
 * partner key or an unknown route (an operator must fix the configuration; retrying later is right).
 */
export class DemoPlatformApiTransfers implements PlatformTransfers {
  readonly platform = 'demo';
  private readonly opts: Required<Pick<DemoHttpOptions, 'baseUrl' | 'timeoutMs'>> & { fetch: typeof fetch };
  private readonly partnerKey: string;

  constructor(opts: DemoApiTransfersOptions) {
    this.opts = { baseUrl: trimSlash(opts.baseUrl), timeoutMs: opts.timeoutMs ?? 10_000, fetch: opts.fetch ?? fetch };
    this.partnerKey = opts.partnerKey;
  }

  async sendCoins(input: { toUserId: string; coins: number; reference: string }): Promise<TransferResult> {
    const { status, body } = await call(this.opts, '/api/transfers', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${this.partnerKey}`,
        'idempotency-key': input.reference,
      },
      body: JSON.stringify({ toUserId: input.toUserId, coins: input.coins, reference: input.reference }),
    });
    if (status === 200 || status === 201) {
      const t = body as { transferId?: unknown };
      if (typeof t?.transferId !== 'string') throw new PlatformUnavailable('demo platform sent an unexpected transfer body');
      return { transferId: t.transferId, replayed: status === 200 };
    }
    const e = errorOf(body);
    const what = `${e.code ?? status}: ${e.message ?? 'refused'}`;
    if (status === 401 || status === 403 || status === 404 || status === 429) throw new PlatformUnavailable(`demo platform rejected the call (${what})`);
    throw new PlatformRefused(`demo platform refused the transfer (${what})`);
  }
}
