import { createHash } from 'node:crypto';

/**
 * What a newly enrolled demo customer finds in the internal system: two service contracts and their recent
 * bills (two or three open, one already paid by bank transfer), so a fresh sign-up has something to pay.
 * Chosen from the customer's ref (the same ref always gets the same mix), amounts in minor units.
 */
interface Service {
  service: string;
  title: string;
  /** the bill line, given the period ("October 2026") */
  line: (period: string) => string;
  monthly: number;
  /** bills vary by up to ± this share of the monthly amount (metered services) */
  variation: number;
}

const SERVICES: Service[] = [
  { service: 'broadband', title: 'Home broadband 500 Mbps', line: (p) => `Home broadband 500 Mbps — ${p}`, monthly: 3_990, variation: 0 },
  { service: 'electricity', title: 'Electricity — standard variable tariff', line: (p) => `Electricity usage — ${p}`, monthly: 7_450, variation: 0.3 },
  { service: 'mobile', title: 'Mobile plan Unlimited calls + 30 GB', line: (p) => `Mobile plan Unlimited + 30 GB — ${p}`, monthly: 2_500, variation: 0.1 },
  { service: 'water', title: 'Water and sewerage', line: (p) => `Water and sewerage — ${p}`, monthly: 3_280, variation: 0.2 },
  { service: 'tv', title: 'TV Essentials package (120 channels)', line: (p) => `TV Essentials package — ${p}`, monthly: 1_899, variation: 0 },
  { service: 'gas', title: 'Natural gas — fixed 12-month tariff', line: (p) => `Gas usage — ${p}`, monthly: 5_620, variation: 0.35 },
];

export interface DemoContract { key: string; service: string; title: string; monthlyAmount: number; startedOn: string }
export interface DemoBill { contractKey: string; description: string; period: string; amount: number; dueOn: string; issuedAt: Date; paid: boolean }

const day = 86_400_000;
const isoDate = (d: Date) => d.toISOString().slice(0, 10);
const monthName = (d: Date) => d.toLocaleString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
/** The first day of the month `back` months before `now`'s (UTC). */
const monthStart = (now: Date, back: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));

export function demoAccount(ref: string, now: Date): { contracts: DemoContract[]; bills: DemoBill[] } {
  const h = createHash('sha256').update(ref).digest();
  const first = SERVICES[h[0] % SERVICES.length];
  const rest = SERVICES.filter((s) => s !== first);
  const second = rest[h[1] % rest.length];
  const amountOf = (s: Service, salt: number) => {
    if (!s.variation) return s.monthly;
    const f = 1 + ((h[2 + salt] / 255) * 2 - 1) * s.variation;
    return Math.max(100, Math.round(s.monthly * f));
  };
  const contracts: DemoContract[] = [first, second].map((s, i) => ({
    key: s.service, service: s.service, title: s.title, monthlyAmount: s.monthly,
    startedOn: isoDate(monthStart(now, 14 + (h[8 + i] % 20))),
  }));
  const last = monthStart(now, 1);
  const before = monthStart(now, 2);
  const bills: DemoBill[] = [
    // last month's bills, issued at the start of this month
    { contractKey: first.service, description: first.line(monthName(last)), period: monthName(last), amount: amountOf(first, 0), dueOn: isoDate(new Date(now.getTime() + 7 * day)), issuedAt: new Date(now.getTime() - 5 * day), paid: false },
    { contractKey: second.service, description: second.line(monthName(last)), period: monthName(last), amount: amountOf(second, 1), dueOn: isoDate(new Date(now.getTime() + 14 * day)), issuedAt: new Date(now.getTime() - 4 * day), paid: false },
    // the month before: the second service was paid by bank transfer (history)…
    { contractKey: second.service, description: second.line(monthName(before)), period: monthName(before), amount: amountOf(second, 2), dueOn: isoDate(new Date(now.getTime() - 17 * day)), issuedAt: new Date(now.getTime() - 34 * day), paid: true },
  ];
  // …and for about half of the customers the first one is overdue
  if (h[4] % 2 === 1) {
    bills.push({ contractKey: first.service, description: first.line(monthName(before)), period: monthName(before), amount: amountOf(first, 3), dueOn: isoDate(new Date(now.getTime() - 3 * day)), issuedAt: new Date(now.getTime() - 33 * day), paid: false });
  }
  return { contracts, bills };
}
