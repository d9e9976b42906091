// Race suite: 8 real processes × 500 concurrent consumes (plus concurrent replays of 50 keys each)
// against a limit of 1,000, on a real SQLite file, a real PostgreSQL database and the real Redis.
// Exactly 1,000 distinct keys must be admitted, and every replay must count once.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@auterity/testing';
import { createAuterity } from '@auterity/core';
import { raceCatalog } from './race/catalog.js';

const WORKERS = 8;
const CONSUMES = 500;
const REPLAYS = 50;
const LIMIT = 1_000;
const workerSource = fileURLToPath(new URL('./race/worker.ts', import.meta.url));
// The worker is bundled once (dependencies left as imports, resolved from this package), so eight
// processes start in a fraction of a second instead of each transpiling the engine's sources.
const workerScript = fileURLToPath(new URL('../../node_modules/.cache/auterity-billing-race/worker.mjs', import.meta.url));

beforeAll(async () => {
  await build({ entryPoints: [workerSource], outfile: workerScript, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'silent' });
});

interface WorkerReport {
  admitted: number;
  replayed: number;
  refused: number;
  errors: string[];
  errorCount: number;
}

function runWorker(job: Record<string, unknown>): Promise<WorkerReport> {
  return new Promise((resolve, reject) => {
    const child = fork(workerScript, [JSON.stringify(job)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let report: WorkerReport | undefined;
    child.on('message', (message) => (report = message as WorkerReport));
    child.on('error', reject);
    child.on('exit', (code) => (report && code === 0 ? resolve(report) : reject(new Error(`race worker exited with ${code}`))));
  });
}

const cases = [
  { name: 'sqlite', dialect: 'sqlite', backend: 'sql' },
  { name: 'postgres', dialect: 'postgres', backend: 'sql' },
  { name: 'redis', dialect: 'sqlite', backend: 'redis' },
] as const;

describe.each(cases)('race on $name', ({ dialect, backend }) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.toReversed()) await cleanup();
  });

  it(`admits exactly ${LIMIT} of ${WORKERS} × ${CONSUMES} concurrent consumes, replays counted once`, { timeout: 120_000 }, async () => {
    const db: TestDatabase = await createTestDatabase(dialect);
    cleanups.push(() => db.drop());
    let redis: TestRedis | undefined;
    if (backend === 'redis') {
      redis = await createTestRedis();
      cleanups.push(() => redis!.cleanup());
    }
    const engine = createAuterity({ database: db.url, ...(redis && { redis: redis.url }), billing: { catalog: raceCatalog, backend, ...(redis && { redisPrefix: redis.prefix }) } });
    cleanups.push(() => engine.close());
    await engine.tenants.create({ id: 'racer', plan: 'race' });

    const reports = await Promise.all(
      Array.from({ length: WORKERS }, (_, worker) =>
        runWorker({ backend, database: db.url, redis: redis?.url, redisPrefix: redis?.prefix, tenantId: 'racer', worker, consumes: CONSUMES, replays: REPLAYS }),
      ),
    );
    expect(reports.flatMap((report) => report.errors)).toEqual([]);
    const admitted = reports.reduce((sum, report) => sum + report.admitted, 0);
    const replayed = reports.reduce((sum, report) => sum + report.replayed, 0);
    const refused = reports.reduce((sum, report) => sum + report.refused, 0);
    expect(admitted).toBe(LIMIT);
    expect(admitted + replayed + refused).toBe(WORKERS * (CONSUMES + REPLAYS));

    const billing = engine.tenant('racer', { id: 'checker', roles: [] }).billing;
    expect(await billing.check('executions')).toMatchObject({ used: LIMIT, remaining: 0, allowed: false });
    const ledger = await billing.usage({ feature: 'executions' });
    expect(ledger).toHaveLength(LIMIT);
    expect(new Set(ledger.map((row) => row.idempotencyKey)).size).toBe(LIMIT);
  });
});
