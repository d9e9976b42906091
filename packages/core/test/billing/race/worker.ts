// One racing process (forked by race.test.ts, run with `node --import tsx`): fires its consumes all
// at once, each with its own idempotency key plus replays of some of its keys, and reports back.
import { createAuterity, isAuterityError } from '../../../src/index.js';
import { raceCatalog } from './catalog.js';

interface RaceJob {
  backend: 'sql' | 'redis';
  database: string;
  redis?: string;
  redisPrefix?: string;
  tenantId: string;
  worker: number;
  consumes: number;
  replays: number;
}

const job = JSON.parse(process.argv[2] ?? '{}') as RaceJob;
const database = job.database.startsWith('postgres') ? { dialect: 'postgres' as const, connectionString: job.database, pool: { max: 4 } } : job.database;
const engine = createAuterity({
  database,
  migrate: false,
  ...(job.redis && { redis: job.redis }),
  billing: { catalog: raceCatalog, backend: job.backend, ...(job.redisPrefix && { redisPrefix: job.redisPrefix }) },
});
const billing = engine.tenant(job.tenantId, { id: `worker-${job.worker}`, roles: [] }).billing;

const keys = Array.from({ length: job.consumes }, (_, i) => `w${job.worker}-${i}`);
const calls = [...keys, ...keys.slice(0, job.replays)];
let admitted = 0;
let replayed = 0;
let refused = 0;
const errors: string[] = [];
await Promise.all(
  calls.map(async (idempotencyKey) => {
    try {
      const result = await billing.consume('executions', 1, { idempotencyKey });
      if (result.replayed) replayed++;
      else admitted++;
    } catch (error) {
      if (isAuterityError(error, 'quota_exceeded')) refused++;
      else errors.push(error instanceof Error ? error.message : String(error));
    }
  }),
);
await engine.close();
process.send?.({ admitted, replayed, refused, errors: errors.slice(0, 5), errorCount: errors.length });
process.disconnect?.();
