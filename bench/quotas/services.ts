// Throwaway PostgreSQL database and Redis key prefix for the quotas bench (servers found or started
// by @auterity/testing, as in the test suites).
import { createTestDatabase, createTestRedis, ensurePostgres, ensureRedis, POSTGRES_URL_ENV, REDIS_URL_ENV, type TestDatabase, type TestRedis } from '@auterity/testing';

export interface BenchServices {
  sqlite: TestDatabase;
  postgres: TestDatabase;
  redis: TestRedis;
  stop(): Promise<void>;
}

export async function startServices(): Promise<BenchServices> {
  const [pgServer, redisServer] = await Promise.all([ensurePostgres(), ensureRedis()]);
  process.env[POSTGRES_URL_ENV] = pgServer.url;
  process.env[REDIS_URL_ENV] = redisServer.url;
  const [sqlite, postgres, redis] = await Promise.all([createTestDatabase('sqlite'), createTestDatabase('postgres'), createTestRedis()]);
  return {
    sqlite,
    postgres,
    redis,
    async stop() {
      await redis.cleanup();
      await Promise.all([sqlite.drop(), postgres.drop()]);
      await Promise.all([pgServer.stop(), redisServer.stop()]);
    },
  };
}

/** Runs `op` `total` times with `concurrency` in flight; returns ops/s and per-op latencies (ms). */
export async function drive(total: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<{ opsPerSec: number; latencies: number[] }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const t = performance.now();
      await op(i);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { opsPerSec: total / ((performance.now() - started) / 1000), latencies };
}

export const round2 = (value: number) => Math.round(value * 100) / 100;
