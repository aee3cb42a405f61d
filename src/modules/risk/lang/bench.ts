// Micro-benchmark (not a test): compile 50 realistic rules, evaluate each against rotating inputs.
//   node --import tsx src/modules/risk/lang/bench.ts [iterations=100000]
import { compile, MISSING, type Schema } from './index.ts';

const schema: Schema = {
  'amount.usd': 'number', 'amount.minor': 'number', 'amount.currency': 'string',
  'velocity.card.count_1h': 'number', 'velocity.card.count_24h': 'number', 'velocity.card.sum_usd_24h': 'number',
  'velocity.device.count_24h': 'number', 'velocity.ip.count_1h': 'number', 'velocity.email.count_24h': 'number',
  'velocity.card.declines_1h': 'number', 'velocity.card.distinct_merchants_1h': 'number',
  'ip.country': 'string', 'ip.is_proxy': 'boolean', 'ip.is_tor': 'boolean', 'ip.risk_score': 'number',
  'card.bin_country': 'string', 'card.brand': 'string', 'card.is_prepaid': 'boolean', 'card.age_days': 'number',
  'merchant.mcc': 'string', 'merchant.country': 'string', 'merchant.risk_tier': 'number', 'merchant.name': 'string',
  'email.disposable': 'boolean', 'email.domain': 'string', 'email.age_days': 'number', 'email.address': 'string',
  'user_agent.is_bot': 'boolean', 'user_agent.raw': 'string',
  'device.id': 'string', 'device.accounts_7d': 'number', 'device.is_emulator': 'boolean',
  'user.account_age_days': 'number', 'user.tags': 'string[]', 'user.chargebacks_90d': 'number', 'user.orders_total': 'number',
  'order.item_count': 'number', 'order.skus': 'string[]', 'order.is_gift_card': 'boolean', 'billing.shipping_distance_km': 'number',
};

const rules = [
  'velocity.card.count_1h > 5 and amount.usd < 2',
  'ip.country != card.bin_country and amount.usd > 100',
  'merchant.mcc in ["5921", "7995"] and amount.minor > 50000',
  'email.disposable or user_agent.is_bot',
  'not is_missing(device.id) and velocity.device.count_24h >= 3',
  'velocity.card.declines_1h >= 3',
  'velocity.card.distinct_merchants_1h > 4 and amount.usd < 5',
  'ip.is_tor or (ip.is_proxy and amount.usd > 250)',
  'ip.risk_score >= 80 and user.account_age_days < 7',
  'card.is_prepaid and order.is_gift_card and amount.usd >= 200',
  'card.age_days < 1 and velocity.card.sum_usd_24h > 1000',
  'merchant.risk_tier >= 3 and ip.country not in ["US", "CA", "GB", "DE", "FR", "NL", "SE"]',
  'email.age_days < 2 and amount.usd > 150',
  'ends_with(lower(email.domain), ".ru") and card.bin_country == "US"',
  'starts_with(user_agent.raw, "curl/") or contains(lower(user_agent.raw), "headless")',
  'device.accounts_7d >= 4',
  'device.is_emulator and amount.usd > 50',
  '"vip" in user.tags and amount.usd < 5000',
  '"blocked" in user.tags',
  'user.chargebacks_90d > 0 and amount.usd > user.orders_total / max(user.chargebacks_90d, 1)',
  'order.item_count >= 10 and order.is_gift_card',
  'len(order.skus) > 20',
  'billing.shipping_distance_km > 500 and amount.usd > 300',
  'velocity.ip.count_1h > 20 || velocity.email.count_24h > 10',
  'amount.usd * 100 != amount.minor and amount.currency == "USD"',
  'abs(amount.usd - 999.99) < 0.01',
  'min(card.age_days, email.age_days) < 3 and amount.usd > 400',
  'merchant.mcc in ["4829", "6051", "6540"] and not card.is_prepaid == false',
  'card.brand == "amex" and card.bin_country != merchant.country and amount.usd > 1000',
  'velocity.card.count_24h > 30',
  'velocity.card.count_1h >= 3 && velocity.card.declines_1h >= 2 && amount.usd <= 1',
  'email.domain in ["mailinator.com", "guerrillamail.com", "10minutemail.com", "yopmail.com"]',
  'not (ip.country in ["US", "CA"]) and card.bin_country in ["US", "CA"] and amount.usd > 75',
  'user.account_age_days < 1 and order.is_gift_card',
  'velocity.device.count_24h >= 10 or device.accounts_7d >= 8',
  'ip.risk_score > 50 and ip.is_proxy and not user_agent.is_bot',
  'amount.usd >= 2500',
  'amount.minor > 1000000 and card.age_days < 30',
  'is_missing(ip.country) and amount.usd > 100',
  'is_missing(email.address) or email.disposable',
  'contains(order.skus, "gift-card-500") and card.is_prepaid',
  'velocity.card.sum_usd_24h > 5000 and user.account_age_days < 90',
  'merchant.mcc == "7995" and ip.country != card.bin_country',
  'lower(merchant.name) == "test merchant" and amount.usd > 1',
  'velocity.email.count_24h >= 5 and email.age_days < 1',
  '(amount.usd > 100 and card.is_prepaid) or (amount.usd > 500 and not card.is_prepaid)',
  'user.chargebacks_90d >= 2',
  'order.item_count * amount.usd > 10000',
  'ip.country == "NG" and card.bin_country != "NG" and amount.usd >= 50',
  'velocity.card.count_1h > 5 and velocity.card.distinct_merchants_1h > 3 and amount.usd < 10',
];

const base: Record<string, unknown> = {
  'amount.usd': 42.5, 'amount.minor': 4250, 'amount.currency': 'USD',
  'velocity.card.count_1h': 2, 'velocity.card.count_24h': 6, 'velocity.card.sum_usd_24h': 310,
  'velocity.device.count_24h': 1, 'velocity.ip.count_1h': 3, 'velocity.email.count_24h': 1,
  'velocity.card.declines_1h': 0, 'velocity.card.distinct_merchants_1h': 1,
  'ip.country': 'DE', 'ip.is_proxy': false, 'ip.is_tor': false, 'ip.risk_score': 12,
  'card.bin_country': 'DE', 'card.brand': 'visa', 'card.is_prepaid': false, 'card.age_days': 400,
  'merchant.mcc': '5816', 'merchant.country': 'NL', 'merchant.risk_tier': 1, 'merchant.name': 'Tollgate Games',
  'email.disposable': false, 'email.domain': 'example.com', 'email.age_days': 900, 'email.address': 'a@example.com',
  'user_agent.is_bot': false, 'user_agent.raw': 'Mozilla/5.0',
  'device.id': 'dev_01', 'device.accounts_7d': 1, 'device.is_emulator': false,
  'user.account_age_days': 700, 'user.tags': ['loyal'], 'user.chargebacks_90d': 0, 'user.orders_total': 1200,
  'order.item_count': 1, 'order.skus': ['sku-1'], 'order.is_gift_card': false, 'billing.shipping_distance_km': 3,
};
// Four inputs: a clean event, a risky one, one with features missing, one with a wrongly typed value.
const inputs = [
  base,
  { ...base, 'amount.usd': 1.2, 'velocity.card.count_1h': 9, 'email.disposable': true, 'ip.country': 'NG', 'card.is_prepaid': true, 'user.tags': ['vip', 'blocked'] },
  Object.fromEntries(Object.entries(base).filter(([k]) => !k.startsWith('device.') && !k.startsWith('email.'))),
  { ...base, 'amount.usd': '42.5' },
];

const t0 = process.hrtime.bigint();
const compiled = rules.map((r) => compile(r, schema));
const compileNs = Number(process.hrtime.bigint() - t0) / rules.length;

const t2 = process.hrtime.bigint();
for (let k = 0; k < 20; k++) for (const r of rules) compile(r, schema);
const warmCompileNs = Number(process.hrtime.bigint() - t2) / (20 * rules.length);

const iterations = Number(process.argv[2] ?? 100_000);
let fired = 0;
let missing = 0;
const run = (n: number) => {
  for (let it = 0; it < n; it++) {
    const input = inputs[it & 3];
    for (let k = 0; k < compiled.length; k++) {
      const r = compiled[k].evaluate(input).result;
      if (r === true) fired++;
      else if (r === MISSING) missing++;
    }
  }
};
run(Math.min(iterations, 20_000)); // warm up the JIT
fired = missing = 0;
const t1 = process.hrtime.bigint();
run(iterations);
const ns = Number(process.hrtime.bigint() - t1);
const evals = iterations * compiled.length;
console.log(`rules: ${compiled.length}, compile: ${(compileNs / 1000).toFixed(1)} µs/rule cold, ${(warmCompileNs / 1000).toFixed(1)} µs/rule warm`);
console.log(`evaluations: ${evals.toLocaleString('en-US')} in ${(ns / 1e6).toFixed(0)} ms -> ${(ns / evals).toFixed(1)} ns/rule-eval, ${(ns / iterations / 1000).toFixed(2)} µs per event for all ${compiled.length} rules`);
console.log(`fired: ${fired.toLocaleString('en-US')}, missing: ${missing.toLocaleString('en-US')}`);
