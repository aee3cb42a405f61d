import { createHash } from 'node:crypto';

/**
 * Test cards of the sandbox's hosted page (like a real gateway's test numbers). BINs come from the bundled
 * BIN table so the risk engine sees real issuer countries. A custom number may be typed instead.
 */
export const TEST_CARDS = [
  { key: 'visa_us', label: 'Visa debit (US) •••• 4242', pan: '4000224242424242' },
  { key: 'visa_id', label: 'Visa credit (Indonesia) •••• 1881', pan: '4096751234561881' },
  { key: 'debit_za', label: 'Visa debit (South Africa) •••• 7072', pan: '4127521234567072' },
  { key: 'mc_gb', label: 'Mastercard credit (UK) •••• 5100', pan: '5126871234565100' },
] as const;

export interface CardMethod { type: 'card'; bin: string; last4: string; fingerprint: string }

/** What a gateway tells the merchant about a card: BIN, last 4 and a stable fingerprint — never the number. */
export function cardMethod(panOrKey: string | undefined): CardMethod | null {
  const pan = (TEST_CARDS.find((c) => c.key === panOrKey)?.pan ?? panOrKey ?? TEST_CARDS[0].pan).replace(/\D/g, '');
  if (pan.length < 12 || pan.length > 19) return null;
  return { type: 'card', bin: pan.slice(0, 6), last4: pan.slice(-4), fingerprint: `fp_${createHash('sha256').update(`sandbox-card:${pan}`).digest('hex').slice(0, 20)}` };
}
