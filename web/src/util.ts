/** UUID v4. crypto.randomUUID exists only in secure contexts (https, localhost); getRandomValues works everywhere. */
export function uuid(): string {
  if (typeof crypto.randomUUID === 'function' && window.isSecureContext) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Same shape check as a typical server-side e-mail validator: something@something.tld, no spaces. */
export const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function isEmail(s: string): boolean {
  return s.length <= 254 && EMAIL_RE.test(s);
}

export function storageGet(store: Storage, key: string): string | null {
  try {
    return store.getItem(key);
  } catch {
    return null;
  }
}

export function storageSet(store: Storage, key: string, value: string): void {
  try {
    store.setItem(key, value);
  } catch {
    /* private mode / quota: the order link in the e-mail still works */
  }
}

export function storageRemove(store: Storage, key: string): void {
  try {
    store.removeItem(key);
  } catch {
    /* ignore */
  }
}

export const orderSecretKey = (id: string) => `tollgate.order.${id}`;

const PAGE_LOADED_AT = performance.now();

/** Milliseconds since this page was loaded (how long the buyer took to check out). */
export function msSincePageLoad(): number {
  return Math.round(performance.now() - PAGE_LOADED_AT);
}

/** A random id this browser keeps (risk signal: the same device behind many checkouts). */
export function deviceId(): string {
  const key = 'tollgate.device';
  try {
    let id = localStorage.getItem(key);
    if (!id || !/^[A-Za-z0-9_-]{8,64}$/.test(id)) {
      id = `dev_${uuid().replace(/-/g, '')}`;
      localStorage.setItem(key, id);
    }
    return id;
  } catch {
    return `dev_${uuid().replace(/-/g, '')}`;
  }
}
