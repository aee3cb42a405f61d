import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BinTable, lookupBin } from './bin-table.ts';

describe('BinTable (binlist ranges.csv)', () => {
  const t = BinTable.load();

  it('loads every range once and shares records', () => {
    assert.equal(t.size, 5805);
    assert.ok(t.records.length < t.size);
    assert.equal(BinTable.load(), t, 'cached');
    assert.ok(Object.isFrozen(t.lookup('457105')));
  });

  it('looks up real rows', () => {
    // 457105,,,,visa,,debit,,DK,Sparekassen Sjælland,…
    assert.deepEqual(t.lookup('457105'), { scheme: 'visa', brand: null, type: 'debit', prepaid: false, country: 'DK', bank: 'Sparekassen Sjælland' });
    // 400390,,,,visa,,credit,,US,"BANK OF AMERICA, N.A. (USA)",… (quoted field with a comma)
    assert.deepEqual(t.lookup('400390'), { scheme: 'visa', brand: null, type: 'credit', prepaid: false, country: 'US', bank: 'BANK OF AMERICA, N.A. (USA)' });
    // 467726,,,,visa,Money Mart Titanium+,debit,y,CA,PEOPLES TRUST COMPANY
    assert.deepEqual(t.lookup('467726'), { scheme: 'visa', brand: 'Money Mart Titanium+', type: 'debit', prepaid: true, country: 'CA', bank: 'PEOPLES TRUST COMPANY' });
    // 621483,,,,unionpay,,debit,,CN,CHINA MERCHANTS BANK
    assert.equal(t.lookup('621483')?.scheme, 'unionpay');
    assert.equal(t.lookup('621483')?.country, 'CN');
  });

  it('matches inclusive ranges (iin_start..iin_end)', () => {
    // 376762,376764,,,amex,,credit,,US,AMERICAN EXPRESS
    for (const bin of ['376762', '376763', '376764']) assert.equal(t.lookup(bin)?.scheme, 'amex', bin);
    assert.equal(t.lookup('376765'), null);
    assert.equal(t.lookup('376761'), null);
    // 45710040,45710045,16,,visa,Visa/Dankort,debit,,DK,Nordea
    assert.equal(t.lookup('45710042')?.bank, 'Nordea');
    assert.equal(t.lookup('45710039'), null, 'below the range, and no 6-digit row 457100');
  });

  it('prefers the longest prefix: an 8-digit row over the 6-digit row containing it', () => {
    // 457105 (6 digits, no brand) contains 45710516 (8 digits, Visa/Dankort, Kalundborg branch)
    assert.equal(t.lookup('45710516')?.brand, 'Visa/Dankort');
    assert.equal(t.lookup('4571051612345678')?.brand, 'Visa/Dankort', 'full PAN');
    assert.equal(t.lookup('4571 0516 1234 5678')?.brand, 'Visa/Dankort', 'spaces');
    assert.equal(t.lookup('4571-0516-1234-5678')?.brand, 'Visa/Dankort', 'dashes');
    assert.equal(t.lookup('45710599')?.brand, null, 'no 8-digit row: the 6-digit one');
    assert.equal(t.lookup('4571051')?.brand, null, '7 digits cannot match an 8-digit row');
  });

  it('returns null for unknown or malformed input', () => {
    for (const bad of ['', '12345', 'abcdef', '4111x11111', '1'.repeat(20), '999999']) assert.equal(t.lookup(bad), null, bad);
    assert.equal(t.lookup(undefined as unknown as string), null);
    assert.equal(lookupBin('457105')?.country, 'DK');
  });

  it('fromCsv: columns by name, nested lengths, clipped overlaps', () => {
    const csv = [
      'iin_start,iin_end,number_length,number_luhn,scheme,brand,type,prepaid,country,bank_name,bank_logo,bank_url,bank_phone,bank_city',
      '411111,,,,visa,,credit,,US,Outer,,,,',
      '41111122,41111130,,,visa,Inner,debit,y,GB,"Inner ""Bank""",,,,',
      '500000,500010,,,mastercard,,credit,,FR,A,,,,',
      '500005,500006,,,mastercard,,debit,,DE,B,,,,',
      '',
    ].join('\r\n');
    const x = BinTable.fromCsv(csv);
    assert.equal(x.lookup('41111125')?.bank, 'Inner "Bank"');
    assert.equal(x.lookup('41111125')?.prepaid, true);
    assert.equal(x.lookup('41111199')?.bank, 'Outer');
    assert.equal(x.lookup('500005')?.bank, 'B');
    assert.equal(x.lookup('500004')?.bank, 'A');
    assert.throws(() => BinTable.fromCsv('iin_start,iin_end\n1,2\n'), /missing column/);
  });
});
