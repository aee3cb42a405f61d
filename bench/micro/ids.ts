/**
 * Micro-benchmark behind a proposal: src/platform/ids.ts uses ulid's monotonicFactory() with its default PRNG,
 * which calls crypto.getRandomValues() on a 1-byte array 16 times for every id minted in a new millisecond
 * (the common case on a server). A buffered PRNG (one randomFillSync per 4 KiB) gives the same ids for ~1/50 of the CPU.
 *   tsx bench/micro/ids.ts
 */
import { randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulid';

const buf = Buffer.alloc(4096);
let pos = buf.length;
const buffered = () => {
  if (pos >= buf.length) { randomFillSync(buf); pos = 0; }
  return buf[pos++] / 256;
};
let t = Date.now();
for (const [name, next] of [['ulid default PRNG', monotonicFactory()], ['ulid, 4 KiB buffered PRNG', monotonicFactory(buffered)]] as const) {
  const n = 100_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) next((t += 1)); // a new millisecond for every id, as on a server
  console.log(`${name.padEnd(28)} ${(((performance.now() - t0) * 1000) / n).toFixed(2)} µs per id`);
}
