// amount.usd: money in minor units → decimal US dollars, from a static table (../data/fx-rates.json: date and
// source per currency inside). For risk thresholds and velocity sums only; never for booking money.
import { readFileSync } from 'node:fs';
import { dataFile } from './data-dir.ts';

export interface MoneyLike {
  /** Integer amount in minor units of `currency` (cents, or whole yen for JPY). */
  amount: number | bigint;
  /** ISO 4217 alphabetic code. */
  currency: string;
}

export interface FxRate {
  /** Units of the currency per 1 USD. */
  perUsd: number;
  /** ISO 4217 minor-unit exponent (JPY/KRW/VND 0, IDR 2, KWD 3). */
  minorUnits: number;
}

interface FxFile {
  currencies: Record<string, FxRate & { source?: string }>;
}

let bundled: Record<string, FxRate> | null = null;

/** The bundled table (read once). */
export function bundledFxRates(): Readonly<Record<string, FxRate>> {
  if (!bundled) {
    const json = JSON.parse(readFileSync(dataFile('fx-rates.json'), 'utf8')) as FxFile;
    bundled = {};
    for (const [code, r] of Object.entries(json.currencies)) bundled[code] = { perUsd: r.perUsd, minorUnits: r.minorUnits };
  }
  return bundled;
}

/** ISO 4217 exponents for currencies that are not 2 (kept even when a currency has no rate). */
const MINOR_UNITS: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/** ISO 4217 minor-unit exponent of a currency (2 when not listed as otherwise). */
export function minorUnitsOf(currency: string): number {
  return MINOR_UNITS[currency.toUpperCase()] ?? 2;
}

export class FxTable {
  private readonly rates: Map<string, FxRate>;

  /**
   * `overrides` replace or add rates (perUsd; minorUnits defaults to ISO 4217) on top of the bundled table,
   * or of an empty one with `{ bundled: false }`.
   */
  constructor(overrides: Record<string, Partial<FxRate> & { perUsd: number }> = {}, opts: { bundled?: boolean } = {}) {
    this.rates = new Map(opts.bundled === false ? [] : Object.entries(bundledFxRates()));
    for (const [code, r] of Object.entries(overrides)) {
      const c = code.toUpperCase();
      if (!(r.perUsd > 0) || !Number.isFinite(r.perUsd)) throw new RangeError(`fx rate for ${c} must be a positive number`);
      this.rates.set(c, { perUsd: r.perUsd, minorUnits: r.minorUnits ?? this.rates.get(c)?.minorUnits ?? minorUnitsOf(c) });
    }
  }

  rate(currency: string): FxRate | null {
    return this.rates.get(currency.toUpperCase()) ?? null;
  }

  currencies(): string[] {
    return [...this.rates.keys()].sort();
  }

  /**
   * Decimal USD (rounded to 1e-6) for an amount in minor units, or null when the currency has no rate or the
   * amount is not a finite number.
   */
  toUsd(m: MoneyLike): number | null {
    const r = typeof m?.currency === 'string' ? this.rates.get(m.currency.toUpperCase()) : undefined;
    if (!r) return null;
    const amount = typeof m.amount === 'bigint' ? Number(m.amount) : m.amount;
    if (typeof amount !== 'number' || !Number.isFinite(amount)) return null;
    const major = amount / 10 ** r.minorUnits;
    return Math.round((major / r.perUsd) * 1e6) / 1e6;
  }
}

let defaultTable: FxTable | null = null;

/** Replaces the table used by `toUsd` (e.g. rates from config at boot). */
export function configureFx(table: FxTable): void {
  defaultTable = table;
}

export function fxTable(): FxTable {
  return (defaultTable ??= new FxTable());
}

/** Decimal USD for `{ amount (minor units), currency }` with the configured table; null for unknown currencies. */
export function toUsd(m: MoneyLike): number | null {
  return fxTable().toUsd(m);
}
