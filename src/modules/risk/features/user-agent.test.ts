import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isBot } from './user-agent.ts';

describe('isBot', () => {
  it('real browsers are not bots', () => {
    for (const ua of [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
      'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.6; rv:132.0) Gecko/20100101 Firefox/132.0',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
    ]) {
      assert.equal(isBot(ua), false, ua);
    }
  });

  it('crawlers, headless browsers, automation and HTTP libraries are bots', () => {
    for (const ua of [
      'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36',
      'Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 Safari/538.1',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Puppeteer',
      'Mozilla/5.0 Playwright/1.49',
      'curl/8.5.0',
      'python-requests/2.32.3',
      'Go-http-client/1.1',
      'Wget/1.21.4',
      'okhttp/4.12.0',
      'axios/1.7.7',
      'node-fetch/1.0 (+https://github.com/bitinn/node-fetch)',
      'Scrapy/2.11 (+https://scrapy.org)',
    ]) {
      assert.equal(isBot(ua), true, ua);
    }
  });

  it('a missing or empty User-Agent counts as a bot', () => {
    for (const ua of ['', '   ', null, undefined]) assert.equal(isBot(ua), true, String(ua));
  });
});
