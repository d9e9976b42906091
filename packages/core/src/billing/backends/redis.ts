// Redis backend: one Lua script per operation, so each call is atomic on the server however many
// processes share it. Every key of a tenant carries the `{tenantId}` hash tag, so a script only
// touches keys of one cluster slot. Reservations live in a per-tenant hash plus a sorted set by
// expiry; every script first gives back the amounts of expired ones. The ledger is a per-tenant
// stream (never trimmed: it is the record analytics and invoices read).
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { ledgerId } from '../ledger/ids.js';
import type { CommitResult, ConsumeRequest, ConsumeResult, CounterRef, QuotaBackend, UsageRecord } from './types.js';

const NEVER = 8_640_000_000_000_000;
const GRACE_MS = 86_400_000; // counters outlive their window by a day (late reads, commits)
const IDEMPOTENCY_TTL_MS = 35 * 86_400_000; // a key replayed within 35 days counts once

const SWEEP = `
local function sweep(h, z, now)
  local ids = redis.call('ZRANGEBYSCORE', z, '-inf', now)
  for _, id in ipairs(ids) do
    local v = redis.call('HGET', h, id)
    if v then
      local ck, amt = string.match(v, '^([^\\n]*)\\n([^\\n]*)\\n')
      if redis.call('EXISTS', ck) == 1 then redis.call('DECRBY', ck, amt) end
      redis.call('HDEL', h, id)
    end
    redis.call('ZREM', z, id)
  end
end
local function expire(key, at)
  if at > 0 then redis.call('PEXPIREAT', key, at) end
end
`;

// KEYS: counter, idempotency, ledger, reservations hash, reservations zset
// ARGV: amount, limit (-1: none), now, expireAt (0: never), idempotency ttl, feature, ledger id,
//       idempotency key ('' for none), reservation id ('' for a consume), reservation expiry
const CONSUME = `${SWEEP}
local amount = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
sweep(KEYS[4], KEYS[5], now)
if ARGV[8] ~= '' and redis.call('EXISTS', KEYS[2]) == 1 then
  return {1, tonumber(redis.call('GET', KEYS[1]) or '0'), 1}
end
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if limit >= 0 and used + amount > limit then return {0, used, 0} end
used = redis.call('INCRBY', KEYS[1], amount)
expire(KEYS[1], tonumber(ARGV[4]))
if ARGV[8] ~= '' then redis.call('SET', KEYS[2], '1', 'PX', ARGV[5]) end
if ARGV[9] == '' then
  redis.call('XADD', KEYS[3], '*', 'id', ARGV[7], 'f', ARGV[6], 'a', ARGV[1], 'at', ARGV[3], 'k', ARGV[8], 'kind', 'consume')
else
  redis.call('HSET', KEYS[4], ARGV[9], KEYS[1] .. '\\n' .. ARGV[1] .. '\\n' .. ARGV[6] .. '\\n' .. ARGV[4] .. '\\n')
  redis.call('ZADD', KEYS[5], ARGV[10], ARGV[9])
end
return {1, used, 0}
`;

// KEYS: reservations hash, reservations zset, ledger
// ARGV: reservation id, actual, limit (-1: none), now, ledger id
const COMMIT = `${SWEEP}
local now = tonumber(ARGV[4])
sweep(KEYS[1], KEYS[2], now)
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then return {'gone'} end
local ck, amt, feature, exp = string.match(v, '^([^\\n]*)\\n([^\\n]*)\\n([^\\n]*)\\n([^\\n]*)\\n')
local actual = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local extra = actual - tonumber(amt)
local used = tonumber(redis.call('GET', ck) or '0')
if extra > 0 and limit >= 0 and used + extra > limit then return {'over_limit', used, feature} end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
if extra ~= 0 then
  used = redis.call('INCRBY', ck, extra)
  expire(ck, tonumber(exp))
end
if actual > 0 then
  redis.call('XADD', KEYS[3], '*', 'id', ARGV[5], 'f', feature, 'a', ARGV[2], 'at', ARGV[4], 'k', 'reservation:' .. ARGV[1], 'kind', 'commit')
end
return {'committed', used, feature}
`;

// KEYS: reservations hash, reservations zset ; ARGV: reservation id, now
const RELEASE = `${SWEEP}
sweep(KEYS[1], KEYS[2], tonumber(ARGV[2]))
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then return 0 end
local ck, amt = string.match(v, '^([^\\n]*)\\n([^\\n]*)\\n')
if redis.call('EXISTS', ck) == 1 then redis.call('DECRBY', ck, amt) end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
`;

// KEYS: counter, reservations hash, reservations zset ; ARGV: now
const READ = `${SWEEP}
sweep(KEYS[2], KEYS[3], tonumber(ARGV[1]))
return tonumber(redis.call('GET', KEYS[1]) or '0')
`;

// GCRA. KEYS: state ; ARGV: now, interval, burst
const RATE = `
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or ARGV[1])
if tat < now then tat = now end
local nxt = tat + interval
local allow_at = nxt - burst * interval
if now < allow_at then return {0, 0, allow_at - now} end
redis.call('SET', KEYS[1], nxt, 'PX', nxt - now + 1000)
return {1, math.floor((now - allow_at) / interval), 0}
`;

export interface RedisBackendOptions {
  /** A connection to use (left open on close), or a URL to connect to. */
  redis: Redis | string;
  /** Prepended to every key. Default "auterity:". */
  prefix?: string;
}

interface Script {
  source: string;
  sha: string;
}
const script = (source: string): Script => ({ source, sha: createHash('sha1').update(source).digest('hex') });
const scripts = { consume: script(CONSUME), commit: script(COMMIT), release: script(RELEASE), read: script(READ), rate: script(RATE) };

/** The cluster hash tag that keeps a tenant's keys in one slot. */
const tag = (tenantId: string) => `{${tenantId}}`;

function toRecord(tenantId: string, fields: string[]): UsageRecord {
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
  return {
    id: f.get('id') ?? '',
    tenantId,
    feature: f.get('f') ?? '',
    amount: Number(f.get('a')),
    at: Number(f.get('at')),
    idempotencyKey: f.get('k') || null,
    kind: f.get('kind') === 'commit' ? 'commit' : 'consume',
  };
}

export function createRedisBackend(options: RedisBackendOptions): QuotaBackend {
  const owned = typeof options.redis === 'string';
  // Auto-pipelining batches the scripts of concurrent callers into one write per tick: under
  // load that is most of the cost of a quota check.
  const redis = typeof options.redis === 'string' ? new Redis(options.redis, { enableAutoPipelining: true }) : options.redis;
  const prefix = options.prefix ?? 'auterity:';
  const keys = {
    counter: (ref: CounterRef) => `${prefix}q:${tag(ref.tenantId)}:${ref.feature}:${ref.windowStart}`,
    idempotency: (tenantId: string, key: string) => `${prefix}i:${tag(tenantId)}:${key}`,
    ledger: (tenantId: string) => `${prefix}l:${tag(tenantId)}`,
    reservations: (tenantId: string) => `${prefix}r:${tag(tenantId)}`,
    expiries: (tenantId: string) => `${prefix}rx:${tag(tenantId)}`,
    rate: (tenantId: string, key: string) => `${prefix}g:${tag(tenantId)}:${key}`,
    reportCursor: (tenantId: string) => `${prefix}lc:${tag(tenantId)}`,
  };
  const lastScan = new Map<string, { streamId: string; record: UsageRecord | undefined }[]>();

  /** EVALSHA, loading the script on a server that does not have it yet (restart, failover). */
  const run = async (s: Script, keyList: string[], args: (string | number)[]): Promise<unknown> => {
    try {
      return await redis.evalsha(s.sha, keyList.length, ...keyList, ...args);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('NOSCRIPT')) return redis.eval(s.source, keyList.length, ...keyList, ...args);
      throw error;
    }
  };

  const admit = async (request: ConsumeRequest, reservation?: { id: string; expiresAt: number }): Promise<ConsumeResult> => {
    const key = request.idempotencyKey === undefined ? '' : reservation ? `reserve:${request.idempotencyKey}` : request.idempotencyKey;
    const reply = (await run(
      scripts.consume,
      [keys.counter(request), keys.idempotency(request.tenantId, key), keys.ledger(request.tenantId), keys.reservations(request.tenantId), keys.expiries(request.tenantId)],
      [
        request.amount,
        request.limit ?? -1,
        request.now,
        request.windowEnd >= NEVER ? 0 : request.windowEnd + GRACE_MS,
        IDEMPOTENCY_TTL_MS,
        request.feature,
        ledgerId(),
        key,
        reservation?.id ?? '',
        reservation?.expiresAt ?? 0,
      ],
    )) as [number, number, number];
    return { admitted: reply[0] === 1, used: Number(reply[1]), replayed: reply[2] === 1 };
  };

  return {
    name: 'redis',
    async read(ref, now) {
      return Number(await run(scripts.read, [keys.counter(ref), keys.reservations(ref.tenantId), keys.expiries(ref.tenantId)], [now]));
    },
    consume: (request) => admit(request),
    reserve: (request) => admit(request, { id: request.reservationId, expiresAt: request.expiresAt }),
    async commit(request): Promise<CommitResult> {
      const reply = (await run(
        scripts.commit,
        [keys.reservations(request.tenantId), keys.expiries(request.tenantId), keys.ledger(request.tenantId)],
        [request.reservationId, request.actual, request.limit ?? -1, request.now, ledgerId()],
      )) as [string, number?, string?];
      if (reply[0] === 'committed') return { status: 'committed', used: Number(reply[1]), feature: String(reply[2]) };
      if (reply[0] === 'over_limit') return { status: 'over_limit', used: Number(reply[1]), feature: String(reply[2]) };
      return { status: 'gone' };
    },
    async release(tenantId, reservationId, now) {
      return Number(await run(scripts.release, [keys.reservations(tenantId), keys.expiries(tenantId)], [reservationId, now])) === 1;
    },
    async rate(request) {
      const reply = (await run(scripts.rate, [keys.rate(request.tenantId, request.key)], [request.now, request.intervalMs, request.burst])) as [number, number, number];
      return { allowed: reply[0] === 1, remaining: Number(reply[1]), retryAfterMs: Number(reply[2]) };
    },
    async usage(tenantId, query = {}) {
      const entries = await redis.xrange(keys.ledger(tenantId), '-', '+');
      const out: UsageRecord[] = [];
      for (const [, fields] of entries) {
        const record = toRecord(tenantId, fields);
        if (query.feature !== undefined && record.feature !== query.feature) continue;
        if (query.from !== undefined && record.at < query.from) continue;
        if (query.to !== undefined && record.at >= query.to) continue;
        out.push(record);
        if (query.limit !== undefined && out.length >= query.limit) break;
      }
      return out;
    },
    async unreported(tenantId, features, limit) {
      const cursor = (await redis.get(keys.reportCursor(tenantId))) ?? '-';
      const start = cursor === '-' ? '-' : `(${cursor}`;
      const scanned: { streamId: string; record: UsageRecord | undefined }[] = [];
      let from = start;
      // Scan past records of other features until `limit` records are found or the stream ends.
      while (scanned.filter((entry) => entry.record).length < limit) {
        const entries = await redis.xrange(keys.ledger(tenantId), from, '+', 'COUNT', limit * 2);
        if (entries.length === 0) break;
        for (const [streamId, fields] of entries) {
          const record = toRecord(tenantId, fields);
          scanned.push({ streamId, record: features.includes(record.feature) ? record : undefined });
        }
        from = `(${entries.at(-1)![0]}`;
      }
      lastScan.set(tenantId, scanned);
      return scanned.flatMap((entry) => (entry.record ? [entry.record] : [])).slice(0, limit);
    },
    async markReported(tenantId, ids) {
      const scanned = lastScan.get(tenantId) ?? [];
      const acknowledged = new Set(ids);
      let advanceTo: string | undefined;
      for (const entry of scanned) {
        if (entry.record && !acknowledged.has(entry.record.id)) break;
        advanceTo = entry.streamId;
      }
      lastScan.delete(tenantId);
      if (advanceTo !== undefined) await redis.set(keys.reportCursor(tenantId), advanceTo);
    },
    async close() {
      if (owned) redis.disconnect();
    },
  };
}
