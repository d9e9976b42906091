// SHA-256 of a string, one-shot: `crypto.hash` (Node >= 20.12) skips the Hash object that
// `createHash().update().digest()` builds, about a third of the cost for the short inputs hashed
// on every request (API keys, audit entries, cache keys).
import { hash } from 'node:crypto';

export function sha256Hex(value: string): string {
  return hash('sha256', value, 'hex');
}

export function sha256Bytes(value: string): Buffer {
  return hash('sha256', value, 'buffer');
}
