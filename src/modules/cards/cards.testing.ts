import { signPayload } from '../../platform/webhooks-in/signature.ts';
import type { TestApp } from '../../../test/support/app.ts';

/** Test helpers for the cards module: a card processor that signs its calls, and console shortcuts. */

export const PROCESSOR_SECRET = 'cps_test_secret_0123456789abcdef';

let n = 0;
export const uniq = (p = '') => `${p}${Date.now().toString(36)}${(n++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export async function signedPost(t: TestApp, path: string, body: unknown, opts: { secret?: string; timestamp?: number; header?: string | null; raw?: string } = {}) {
  const raw = opts.raw ?? JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const header = opts.header === undefined ? signPayload(opts.secret ?? PROCESSOR_SECRET, raw, opts.timestamp) : opts.header;
  if (header !== null) headers['tollgate-signature'] = header;
  const res = await fetch(t.url + path, { method: 'POST', headers, body: raw });
  const text = await res.text();
  let parsed: any = text;
  try { parsed = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: res.status, body: parsed, headers: res.headers };
}

export async function adminPost(t: TestApp, path: string, body: unknown, expect = 201) {
  const r = await t.request('POST', path, { token: t.adminToken, body });
  if (r.status !== expect) throw new Error(`POST ${path} → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function newCardholder(t: TestApp, extra: { email?: string; phone?: string } = {}): Promise<string> {
  return (await adminPost(t, '/v1/admin/cardholders', { name: `Shopper ${uniq()}`, ...extra })).id;
}

export async function newCard(t: TestApp, opts: { cardholderId?: string; controls?: Record<string, unknown>; program?: string; last4?: string; bin?: string; currency?: string } = {}) {
  const cardholderId = opts.cardholderId ?? (await newCardholder(t));
  const processorCardId = uniq('pc_');
  const body: Record<string, unknown> = {
    cardholderId, processorCardId, bin: opts.bin ?? '412752', last4: opts.last4 ?? '7072', expMonth: 12, expYear: new Date().getUTCFullYear() + 3, currency: opts.currency ?? 'ZAR',
  };
  if (opts.controls) body.controls = opts.controls;
  if (opts.program) body.program = opts.program;
  const r = await adminPost(t, '/v1/admin/cards', body);
  return { id: r.id as string, processorCardId, cardholderId };
}

export function authBody(cardId: string, amount: number, merchant: Partial<{ name: string; mcc: string; city: string; country: string }> = {}, extra: Record<string, unknown> = {}) {
  return {
    id: uniq('auth_'), cardId, amount: { amount, currency: 'ZAR' },
    merchant: { name: 'Makro Woodmead', mcc: '5411', city: 'Johannesburg', country: 'ZA', ...merchant },
    createdAt: new Date().toISOString(), ...extra,
  };
}

export async function authorize(t: TestApp, body: ReturnType<typeof authBody>) {
  const r = await signedPost(t, '/v1/card-authorizations', body);
  if (r.status !== 200) throw new Error(`authorization → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as { approved: boolean; decisionId: string | null; reason: string; score: number; fallback: boolean };
}

export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
