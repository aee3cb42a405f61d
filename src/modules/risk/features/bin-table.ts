// BIN/IIN → card scheme, brand, type, prepaid, issuing country and bank, from binlist/data's ranges.csv
// (Apache-2.0, "Copyright 2014 binlist.net"; see ../data/NOTICE.md).
//
// The CSV rows are IIN prefixes (6 or 8 digits) or inclusive ranges of same-length prefixes
// (iin_end empty = a single prefix). For each prefix length the rows are kept as two sorted Uint32Arrays
// (start, end) plus an index into a table of distinct, frozen records; a lookup binary-searches the longest
// length first, so an 8-digit row wins over the 6-digit row that contains it.
import { readFileSync } from 'node:fs';
import { parseCsv } from './csv.ts';
import { dataFile } from './data-dir.ts';

export interface BinInfo {
  /** visa, mastercard, amex, discover, diners, unionpay, … (lower case as in the data). */
  scheme: string | null;
  /** Product name when known ("Visa/Dankort", "Debit Mastercard"). */
  brand: string | null;
  type: 'credit' | 'debit' | null;
  /** true when the data marks the range prepaid; false means "not known to be prepaid". */
  prepaid: boolean;
  /** ISO 3166-1 alpha-2 of the issuer. */
  country: string | null;
  bank: string | null;
}

interface Level {
  length: number;
  start: Uint32Array;
  end: Uint32Array;
  rec: Uint16Array | Uint32Array;
}

export const DEFAULT_BIN_FILE = 'binlist-ranges.csv';

const cache = new Map<string, BinTable>();

export class BinTable {
  /** Distinct records (rows with equal fields share one frozen object). */
  readonly records: readonly BinInfo[];
  /** Number of ranges loaded. */
  readonly size: number;
  private readonly levels: Level[];

  private constructor(levels: Level[], records: BinInfo[], size: number) {
    this.levels = levels;
    this.records = records;
    this.size = size;
  }

  /** The table from `file` (default: the bundled binlist ranges), parsed on first use and cached. */
  static load(file: string = dataFile(DEFAULT_BIN_FILE)): BinTable {
    let t = cache.get(file);
    if (!t) {
      t = BinTable.fromCsv(readFileSync(file, 'utf8'));
      cache.set(file, t);
    }
    return t;
  }

  /** Builds a table from CSV text with binlist's ranges.csv header (columns are found by name). */
  static fromCsv(text: string): BinTable {
    const rows = parseCsv(text);
    const header = rows[0] ?? [];
    const col = (name: string): number => {
      const i = header.indexOf(name);
      if (i < 0) throw new Error(`BIN CSV: missing column ${name}`);
      return i;
    };
    const cStart = col('iin_start');
    const cEnd = col('iin_end');
    const cScheme = col('scheme');
    const cBrand = col('brand');
    const cType = col('type');
    const cPrepaid = col('prepaid');
    const cCountry = col('country');
    const cBank = col('bank_name');

    const records: BinInfo[] = [];
    const recordIndex = new Map<string, number>();
    const byLength = new Map<number, Array<[number, number, number]>>();
    let size = 0;
    for (let r = 1; r < rows.length; r++) {
      const f = rows[r];
      const s = (f[cStart] ?? '').trim();
      if (!/^\d{1,9}$/.test(s)) continue; // blank or malformed line
      const e = (f[cEnd] ?? '').trim() || s;
      if (!/^\d{1,9}$/.test(e) || e.length !== s.length || Number(e) < Number(s)) throw new Error(`BIN CSV line ${r + 1}: bad range ${s}-${e}`);
      const type = (f[cType] ?? '').trim().toLowerCase();
      const info: BinInfo = {
        scheme: (f[cScheme] ?? '').trim().toLowerCase() || null,
        brand: (f[cBrand] ?? '').trim() || null,
        type: type === 'credit' || type === 'debit' ? type : null,
        prepaid: /^(y|yes|true|1)$/i.test((f[cPrepaid] ?? '').trim()),
        country: (f[cCountry] ?? '').trim().toUpperCase() || null,
        bank: (f[cBank] ?? '').trim() || null,
      };
      const k = JSON.stringify(info);
      let idx = recordIndex.get(k);
      if (idx === undefined) {
        idx = records.length;
        records.push(Object.freeze(info));
        recordIndex.set(k, idx);
      }
      let list = byLength.get(s.length);
      if (!list) byLength.set(s.length, (list = []));
      list.push([Number(s), Number(e), idx]);
      size++;
    }

    const levels: Level[] = [];
    for (const [length, list] of byLength) {
      list.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      const n = list.length;
      const level: Level = {
        length,
        start: new Uint32Array(n),
        end: new Uint32Array(n),
        rec: records.length <= 0xffff ? new Uint16Array(n) : new Uint32Array(n),
      };
      for (let i = 0; i < n; i++) {
        const [s, e, idx] = list[i];
        if (i > 0 && s <= level.end[i - 1]) {
          // Overlap inside one length: the narrower (later-starting) row wins from its start; the earlier row
          // is clipped. binlist's file has none today.
          level.end[i - 1] = s - 1;
        }
        level.start[i] = s;
        level.end[i] = e;
        level.rec[i] = idx;
      }
      levels.push(level);
    }
    levels.sort((a, b) => b.length - a.length);
    return new BinTable(levels, records, size);
  }

  /**
   * The most specific row for a BIN or card number: `binOrPan` is 6–19 digits (spaces and dashes ignored).
   * 8-digit rows are only consulted when at least 8 digits are given. null when unknown or malformed.
   */
  lookup(binOrPan: string): BinInfo | null {
    const digits = normalizeDigits(binOrPan);
    if (digits === null) return null;
    for (const level of this.levels) {
      if (digits.length < level.length) continue;
      const v = Number(digits.slice(0, level.length));
      const { start, end } = level;
      // last row with start <= v
      let lo = 0;
      let hi = start.length - 1;
      let at = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        if (start[mid] <= v) {
          at = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      if (at >= 0 && v <= end[at]) return this.records[level.rec[at]];
    }
    return null;
  }

  /** Bytes held by the typed arrays (records excluded). */
  get typedArrayBytes(): number {
    return this.levels.reduce((a, l) => a + l.start.byteLength + l.end.byteLength + l.rec.byteLength, 0);
  }
}

function normalizeDigits(s: string): string | null {
  if (typeof s !== 'string') return null;
  let d = s;
  if (!/^\d+$/.test(d)) {
    d = s.replace(/[\s-]/g, '');
    if (!/^\d+$/.test(d)) return null;
  }
  return d.length >= 6 && d.length <= 19 ? d : null;
}

/** Lookup in the bundled table (loaded on first call). */
export function lookupBin(binOrPan: string): BinInfo | null {
  return BinTable.load().lookup(binOrPan);
}
