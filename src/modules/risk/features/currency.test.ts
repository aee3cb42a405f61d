import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { FxTable, bundledFxRates, configureFx, fxTable, minorUnitsOf, toUsd } from './currency.ts';
import { dataFile } from './data-dir.ts';

describe('toUsd', () => {
  it('covers the common currencies, each with a source', () => {
    const json = JSON.parse(readFileSync(dataFile('fx-rates.json'), 'utf8')) as { sources: Record<string, string>; currencies: Record<string, { perUsd: number; minorUnits: number; source: string }> };
    for (const c of ['USD', 'EUR', 'GBP', 'JPY', 'KRW', 'IDR', 'ZAR', 'SGD', 'MYR', 'PHP', 'THB', 'VND', 'INR', 'BRL', 'MXN', 'AUD', 'CAD', 'CNY', 'HKD', 'TWD', 'AED', 'SAR', 'TRY', 'PLN', 'CHF', 'SEK', 'NOK', 'DKK', 'NZD', 'CZK', 'HUF', 'ILS', 'NGN', 'KES', 'EGP', 'PKR', 'BDT', 'ARS', 'CLP', 'COP']) {
      const r = json.currencies[c];
      assert.ok(r && r.perUsd > 0, c);
      assert.ok(json.sources[r.source], `${c} source`);
      assert.equal(r.minorUnits, minorUnitsOf(c), `${c} minor units agree with ISO 4217`);
    }
    assert.ok(Object.keys(bundledFxRates()).length >= 40);
  });

  it('uses ISO 4217 minor units', () => {
    assert.equal(toUsd({ amount: 1234, currency: 'USD' }), 12.34);
    assert.equal(minorUnitsOf('JPY'), 0);
    assert.equal(minorUnitsOf('KRW'), 0);
    assert.equal(minorUnitsOf('VND'), 0);
    assert.equal(minorUnitsOf('IDR'), 2);
    assert.equal(minorUnitsOf('KWD'), 3);
    const jpy = fxTable().rate('JPY')!.perUsd;
    assert.equal(toUsd({ amount: 10_000, currency: 'JPY' }), Math.round((10_000 / jpy) * 1e6) / 1e6, '10,000 yen are 10,000 minor units');
    const idr = fxTable().rate('IDR')!.perUsd;
    assert.equal(toUsd({ amount: 15_000_000, currency: 'IDR' }), Math.round((150_000 / idr) * 1e6) / 1e6, 'IDR has 2 decimals in ISO 4217');
  });

  it('gives plausible magnitudes', () => {
    const near = (x: number | null, lo: number, hi: number, what: string) => assert.ok(x !== null && x > lo && x < hi, `${what}: ${x}`);
    near(toUsd({ amount: 100_00, currency: 'EUR' }), 100, 130, '€100');
    near(toUsd({ amount: 100_00, currency: 'GBP' }), 115, 150, '£100');
    near(toUsd({ amount: 15_000, currency: 'JPY' }), 80, 120, '¥15,000');
    near(toUsd({ amount: 1_500_000_00, currency: 'IDR' }), 70, 110, 'Rp1,500,000');
    near(toUsd({ amount: 2_500_000, currency: 'VND' }), 80, 120, '₫2,500,000');
    near(toUsd({ amount: 140_000, currency: 'KRW' }), 80, 120, '₩140,000');
    near(toUsd({ amount: 1_800_00, currency: 'ZAR' }), 80, 130, 'R1,800');
  });

  it('is case-insensitive, null for unknown currencies or bad amounts, accepts bigint', () => {
    assert.equal(toUsd({ amount: 100, currency: 'usd' }), 1);
    assert.equal(toUsd({ amount: 100n, currency: 'USD' }), 1);
    assert.equal(toUsd({ amount: 100, currency: 'XXX' }), null);
    assert.equal(toUsd({ amount: Number.NaN, currency: 'USD' }), null);
  });

  it('can be overridden', () => {
    const t = new FxTable({ EUR: { perUsd: 0.5 }, XTS: { perUsd: 2, minorUnits: 0 } });
    assert.equal(t.toUsd({ amount: 100, currency: 'EUR' }), 2);
    assert.equal(t.toUsd({ amount: 10, currency: 'XTS' }), 5);
    assert.equal(t.toUsd({ amount: 100, currency: 'GBP' }) !== null, true, 'bundled rates still there');
    assert.equal(new FxTable({ EUR: { perUsd: 0.5 } }, { bundled: false }).toUsd({ amount: 100, currency: 'GBP' }), null);
    assert.throws(() => new FxTable({ EUR: { perUsd: 0 } }), RangeError);
    const before = fxTable();
    try {
      configureFx(t);
      assert.equal(toUsd({ amount: 100, currency: 'EUR' }), 2);
    } finally {
      configureFx(before);
    }
  });
});
