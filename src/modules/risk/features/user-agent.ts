// user_agent.is_bot: the isbot package (Unlicense; crawlers, monitors, HTTP libraries) plus markers of
// headless browsers and automation tools that isbot leaves to the caller. An empty or missing User-Agent
// counts as a bot: every real browser sends one.
import { isbot } from 'isbot';

/** Automation and scripted-client markers, matched case-insensitively anywhere in the UA. */
const HEADLESS =
  /headless|phantomjs|puppeteer|playwright|selenium|webdriver|slimerjs|electron\/|nightmare|cypress|curl\/|wget\/|python-requests|python-urllib|python-httpx|aiohttp|httpx\/|go-http-client|okhttp|java\/|apache-httpclient|node-fetch|axios\/|undici|got \(|libwww-perl|scrapy|postmanruntime|insomnia|^mozilla\/5\.0$/i;

export function isBot(userAgent: string | null | undefined): boolean {
  if (typeof userAgent !== 'string') return true;
  const ua = userAgent.trim();
  if (ua.length === 0) return true;
  return HEADLESS.test(ua) || isbot(ua);
}
