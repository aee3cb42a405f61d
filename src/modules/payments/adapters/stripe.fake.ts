import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/* Test support: a local server that speaks the parts of Stripe's REST API the adapter uses. */
export interface Recorded { method: string; path: string; query: URLSearchParams; headers: IncomingHttpHeaders; form: URLSearchParams }

/**
 * A small local server speaking the parts of Stripe's REST API the adapter uses: form-encoded POSTs,
 * Bearer auth, Idempotency-Key replay, Stripe-shaped errors.
 */
export class FakeStripe {
  constructor(readonly KEY: string) {}
  requests: Recorded[] = [];
  sessions = new Map<string, any>();
  intents = new Map<string, any>();
  private idem = new Map<string, { status: number; body: unknown }>();
  private failures: Array<{ status: number; type: string }> = [];
  private n = 0;
  server!: Server;
  url = '';

  async start() {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        const u = new URL(req.url ?? '/', 'http://x');
        const rec: Recorded = { method: req.method ?? '', path: u.pathname, query: u.searchParams, headers: req.headers, form: new URLSearchParams(raw) };
        this.requests.push(rec);
        const { status, body } = this.handle(rec);
        res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${++this.n}` }).end(JSON.stringify(body));
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop() {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(r));
  }

  failNext(status: number, type = 'api_error') {
    this.failures.push({ status, type });
  }

  /** The buyer completes the Checkout page: the PaymentIntent appears (authorized or captured). */
  confirm(sessionId: string) {
    const s = this.sessions.get(sessionId);
    const id = `pi_test_${++this.n}`;
    const manual = s._captureMethod === 'manual';
    const pi = {
      id, object: 'payment_intent', amount: s.amount_total, currency: s.currency, capture_method: s._captureMethod,
      status: manual ? 'requires_capture' : 'succeeded', amount_capturable: manual ? s.amount_total : 0, amount_received: manual ? 0 : s.amount_total,
      metadata: s._piMetadata,
    };
    this.intents.set(id, pi);
    Object.assign(s, { payment_intent: id, status: 'complete', payment_status: manual ? 'unpaid' : 'paid' });
    return pi;
  }

  private error(status: number, type: string, message: string) {
    return { status, body: { error: { type, message } } };
  }

  private handle(r: Recorded): { status: number; body: unknown } {
    if (r.headers.authorization !== `Bearer ${this.KEY}`) return this.error(401, 'invalid_request_error', 'Invalid API Key provided');
    const fail = this.failures.shift();
    if (fail) return this.error(fail.status, fail.type, 'injected failure');
    const key = r.headers['idempotency-key'] as string | undefined;
    if (r.method === 'POST' && key) {
      const seen = this.idem.get(`${r.path}|${key}`);
      if (seen) return seen;
    }
    const out = this.route(r);
    if (r.method === 'POST' && key && out.status < 500) this.idem.set(`${r.path}|${key}`, out);
    return out;
  }

  private route(r: Recorded): { status: number; body: unknown } {
    const f = r.form;
    const m = r.path.match(/^\/v1\/(checkout\/sessions|payment_intents)(?:\/([^/]+))?(?:\/(\w+))?$/);
    if (r.method === 'POST' && r.path === '/v1/checkout/sessions') {
      const id = `cs_test_${++this.n}`;
      const meta = (prefix: string) => Object.fromEntries([...f.entries()].filter(([k]) => k.startsWith(`${prefix}[`)).map(([k, v]) => [k.slice(prefix.length + 1, -1), v]));
      const s = {
        id, object: 'checkout.session', url: `https://checkout.stripe.test/c/pay/${id}`, status: 'open', payment_status: 'unpaid',
        payment_intent: null, mode: f.get('mode'), amount_total: Number(f.get('line_items[0][price_data][unit_amount]')),
        currency: f.get('line_items[0][price_data][currency]'), client_reference_id: f.get('client_reference_id'), metadata: meta('metadata'),
        _captureMethod: f.get('payment_intent_data[capture_method]'), _piMetadata: meta('payment_intent_data[metadata]'),
      };
      this.sessions.set(id, s);
      return { status: 200, body: s };
    }
    if (m?.[1] === 'checkout/sessions' && m[2]) {
      const s = this.sessions.get(m[2]);
      if (!s) return this.error(404, 'invalid_request_error', 'No such checkout.session');
      if (r.method === 'GET') {
        const expand = [...r.query.entries()].some(([k, v]) => k.startsWith('expand') && v === 'payment_intent');
        return { status: 200, body: { ...s, payment_intent: expand && s.payment_intent ? this.intents.get(s.payment_intent) : s.payment_intent } };
      }
      if (m[3] === 'expire') {
        if (s.status !== 'open') return this.error(400, 'invalid_request_error', 'Only Checkout Sessions with a status in ["open"] can be expired.');
        s.status = 'expired';
        return { status: 200, body: s };
      }
    }
    if (m?.[1] === 'payment_intents' && m[2]) {
      const pi = this.intents.get(m[2]);
      if (!pi) return this.error(404, 'invalid_request_error', 'No such payment_intent');
      if (r.method === 'GET') return { status: 200, body: pi };
      if (m[3] === 'capture') {
        if (pi.status !== 'requires_capture') return this.error(400, 'invalid_request_error', 'This PaymentIntent could not be captured');
        const amt = f.has('amount_to_capture') ? Number(f.get('amount_to_capture')) : pi.amount_capturable;
        Object.assign(pi, { status: 'succeeded', amount_received: amt, amount_capturable: 0 });
        return { status: 200, body: pi };
      }
      if (m[3] === 'cancel') {
        if (pi.status === 'succeeded') return this.error(400, 'invalid_request_error', 'cannot cancel a succeeded PaymentIntent');
        Object.assign(pi, { status: 'canceled', amount_capturable: 0 });
        return { status: 200, body: pi };
      }
    }
    if (r.method === 'POST' && r.path === '/v1/refunds') {
      return { status: 200, body: { id: `re_test_${++this.n}`, object: 'refund', amount: Number(f.get('amount')), payment_intent: f.get('payment_intent'), status: 'succeeded' } };
    }
    return this.error(404, 'invalid_request_error', `Unrecognized request URL (${r.method}: ${r.path})`);
  }
}

