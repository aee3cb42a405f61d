import type { Browser, BrowserContext, Page } from 'playwright-core';

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;
import { PlatformRefused, PlatformUnavailable, type PlatformTransfers, type TransferResult } from './directory.ts';
import { DEMO_USER_ID_PATTERN, normalizeDemoUserId } from './demo.ts';

/**
 * Sends coins the way staff used to: logs into the demo platform's seller web UI in headless Chromium.
 * Never sends twice for one reference: it first searches the transfer history for the reference (the note
 * column) and returns the transfer found with replayed: true. Concurrent calls with the same reference in
 * this process share one attempt; across processes the caller must hold a lease (e.g. the job queue's).
 *
 * Errors: PlatformUnavailable when the browser or the site cannot be used (launch/navigation failure,
 * timeout, 5xx, seller login rejected, unexpected page); PlatformRefused for visible business errors
 * (unknown recipient, insufficient balance, malformed id/amount, reference already used for another transfer).
 * After an Unavailable the transfer may or may not have happened: retrying with the same reference is safe.
 */
export interface DemoBrowserOptions {
  /** Where the platform is mounted, e.g. "http://127.0.0.1:3000/demo-platform". */
  baseUrl: string;
  sellerPassword: string;
  sellerUserId?: string;
  chromiumPath?: string;
  /** Timeout for each element action; default 10 s. */
  actionTimeoutMs?: number;
  /** Timeout for each page load; default 15 s. */
  navigationTimeoutMs?: number;
  /** Use this already launched browser (shared by several drivers); close() then leaves it open. */
  browser?: Browser;
}

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic',
];

/** Error codes the seller UI shows (#error[data-code]) that are a refusal, not an outage. */
const BUSINESS_ERRORS = new Set(['unknown_recipient', 'insufficient_balance', 'malformed_user_id', 'self_transfer', 'invalid_amount', 'note_too_long']);
const MAX_REFERENCE_LENGTH = 200;

interface HistoryRow {
  transferId: string;
  note: string;
  toUserId: string;
  coins: number;
}

export class DemoPlatformBrowserTransfers implements PlatformTransfers {
  readonly platform = 'demo';
  private readonly baseUrl: string;
  private readonly o: Required<Omit<DemoBrowserOptions, 'baseUrl' | 'browser'>>;
  private readonly shared?: Browser;
  private browser?: Promise<Browser>;
  private readonly inflight = new Map<string, Promise<TransferResult>>();
  /** Cookies of the last successful seller login, reused by the next fresh context. */
  private storage?: StorageState;

  constructor(opts: DemoBrowserOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.shared = opts.browser;
    this.o = {
      sellerPassword: opts.sellerPassword,
      sellerUserId: opts.sellerUserId ?? 'seller',
      chromiumPath: opts.chromiumPath ?? '/usr/bin/chromium',
      actionTimeoutMs: opts.actionTimeoutMs ?? 10_000,
      navigationTimeoutMs: opts.navigationTimeoutMs ?? 15_000,
    };
  }

  sendCoins(input: { toUserId: string; coins: number; reference: string }): Promise<TransferResult> {
    const running = this.inflight.get(input.reference);
    if (running) return running;
    const p = this.send(input).finally(() => this.inflight.delete(input.reference));
    this.inflight.set(input.reference, p);
    return p;
  }

  /** Closes the browser this driver launched (a later call launches a new one); a browser passed in opts stays open. */
  async close(): Promise<void> {
    const b = this.browser;
    this.browser = undefined;
    if (b) await (await b.catch(() => undefined))?.close().catch(() => undefined);
  }

  private launch(): Promise<Browser> {
    if (this.shared) return Promise.resolve(this.shared);
    if (!this.browser) {
      // playwright-core is loaded on first use: a server that never drives a browser never pays for it.
      const p = import('playwright-core').then(({ chromium }) => chromium.launch({
        executablePath: this.o.chromiumPath, args: CHROMIUM_ARGS, timeout: 30_000,
        // Tollgate shuts down gracefully and closes the browser itself after in-flight deliveries; Playwright's
        // own signal handlers would kill Chromium mid-transfer.
        handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
      }));
      this.browser = p;
      p.then(
        (b) => b.on('disconnected', () => { if (this.browser === p) this.browser = undefined; }),
        () => { if (this.browser === p) this.browser = undefined; },
      );
    }
    return this.browser;
  }

  private async send(input: { toUserId: string; coins: number; reference: string }): Promise<TransferResult> {
    const toUserId = normalizeDemoUserId(input.toUserId);
    const { coins, reference } = input;
    if (!DEMO_USER_ID_PATTERN.test(toUserId)) throw new PlatformRefused(`malformed_user_id: "${input.toUserId}" is not a demo platform user id`);
    if (!Number.isSafeInteger(coins) || coins < 1) throw new PlatformRefused(`invalid_amount: ${coins}`);
    if (!reference.trim() || reference !== reference.trim() || reference.length > MAX_REFERENCE_LENGTH) {
      throw new PlatformRefused('invalid_reference: the reference must be 1-200 characters without surrounding spaces');
    }

    let browser: Browser;
    try {
      browser = await this.launch();
    } catch (err) {
      throw new PlatformUnavailable(`cannot launch Chromium at ${this.o.chromiumPath}: ${(err as Error).message}`, { cause: err });
    }
    const context = await browser.newContext({ baseURL: `${this.baseUrl}/`, storageState: this.storage }).catch((err: unknown) => {
      throw new PlatformUnavailable(`browser context failed: ${(err as Error).message}`, { cause: err });
    });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(this.o.actionTimeoutMs);
      page.setDefaultNavigationTimeout(this.o.navigationTimeoutMs);
      // Reuse the seller session of the previous transfer when it is still valid (saves a login per transfer).
      let rows = await this.history(page, reference);
      if (!rows) {
        await this.login(page);
        this.storage = await context.storageState();
        rows = await this.history(page, reference);
        if (!rows) throw new PlatformUnavailable('the seller session was not accepted right after logging in');
      }
      const previous = rows.find((r) => r.note === reference);
      if (previous) {
        if (previous.toUserId !== toUserId || previous.coins !== coins) {
          throw new PlatformRefused(`reference_conflict: reference ${reference} was already used for ${previous.coins} coins to ${previous.toUserId}`);
        }
        return { transferId: previous.transferId, replayed: true };
      }

      await page.fill('#recipient-search', toUserId);
      await this.submit(page, '#recipient-search-submit');
      await this.expect(page, `#recipient[data-user-id="${toUserId}"]`);

      await page.fill('#amount', String(coins));
      await page.fill('#note', reference);
      await this.submit(page, '#send-submit');
      await this.expect(page, '#confirmation');
      const confirmation = page.locator('#confirmation');
      const transferId = (await confirmation.locator('[data-testid=transfer-id]').textContent())?.trim() ?? '';
      const note = (await confirmation.locator('[data-testid=transfer-note]').textContent()) ?? '';
      if (!transferId || note !== reference) {
        throw new PlatformUnavailable(`confirmation page is not as expected (transfer id "${transferId}", note "${note}")`);
      }
      return { transferId, replayed: false };
    } catch (err) {
      if (err instanceof PlatformRefused || err instanceof PlatformUnavailable) throw err;
      throw new PlatformUnavailable(`demo platform browser session failed: ${(err as Error).message}`, { cause: err });
    } finally {
      await context.close().catch(() => undefined);
    }
  }

  /** Logs in as the seller (opening the login page unless it is already shown). */
  private async login(page: Page): Promise<void> {
    this.storage = undefined;
    if (!(await page.locator('#login-form').count())) await this.goto(page, 'login');
    await page.fill('#user-id', this.o.sellerUserId);
    await page.fill('#password', this.o.sellerPassword);
    await this.submit(page, '#login-submit');
    const code = await this.errorCode(page);
    if (code) throw new PlatformUnavailable(`seller login failed (${code}); check the demo seller password`);
    if (!(await page.locator('#balance').count())) throw new PlatformUnavailable(`unexpected page after login: ${page.url()}`);
  }

  /**
   * The seller's transfers whose note contains the reference (the UI filter); exact matching is the caller's.
   * undefined when the platform asks to log in first.
   */
  private async history(page: Page, reference: string): Promise<HistoryRow[] | undefined> {
    await this.goto(page, `seller?q=${encodeURIComponent(reference)}`);
    await this.expect(page, '#history, #login-form');
    if (await page.locator('#login-form').count()) return undefined;
    const rows = await page.locator('#history tr[data-testid=transfer-row]').evaluateAll((trs) =>
      trs.map((tr) => ({ ...(tr as HTMLElement).dataset })),
    );
    return rows.map((d) => ({ transferId: d.transferId ?? '', note: d.note ?? '', toUserId: d.toUserId ?? '', coins: Number(d.coins) }));
  }

  private async goto(page: Page, path: string): Promise<void> {
    let res;
    try {
      res = await page.goto(path, { waitUntil: 'domcontentloaded' });
    } catch (err) {
      throw new PlatformUnavailable(`cannot open ${this.baseUrl}/${path}: ${(err as Error).message}`, { cause: err });
    }
    if (!res || res.status() >= 500) throw new PlatformUnavailable(`demo platform answered ${res?.status() ?? 'nothing'} for ${path}`);
  }

  /** Clicks a submit button and waits for the next document to load (race-free: listener first). */
  private async submit(page: Page, selector: string): Promise<void> {
    const loaded = page.waitForEvent('load', { timeout: this.o.navigationTimeoutMs });
    await page.click(selector);
    await loaded;
  }

  /** Waits for `selector`; a visible #error instead becomes a refusal (business) or an outage (anything else). */
  private async expect(page: Page, selector: string): Promise<void> {
    const found = page.locator(`${selector}, #error`).first();
    await found.waitFor({ state: 'attached' });
    const code = await this.errorCode(page);
    if (!code) return;
    const message = ((await page.locator('#error').textContent()) ?? '').trim();
    if (BUSINESS_ERRORS.has(code)) throw new PlatformRefused(`${code}: ${message}`);
    throw new PlatformUnavailable(`demo platform error ${code}: ${message}`);
  }

  private async errorCode(page: Page): Promise<string | undefined> {
    const el = page.locator('#error');
    return (await el.count()) ? ((await el.getAttribute('data-code')) ?? 'unknown') : undefined;
  }
}
