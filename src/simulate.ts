import { createHmac, randomBytes } from 'node:crypto';

/**
 * `tollgate simulate`: plays realistic traffic through Tollgate's own HTTP endpoints — the production path,
 * nothing injected — so the console fills with real decisions, held payments, alerts and a reconciliation:
 * normal checkouts, a card-testing burst, bot checkouts, cross-border cards and IP bursts (integrator
 * evaluations), and shoppers spending on company cards with a few thefts (seed 002).
 */
export interface SimulateOptions { url: string; email: string; password: string; scale: number; processorSecret?: string; log?: (s: string) => void }

const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
const pick = <T>(a: readonly T[]) => a[Math.floor(Math.random() * a.length)];
const rid = () => randomBytes(5).toString('hex');
const homeIp = () => `73.${10 + Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
const pan = (bin: string) => `${bin}${String(Math.floor(Math.random() * 1e10)).padStart(10, '0')}`;

class Progress {
  private done = 0;
  constructor(private readonly total: number, private readonly out: (s: string) => void) {}
  tick(label: string) {
    this.done++;
    const width = 30;
    const filled = Math.round((this.done / this.total) * width);
    this.out(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round((this.done / this.total) * 100)).padStart(3)}% ${this.done}/${this.total} ${label.padEnd(28).slice(0, 28)}`);
  }
}

export async function simulate(o: SimulateOptions): Promise<Record<string, number>> {
  const out = o.log ?? ((s: string) => process.stderr.write(s));
  const base = o.url.replace(/\/$/, '');
  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(base + path, { method, headers: { 'content-type': 'application/json', 'user-agent': BROWSER, ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let json: any = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = text; }
    return { status: res.status, body: json };
  }
  const login = await call('POST', '/v1/staff/sessions', { email: o.email, password: o.password });
  if (login.status !== 200) throw new Error(`admin login failed (${login.status}): ${JSON.stringify(login.body)}`);
  const auth = { authorization: `Bearer ${login.body.token}` };
  const products = (await call('GET', '/v1/products')).body.data as Array<{ id: string; sku: string; type: string; inStock: boolean }>;
  const topup = products.find((p) => p.sku === 'demo-coins-1200-api') ?? products.find((p) => p.type === 'topup');
  const cheap = products.find((p) => p.sku === 'demo-coins-100') ?? topup;
  const keys = products.filter((p) => p.type === 'key' && p.inStock);
  const users = ['alice.gamer', 'bob_builds', 'carla.streams', 'dmitri.k', 'emma.plays', 'farid_92', 'grace.hopper', 'hiro.tanaka'];
  const counts: Record<string, number> = {};
  const count = (k: string) => { counts[k] = (counts[k] ?? 0) + 1; };

  const n = Math.max(1, o.scale);
  let lastSwitcher = '';
  const plan = { normal: 20 * n, cardTesting: 8, switching: 3 * n, bots: 4 * n, integrator: 30 * n, shopping: 12 * n };
  const total = plan.normal + plan.cardTesting + plan.switching + plan.bots + plan.integrator + plan.shopping;
  const bar = new Progress(total, out);

  async function checkout(product: { id: string; type: string } | undefined, opts: { ua?: string; card?: string; email?: string }) {
    if (!product) return;
    const body: Record<string, unknown> = { email: opts.email ?? `buyer.${rid()}@gmail.com`, items: [{ productId: product.id, quantity: 1 }], deviceId: `dev_${rid()}${rid()}`, checkoutDurationMs: 8000 + Math.floor(Math.random() * 60000) };
    if (product.type === 'topup') body.platformUserId = pick(users);
    const r = await call('POST', '/v1/orders', body, { 'user-agent': opts.ua ?? BROWSER });
    if (r.status !== 201) { count(`order_${r.body?.error?.code ?? r.status}`); return; }
    const m = /^(.*\/sandbox)\/checkout\/([^/?#]+)/.exec(r.body.payment.checkoutUrl);
    if (!m) return;
    await fetch(`${m[1]}/checkout/${m[2]}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ action: 'pay', cardNumber: opts.card ?? pan(pick(['400022', '412752', '512687'])) }).toString(), redirect: 'manual' });
    count('orders');
  }

  // 1. ordinary buyers
  for (let i = 0; i < plan.normal; i++) { await checkout(Math.random() < 0.6 ? topup : pick(keys), {}); bar.tick('normal checkouts'); }
  // 2. card testing: one stolen card, many tiny purchases in a minute
  const stolen = pan('409675');
  for (let i = 0; i < plan.cardTesting; i++) { await checkout(cheap, { card: stolen, email: `t${i}.${rid()}@mailinator.com` }); bar.tick('card-testing burst'); }
  // 2b. a customer trying one card after another (payment-method switching): the third is held for review
  const gift = products.find((p) => p.sku === 'gift-card-50k') ?? topup;
  for (let i = 0; i < plan.switching; i++) {
    if (i % 3 === 0) lastSwitcher = `switcher.${rid()}@gmail.com`; // three tries per customer, a new card each time
    await checkout(gift, { email: lastSwitcher, card: pan(pick(['400022', '512687'])) });
    bar.tick('payment-method switching');
  }
  // 3. bots
  for (let i = 0; i < plan.bots; i++) { await checkout(topup, { ua: pick(['python-requests/2.31', 'curl/8.4.0', 'Mozilla/5.0 HeadlessChrome/120.0']) }); bar.tick('bot checkouts'); }
  // 4. an integrator scoring its own checkouts: cross-border cards, data-centre IPs, one IP hammering
  const hammer = homeIp();
  for (let i = 0; i < plan.integrator; i++) {
    const kind = i % 3;
    const ev: Record<string, unknown> = { kind: 'checkout', email: `api.${rid()}@example.com`, userAgent: BROWSER, checkoutDurationMs: 30000, amount: { amount: 2000 + Math.floor(Math.random() * 30000), currency: 'USD' } };
    if (kind === 0) Object.assign(ev, { ip: homeIp(), card: { bin: '409675', last4: '1881', fingerprint: `fp_${rid()}` } }); // Indonesian card from a US IP
    else if (kind === 1) Object.assign(ev, { ip: hammer, card: { bin: '400022', last4: '4242', fingerprint: `fp_${rid()}` } }); // one IP, many checkouts
    else Object.assign(ev, { ip: pick(['3.5.140.2', '34.64.0.1', '52.95.110.1']), email: `x.${rid()}@mailinator.com` }); // data-centre IP + disposable e-mail
    const r = await call('POST', '/v1/risk/evaluate', ev, auth);
    count(`evaluate_${r.body?.decision ?? r.status}`);
    bar.tick('integrator evaluations');
  }
  // 5. shoppers on company cards (seed 002): groceries for customers' orders, and a few thefts
  const secret = o.processorSecret ?? (await call('GET', '/v1/admin/card-processor', undefined, auth)).body?.signingSecret;
  if (!secret) {
    out('\nno card processor secret (pass --processor-secret or give the admin cards:write): skipping card spend\n');
  } else {
    const sign = (raw: string) => { const t = Math.floor(Date.now() / 1000); return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${raw}`).digest('hex')}`; };
    const shoppers = [];
    for (let s = 0; s < 3; s++) {
      const ch = await call('POST', '/v1/admin/cardholders', { name: pick(['Thabo M.', 'Lerato K.', 'Sipho N.', 'Anele D.']), email: `shopper${s}.${rid()}@onecart.test` }, auth);
      const card = await call('POST', '/v1/admin/cards', { cardholderId: ch.body.id, processorCardId: `pc_${rid()}`, bin: '412752', last4: String(7000 + s * 17).slice(-4), expMonth: 12, expYear: 2029, currency: 'ZAR', controls: { perTransaction: 300000, daily: 1500000 } }, auth);
      shoppers.push({ cardholderId: ch.body.id, cardId: card.body.id });
    }
    for (let i = 0; i < plan.shopping; i++) {
      const sh = shoppers[i % shoppers.length];
      const supplied = 50000 + Math.floor(Math.random() * 200000);
      const now = Date.now();
      await call('POST', '/v1/card-assignments', { externalOrderRef: `OC-${10000 + i}`, cardholderId: sh.cardholderId, expectedSuppliedValue: { amount: supplied, currency: 'ZAR' }, windowStart: new Date(now - 60_000).toISOString(), windowEnd: new Date(now + 3600_000).toISOString() }, auth);
      const theft = i % 7 === 6;
      const merchant = theft ? { name: 'THE FRIDGE WINE & SPIRI', mcc: '5921', city: 'Johannesburg', country: 'ZA' } : { name: pick(['Makro Woodmead', 'Checkers Hyper Sandton', 'Woolworths Rosebank', 'Pick n Pay Fourways']), mcc: '5411', city: 'Johannesburg', country: 'ZA' };
      const amount = theft ? 60000 + Math.floor(Math.random() * 40000) : supplied + (Math.random() < 0.2 ? Math.floor(Math.random() * 40000) : -Math.floor(Math.random() * 1500));
      const body = JSON.stringify({ id: `auth_${rid()}${rid()}`, cardId: sh.cardId, amount: { amount, currency: 'ZAR' }, merchant, createdAt: new Date().toISOString() });
      const r = await fetch(`${base}/v1/card-authorizations`, { method: 'POST', headers: { 'content-type': 'application/json', 'tollgate-signature': sign(body) }, body });
      const j = (await r.json().catch(() => ({}))) as { approved?: boolean };
      count(j.approved ? 'card_approved' : 'card_declined');
      bar.tick(theft ? 'shopper spend (theft)' : 'shopper spend');
    }
  }
  out('\n');
  return counts;
}
