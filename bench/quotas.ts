// `pnpm bench quotas`: check+consume throughput and p99 latency of billing entitlements on the
// memory, SQLite, PostgreSQL and Redis backends (the BUILT @auterity/core), and on Redis, side by
// side with rate-limiter-flexible (RateLimiterRedis) on the same server at the same concurrency.
// One op = a check, then a consume of 1 (for the peer: `get`, then `consume`). Rounds interleave
// the candidates so a noisy machine hits all alike. Then an over-admission probe: more concurrent
// consumes than the limit, counting how many each admits past it (ours must be zero).
// Prints one JSON object per line; the last is the summary.
import { createRequire } from 'node:module';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { createAuterity, definePlans, isAuterityError, type Auterity } from '@auterity/core';
import { median, percentile } from './stats.js';
import { drive, round2, startServices } from './quotas/services.js';

const CONCURRENCY = 32;
const ROUNDS = 5;
const OPS = { memory: 4_000, sqlite: 1_500, postgres: 1_000, redis: 4_000 } as const;
const PROBE_LIMIT = 500;
const PROBE_ATTEMPTS = 2_000;

const catalog = definePlans({
  features: { executions: { type: 'metered', period: 'month' }, probe: { type: 'metered', period: 'month' } },
  plans: [{ id: 'bench', name: 'Bench', monthly: 0, features: { executions: 1_000_000_000, probe: PROBE_LIMIT } }],
});

// ioredis is a dependency of @auterity/core (not of the workspace root): resolved from there. The
// peer gets its own connection with the client options the engine's Redis backend uses
// (auto-pipelining), so the comparison is between the limiters, not the client settings.
const { Redis } = createRequire(new URL('../packages/core/package.json', import.meta.url))('ioredis') as {
  Redis: new (url: string, options: { enableAutoPipelining: boolean }) => { disconnect(): void };
};

const emit = (line: Record<string, unknown>) => console.log(JSON.stringify({ bench: 'quotas', ...line }));

const services = await startServices();
const engines: Record<keyof typeof OPS, Auterity> = {
  memory: createAuterity({ database: services.sqlite.url, billing: { catalog, backend: 'memory' } }),
  sqlite: createAuterity({ database: services.sqlite.url, billing: { catalog, backend: 'sql' } }),
  postgres: createAuterity({ database: services.postgres.url, billing: { catalog, backend: 'sql' } }),
  redis: createAuterity({ database: services.sqlite.url, redis: services.redis.url, billing: { catalog, backend: 'redis', redisPrefix: services.redis.prefix } }),
};
await engines.sqlite.tenants.create({ id: 'bench', plan: 'bench' });
await engines.postgres.tenants.create({ id: 'bench', plan: 'bench' });
const actor = { id: 'bench', roles: [] };

const peerClient = new Redis(services.redis.url, { enableAutoPipelining: true });
const peer = new RateLimiterRedis({ storeClient: peerClient, keyPrefix: `${services.redis.prefix}rlf`, points: 1_000_000_000, duration: 3_600 });

type Candidate = 'memory' | 'sqlite' | 'postgres' | 'redis' | 'rate-limiter-flexible';
const results = new Map<Candidate, { opsPerSec: number[]; p99: number[] }>();
const record = (name: Candidate, round: number, run: { opsPerSec: number; latencies: number[] }) => {
  const entry = results.get(name) ?? { opsPerSec: [], p99: [] };
  entry.opsPerSec.push(run.opsPerSec);
  entry.p99.push(percentile(run.latencies, 99));
  results.set(name, entry);
  emit({ round, candidate: name, ops: run.latencies.length, concurrency: CONCURRENCY, opsPerSec: Math.round(run.opsPerSec), p50Ms: round2(percentile(run.latencies, 50)), p99Ms: round2(percentile(run.latencies, 99)) });
};

const ours = (name: keyof typeof OPS) => {
  const billing = engines[name].tenant('bench', actor).billing;
  return async () => {
    await billing.check('executions');
    await billing.consume('executions', 1);
  };
};
const peerOp = async () => {
  await peer.get('bench');
  await peer.consume('bench', 1);
};

// Warm-up: connections, prepared scripts, JIT.
for (const name of Object.keys(OPS) as (keyof typeof OPS)[]) await drive(200, CONCURRENCY, ours(name));
await drive(200, CONCURRENCY, peerOp);

for (let round = 1; round <= ROUNDS; round++) {
  const order: Candidate[] = ['memory', 'sqlite', 'postgres', 'redis', 'rate-limiter-flexible'];
  // Rotate, and alternate which of the Redis pair goes first.
  const rotated = [...order.slice(round % order.length), ...order.slice(0, round % order.length)];
  for (const name of rotated) {
    if (name === 'rate-limiter-flexible') record(name, round, await drive(OPS.redis, CONCURRENCY, peerOp));
    else record(name, round, await drive(OPS[name], CONCURRENCY, ours(name)));
  }
}

for (const [name, entry] of results) {
  emit({ candidate: name, metric: 'ops_per_s', value: Math.round(median(entry.opsPerSec)), unit: 'ops/s', p99Ms: round2(median(entry.p99)), rounds: entry.opsPerSec.length });
}

// Over-admission: PROBE_ATTEMPTS concurrent consumes of 1 against a limit of PROBE_LIMIT.
const probeOurs = async (name: keyof typeof OPS) => {
  const tenantId = `probe-${name}`;
  await engines[name].tenants.create({ id: tenantId, plan: 'bench' });
  const billing = engines[name].tenant(tenantId, actor).billing;
  let admitted = 0;
  await drive(PROBE_ATTEMPTS, CONCURRENCY * 4, async () => {
    try {
      await billing.consume('probe', 1);
      admitted++;
    } catch (error) {
      if (!isAuterityError(error, 'quota_exceeded')) throw error;
    }
  });
  return admitted;
};
const probePeer = async () => {
  const limiter = new RateLimiterRedis({ storeClient: peerClient, keyPrefix: `${services.redis.prefix}rlf-probe`, points: PROBE_LIMIT, duration: 3_600 });
  let admitted = 0;
  await drive(PROBE_ATTEMPTS, CONCURRENCY * 4, async () => {
    try {
      await limiter.consume('probe', 1);
      admitted++;
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
    }
  });
  return admitted;
};
const overAdmission: Record<string, number> = {};
for (const name of Object.keys(OPS) as (keyof typeof OPS)[]) {
  const admitted = await probeOurs(name);
  overAdmission[name] = admitted - PROBE_LIMIT;
  emit({ candidate: name, metric: 'over_admission', value: admitted - PROBE_LIMIT, limit: PROBE_LIMIT, attempts: PROBE_ATTEMPTS, admitted });
}
const peerAdmitted = await probePeer();
emit({ candidate: 'rate-limiter-flexible', metric: 'over_admission', value: peerAdmitted - PROBE_LIMIT, limit: PROBE_LIMIT, attempts: PROBE_ATTEMPTS, admitted: peerAdmitted });

for (const engine of Object.values(engines)) await engine.close();
peerClient.disconnect();
await services.stop();

const value = Math.round(median(results.get('redis')!.opsPerSec));
const peerValue = Math.round(median(results.get('rate-limiter-flexible')!.opsPerSec));
emit({
  metric: 'redis_ops_per_s',
  value,
  unit: 'ops/s',
  peer: 'rate-limiter-flexible',
  peerValue,
  ratio: round2(value / peerValue),
});
if (Object.values(overAdmission).some((n) => n !== 0)) process.exitCode = 1;
