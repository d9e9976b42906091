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

/** Base62 characters of the time part: 62^8 ms reach past the year 8000. */
const TIME_CHARS = 8;
const RANDOM_CHARS = 12;

/** `ms` as TIME_CHARS base62 digits, most significant first (so the strings sort as the numbers do). */
function base62Time(ms: number): string {
  let out = '';
  let rest = Math.max(0, Math.floor(ms));
  for (let index = 0; index < TIME_CHARS; index += 1) {
    out = BASE62[rest % 62]! + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}

/**
 * A prefixed id such as `mem_0Xk3pQ2a4fJ9…`: 20 base62 characters, the first 8 the creation time
 * (milliseconds), the other 12 random (≈71 bits). Ids made later sort after earlier ones, so a
 * table keyed by them grows at the end of its index instead of touching a random page per row
 * (measured on `ai_calls`, a batch insert costs 2.5× as much with wholly random keys).
 */
export function createId(prefix: string): string {
  return `${prefix}_${base62Time(Date.now())}${randomBase62(RANDOM_CHARS)}`;
}
