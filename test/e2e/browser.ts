import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Browser tests run wherever Chromium is installed; CI installs it, so there they always run. */
export const skipBrowser = !existsSync(CHROMIUM) && !process.env.CI ? `no Chromium at ${CHROMIUM} (apt-get install -y chromium)` : false;

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** A desktop Chrome user agent: the risk engine blocks HeadlessChrome as a bot, so browser tests (and their API buyers) say they are Chrome. */
export const CHROME_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

/** The staff admin every test app is started with (ADMIN_EMAIL / ADMIN_PASSWORD in test/support/app.ts). */
export const ADMIN = { email: 'admin@test.local', password: 'admin-password-1' };

/** Opens `${baseUrl}/console` in `page`, signs in with `creds` and waits for the console header. */
export async function loginToConsole(page: Page, baseUrl: string, creds: { email: string; password: string } = ADMIN): Promise<void> {
  await page.goto(`${baseUrl}/console`);
  await page.getByTestId('login-email').fill(creds.email);
  await page.getByTestId('login-password').fill(creds.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('console-header').waitFor();
}

/**
 * A new browser context (Chrome user agent, 1280×900) with one page signed in to the console. The console keeps
 * its session in sessionStorage, per tab: use this page for the rest of the session.
 */
export async function openConsole(browser: Browser, baseUrl: string, opts: { creds?: { email: string; password: string }; context?: BrowserContextOptions } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ userAgent: CHROME_UA, viewport: { width: 1280, height: 900 }, ...opts.context });
  const page = await context.newPage();
  await loginToConsole(page, baseUrl, opts.creds);
  return { context, page };
}
