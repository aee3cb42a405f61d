import { randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulid';

// ulid's default PRNG asks the OS for one byte per character; a buffered CSPRNG costs 50× less per id.
const pool = Buffer.alloc(4096);
let at = pool.length;
function random(): number {
  if (at >= pool.length) {
    randomFillSync(pool);
    at = 0;
  }
  return pool[at++] / 256; // 32 | 256: every base32 character stays equally likely
}
const next = monotonicFactory(random);

/** Public ids: a type prefix and a ULID (time-sortable, not guessable, never sequential). */
export type IdPrefix =
  | 'ord' | 'pay' | 'prd' | 'evt' | 'job' | 'ful' | 'stf' | 'ses' | 'blk' | 'aud' | 'key'
  | 'agt' | 'oln' | 'lst' | 'snz' | 'rul' | 'dec' | 'crd' | 'chd' | 'cpg' | 'asg' | 'msg' | 'idk' | 'hst' | 'alr' | 'dpu' | 'dpt' | 'sbx' | 'whk'
  // issue 4: customers, ledger, personal area, internal accounting, security
  | 'cus' | 'chl' | 'cse' | 'pkc' | 'lac' | 'ltr' | 'top' | 'fbk' | 'cmt' | 'bpy' | 'bil' | 'ctr' | 'sev' | 'ipb' | 'sms' | 'pye';

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${next().toLowerCase()}`;
}

export function hasPrefix(id: string, prefix: IdPrefix): boolean {
  return typeof id === 'string' && /^[a-z]{2,4}_[0-9a-hjkmnp-tv-z]{26}$/.test(id) && id.startsWith(prefix + '_');
}
