// Where cached answers live: process memory (LRU with TTL, bounded by entries and bytes) or Redis
// (ioredis, key prefix, PX TTL) so several processes share one cache.
import { Redis } from 'ioredis';

export interface CacheStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  close(): Promise<void>;
}

interface MemoryEntry {
  value: string;
  bytes: number;
  expiresAt: number;
}

/** A Map kept in recency order (a read moves the entry to the end); the oldest entries go first. */
export function createMemoryStore(options: { maxEntries: number; maxBytes: number; now: () => number }): CacheStore & { readonly size: number; readonly bytes: number } {
  const entries = new Map<string, MemoryEntry>();
  let bytes = 0;
  const drop = (key: string, entry: MemoryEntry) => {
    entries.delete(key);
    bytes -= entry.bytes;
  };
  return {
    get size() {
      return entries.size;
    },
    get bytes() {
      return bytes;
    },
    async get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt <= options.now()) {
        drop(key, entry);
        return undefined;
      }
      entries.delete(key);
      entries.set(key, entry);
      return entry.value;
    },
    async set(key, value, ttlMs) {
      // Strings are UTF-16 in memory: two bytes a code unit, plus the key.
      const size = (value.length + key.length) * 2;
      const existing = entries.get(key);
      if (existing) drop(key, existing);
      if (size > options.maxBytes) return;
      entries.set(key, { value, bytes: size, expiresAt: options.now() + ttlMs });
      bytes += size;
      for (const [oldKey, oldEntry] of entries) {
        if (entries.size <= options.maxEntries && bytes <= options.maxBytes) break;
        drop(oldKey, oldEntry);
      }
    },
    async close() {
      entries.clear();
      bytes = 0;
    },
  };
}

export function createRedisStore(options: { url: string; prefix: string }): CacheStore {
  const redis = new Redis(options.url, { enableAutoPipelining: true, lazyConnect: false });
  return {
    async get(key) {
      return (await redis.get(options.prefix + key)) ?? undefined;
    },
    async set(key, value, ttlMs) {
      await redis.set(options.prefix + key, value, 'PX', Math.max(1, Math.round(ttlMs)));
    },
    async close() {
      redis.disconnect();
    },
  };
}
