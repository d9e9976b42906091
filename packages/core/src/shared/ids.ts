import { randomFillSync } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

// Random bytes are drawn from the system CSPRNG a pool at a time: ids are made on hot paths (every
// AI call, usage record and audit entry), and one call to the CSPRNG per id costs more than the id.
const pool = Buffer.allocUnsafe(4096);
let offset = pool.length;

function randomByte(): number {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  return pool[offset++]!;
}

/** `length` uniformly random base62 characters from the system CSPRNG (≈5.95 bits each). */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    const byte = randomByte();
    if (byte < 248) out += BASE62[byte % 62]; // 248 = 4 × 62: no modulo bias
  }
  return out;
}

/** A prefixed random id such as `mem_4fJ9…` (20 base62 characters, ≈119 bits). */
export function createId(prefix: string): string {
  return `${prefix}_${randomBase62(20)}`;
}
