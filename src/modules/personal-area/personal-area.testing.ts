// Test helpers for the personal area: a real Tollgate on a free port (the customers module's test app), customers
// signed up through the API, top-ups paid on the sandbox's hosted page, signed webhooks, an SSE reader, the trial
// balance. Not used by production code.
import assert from 'node:assert/strict';
import { startCustomersApp, type CustomersTestApp } from '../customers/customers.testing.ts';
import { sandboxPay } from '../sandbox-gateway/index.ts';
import { signPayload } from '../../platform/webhooks-in/signature.ts';

export interface Customer { customerId: string; token: string; email: string; phone: string }
export interface SseEvent { event: string; id: string | null; data: any }

export interface PaTestApp extends CustomersTestApp {
  /** Signs up a new customer (unique e-mail and phone) and returns their session. */
  customer(name?: string): Promise<Customer>;
  /** Acts on the sandbox's hosted page like the customer. */
  pay(checkoutUrl: string, action?: 'pay' | 'decline'): Promise<void>;
  /** POST /v1/me/topups and pay it on the sandbox page; waits until the wallet is credited. */
  topup(c: Customer, amount: number): Promise<{ id: string; transactionId: string; paymentId: string; checkoutUrl: string }>;
  waitTopup(c: Customer, id: string, status: string, timeoutMs?: number): Promise<any>;
  /** A fresh second factor for this session (SMS step-up). */
  stepUp(c: Customer): Promise<void>;
  /** A webhook signed like the sandbox's, posted to /v1/webhooks/sandbox. */
  webhook(body: unknown): Promise<{ status: number; body: any }>;
  /** Waits until no job is queued/running and due (the worker is idle). */
  settle(timeoutMs?: number): Promise<void>;
  /** Asserts the ledger's trial balance is balanced (GET /v1/admin/ledger/trial-balance). */
  assertBalanced(): Promise<void>;
  /** Opens GET /v1/me/events and collects the events. */
  sse(c: Customer, headers?: Record<string, string>): Promise<SseStream>;
  balance(c: Customer): Promise<number>;
}

export interface SseStream {
  events: SseEvent[];
  /** Raw text received (heartbeats and retry included). */
  raw(): string;
  /** Resolves with the first event (seen or future) matching; rejects after timeoutMs. */
  next(pred: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
  closed: Promise<void>;
}

let seq = 0;

export async function startPersonalAreaApp(env: Record<string, string> = {}): Promise<PaTestApp> {
  const base = await startCustomersApp({ SANDBOX_CAPTURE: 'automatic', ...env });
  const t = base as PaTestApp;
  const tag = Math.random().toString(36).slice(2, 8);

  t.customer = async (name = 'cust') => {
    const n = ++seq;
    const email = `${name}.${tag}.${n}@example.com`;
    const phone = `+3361${String(Date.now() % 1_000_000).padStart(6, '0')}${String(n % 100).padStart(2, '0')}`;
    const { customerId, token } = await base.signup({ email, phone, password: 'correct horse battery staple' });
    return { customerId, token, email, phone };
  };

  t.pay = async (checkoutUrl, action = 'pay') => {
    const m = /^(.*\/sandbox)\/checkout\/([^/?#]+)/.exec(checkoutUrl);
    if (!m) throw new Error(`not a sandbox checkout url: ${checkoutUrl}`);
    const r = await sandboxPay(m[1], m[2], action);
    if (r.status >= 400) throw new Error(`sandbox ${action} failed with ${r.status}`);
  };

  t.waitTopup = async (c, id, status, timeoutMs = 20_000) => {
    const until = Date.now() + timeoutMs;
    let last: any;
    while (Date.now() < until) {
      const r = await t.request('GET', `/v1/me/topups/${id}`, { token: c.token });
      last = r.body;
      if (r.status === 200 && r.body.status === status) return r.body;
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error(`top-up ${id} did not become ${status}: ${JSON.stringify(last)}`);
  };

  t.topup = async (c, amount) => {
    const r = await t.request('POST', '/v1/me/topups', { token: c.token, body: { amount: { amount, currency: 'USD' }, gateway: 'sandbox' } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    await t.pay(r.body.payment.checkoutUrl);
    const done = await t.waitTopup(c, r.body.id, 'completed');
    return { id: r.body.id, transactionId: done.transactionId, paymentId: r.body.payment.id, checkoutUrl: r.body.payment.checkoutUrl };
  };

  t.stepUp = async (c) => {
    const s = await t.request('POST', '/v1/me/step-up', { token: c.token });
    assert.equal(s.status, 200, JSON.stringify(s.body));
    const code = await base.smsCode(c.phone);
    const v = await t.request('POST', `/v1/auth/challenges/${s.body.challengeId}/verify`, { token: c.token, body: { code } });
    assert.equal(v.status, 200, JSON.stringify(v.body));
  };

  t.webhook = async (body) => {
    const raw = JSON.stringify(body);
    const header = signPayload(t.tg.ctx.secrets.sandboxWebhookSecret, raw);
    const res = await fetch(`${t.url}/v1/webhooks/sandbox`, { method: 'POST', headers: { 'content-type': 'application/json', 'sandbox-signature': header }, body: raw });
    return { status: res.status, body: await res.json() };
  };

  t.settle = async (timeoutMs = 20_000) => {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const [{ n }] = await t.tg.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE status IN ('queued','running') AND run_at <= now()`);
      const [{ m }] = await t.tg.ctx.db.query<{ m: number }>(`SELECT count(*)::int AS m FROM webhook_inbox WHERE processed_at IS NULL`);
      if (n === 0 && m === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('jobs did not settle');
  };

  t.assertBalanced = async () => {
    const r = await t.request('GET', '/v1/admin/ledger/trial-balance', { token: t.adminToken });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.balanced, true, `trial balance: ${JSON.stringify(r.body)}`);
  };

  t.balance = async (c) => {
    const r = await t.request('GET', '/v1/me/accounts', { token: c.token });
    assert.equal(r.status, 200);
    return r.body.data[0].balance.amount;
  };

  t.sse = async (c, headers = {}) => {
    const ac = new AbortController();
    const res = await fetch(`${t.url}/v1/me/events`, { headers: { authorization: `Bearer ${c.token}`, accept: 'text/event-stream', ...headers }, signal: ac.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const events: SseEvent[] = [];
    const waiters: Array<{ pred: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }> = [];
    let text = '';
    let buffer = '';
    const closed = (async () => {
      const reader = res.body!.getReader();
      const dec = new TextDecoder();
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const chunk = dec.decode(value, { stream: true });
          text += chunk;
          buffer += chunk;
          let i: number;
          while ((i = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, i);
            buffer = buffer.slice(i + 2);
            let event = 'message';
            let id: string | null = null;
            const data: string[] = [];
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) continue;
              const [k, ...rest] = line.split(':');
              const v = rest.join(':').replace(/^ /, '');
              if (k === 'event') event = v;
              else if (k === 'id') id = v;
              else if (k === 'data') data.push(v);
            }
            if (data.length === 0) continue;
            const e: SseEvent = { event, id, data: JSON.parse(data.join('\n')) };
            events.push(e);
            for (const w of [...waiters]) if (w.pred(e)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(e); }
          }
        }
      } catch { /* aborted */ }
    })();
    return {
      events,
      raw: () => text,
      next(pred, timeoutMs = 10_000) {
        const seen = events.find(pred);
        if (seen) return Promise.resolve(seen);
        return new Promise((resolve, reject) => {
          const w = { pred, resolve: (e: SseEvent) => { clearTimeout(timer); resolve(e); } };
          const timer = setTimeout(() => { waiters.splice(waiters.indexOf(w), 1); reject(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events)}`)); }, timeoutMs);
          waiters.push(w);
        });
      },
      close: () => ac.abort(),
      closed,
    };
  };

  return t;
}

/** A sandbox-style gateway event for a payment (as the sandbox would send it). */
export function sandboxEvent(type: string, p: { paymentId: string; checkoutUrl: string; amount: number; currency: string }, id?: string) {
  return {
    id: id ?? `evt_pa_${Date.now()}_${++seq}`,
    type,
    created: Math.floor(Date.now() / 1000),
    data: { paymentId: p.paymentId, gatewayPaymentId: p.checkoutUrl.split('/').pop(), amount: p.amount, currency: p.currency },
  };
}
