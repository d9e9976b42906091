import { randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `length` uniformly random base62 characters from the system CSPRNG (≈5.95 bits each). */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248) out += BASE62[byte % 62]; // 248 = 4 × 62: no modulo bias
      if (out.length === length) break;
    }
  }
  return out;
}

/** A prefixed random id such as `mem_4fJ9…` (20 base62 characters, ≈119 bits). */
export function createId(prefix: string): string {
  return `${prefix}_${randomBase62(20)}`;
}
