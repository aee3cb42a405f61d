import { parseMajor, toMajorText } from '../format.ts';
import type { Money } from '../api.ts';

export interface PriceRow {
  currency: string;
  amount: string;
}

export const toPriceRows = (prices: Money[]): PriceRow[] =>
  prices.map((p) => ({ currency: p.currency, amount: toMajorText(p.amount, p.currency) }));

/** Rows to Money (minor units); returns an error message instead when a row is malformed. */
export function parsePriceRows(rows: PriceRow[]): Money[] | string {
  const out: Money[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    const currency = r.currency.trim().toUpperCase();
    if (!/^[A-Z]{3}$/.test(currency)) return `"${r.currency}" is not a 3-letter currency code.`;
    if (seen.has(currency)) return `${currency} is listed twice.`;
    seen.add(currency);
    const amount = parseMajor(r.amount, currency);
    if (amount === null || amount <= 0) return `The ${currency} price "${r.amount}" is not a valid positive amount.`;
    out.push({ currency, amount });
  }
  if (out.length === 0) return 'Add at least one price.';
  return out;
}

export function PricesEditor({ rows, onChange, idPrefix }: { rows: PriceRow[]; onChange: (rows: PriceRow[]) => void; idPrefix: string }) {
  const set = (i: number, patch: Partial<PriceRow>) => onChange(rows.map((r, j) => (i === j ? { ...r, ...patch } : r)));
  return (
    <fieldset className="prices">
      <legend>Prices (in major units, e.g. 15000 or 4.99)</legend>
      {rows.map((r, i) => (
        <div key={i} className="row price-row">
          <label className="sr-only" htmlFor={`${idPrefix}-cur-${i}`}>Currency</label>
          <input id={`${idPrefix}-cur-${i}`} className="input-currency" value={r.currency} maxLength={3} onChange={(e) => set(i, { currency: e.target.value.toUpperCase() })} data-testid="price-currency" />
          <label className="sr-only" htmlFor={`${idPrefix}-amt-${i}`}>Amount</label>
          <input id={`${idPrefix}-amt-${i}`} inputMode="decimal" value={r.amount} onChange={(e) => set(i, { amount: e.target.value })} data-testid="price-amount" />
          {rows.length > 1 && (
            <button type="button" className="btn btn-small btn-ghost" aria-label={`Remove ${r.currency} price`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>✕</button>
          )}
        </div>
      ))}
      <button type="button" className="btn btn-small" onClick={() => onChange([...rows, { currency: '', amount: '' }])}>+ Add currency</button>
    </fieldset>
  );
}
