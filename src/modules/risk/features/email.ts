// E-mail features: email.domain, email.normalized, email.disposable.
// Disposable domains: the disposable-email-domains package (MIT; ~120k exact domains + a wildcard list),
// loaded on first use (~50 ms, ~10 MB) or at start with warmEmail().
import { createRequire } from 'node:module';
import { domainToASCII } from 'node:url';

const require = createRequire(import.meta.url);

let exact: Set<string> | null = null;
let wildcard: Set<string> | null = null;

function lists(): { exact: Set<string>; wildcard: Set<string> } {
  if (!exact || !wildcard) {
    exact = new Set((require('disposable-email-domains') as string[]).map((d) => d.toLowerCase()));
    wildcard = new Set((require('disposable-email-domains/wildcard.json') as string[]).map((d) => d.toLowerCase()));
  }
  return { exact, wildcard };
}

/** Loads the disposable-domain lists now rather than on the first isDisposable call. */
export function warmEmail(): void {
  lists();
}

/** Domains whose mailboxes ignore dots in the local part and treat `+tag` as the same mailbox. */
const GMAIL = new Set(['gmail.com', 'googlemail.com']);
/**
 * Providers that deliver `name+tag@` to `name@` (sub-addressing) but where dots are significant. Stripping the
 * tag keeps one person one velocity key.
 */
const PLUS_ADDRESSING = new Set([
  'outlook.com',
  'hotmail.com',
  'live.com',
  'msn.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'fastmail.com',
  'fastmail.fm',
  'proton.me',
  'protonmail.com',
  'pm.me',
  'yandex.ru',
  'yandex.com',
]);

/**
 * The domain of an e-mail address or a bare domain: lower case, no trailing dot, IDN in punycode (ASCII).
 * null when there is nothing usable.
 */
export function emailDomain(emailOrDomain: string | null | undefined): string | null {
  if (typeof emailOrDomain !== 'string') return null;
  const s = emailOrDomain.trim();
  const at = s.lastIndexOf('@');
  let d = (at >= 0 ? s.slice(at + 1) : s).toLowerCase().replace(/\.$/, '');
  if (d.length === 0 || d.length > 253) return null;
  if (!/^[a-z0-9.-]+$/.test(d)) {
    const ascii = domainToASCII(d);
    if (!ascii) return null;
    d = ascii;
  }
  if (!d.includes('.') || d.startsWith('.') || d.includes('..')) return null;
  return d;
}

/**
 * Canonical form of an address for velocity keys and blacklists: trimmed and lower-cased; for Gmail
 * (gmail.com and googlemail.com → gmail.com) dots and `+tag` removed from the local part; for providers with
 * sub-addressing (Outlook/Hotmail/Live, iCloud, Fastmail, Proton, Yandex) `+tag` removed. null if not an address.
 */
export function normalizeEmail(email: string | null | undefined): string | null {
  if (typeof email !== 'string') return null;
  const s = email.trim().toLowerCase();
  const at = s.lastIndexOf('@');
  if (at <= 0) return null;
  let local = s.slice(0, at);
  let domain = emailDomain(s.slice(at + 1));
  if (!domain || local.length > 64 || /\s/.test(local)) return null;
  if (GMAIL.has(domain)) {
    domain = 'gmail.com';
    local = local.split('+')[0].replace(/\./g, '');
  } else if (PLUS_ADDRESSING.has(domain)) {
    local = local.split('+')[0];
  }
  if (local.length === 0) return null;
  return `${local}@${domain}`;
}

/**
 * True when the domain of `emailOrDomain` (or a parent domain of it) is on the disposable list
 * (mailinator.com, x.mailinator.com, yopmail.com, …). False for unknown or unparsable input.
 */
export function isDisposable(emailOrDomain: string | null | undefined): boolean {
  const d = emailDomain(emailOrDomain);
  if (!d) return false;
  const { exact: ex, wildcard: wc } = lists();
  if (ex.has(d) || wc.has(d)) return true;
  // parents: a.b.example.com → b.example.com → example.com (never the bare TLD)
  let i = d.indexOf('.');
  while (i >= 0) {
    const parent = d.slice(i + 1);
    if (!parent.includes('.')) break;
    if (wc.has(parent) || ex.has(parent)) return true;
    i = d.indexOf('.', i + 1);
  }
  return false;
}

export interface EmailFeatures {
  domain: string | null;
  normalized: string | null;
  disposable: boolean;
}

/** email.domain, email.normalized, email.disposable for one address. */
export function emailFeatures(email: string | null | undefined): EmailFeatures {
  return { domain: emailDomain(email), normalized: normalizeEmail(email), disposable: isDisposable(email) };
}
