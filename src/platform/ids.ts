import { monotonicFactory } from 'ulid';

const next = monotonicFactory();

/** Public ids: a type prefix and a ULID (time-sortable, not guessable, never sequential). */
export type IdPrefix =
  | 'ord' | 'pay' | 'prd' | 'evt' | 'job' | 'ful' | 'stf' | 'ses' | 'blk' | 'aud' | 'key'
  | 'agt' | 'oln' | 'lst' | 'snz' | 'rul' | 'dec' | 'msg' | 'idk' | 'hst' | 'alr' | 'dpu' | 'dpt' | 'sbx' | 'whk';

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${next().toLowerCase()}`;
}

export function hasPrefix(id: string, prefix: IdPrefix): boolean {
  return typeof id === 'string' && /^[a-z]{2,4}_[0-9a-hjkmnp-tv-z]{26}$/.test(id) && id.startsWith(prefix + '_');
}
