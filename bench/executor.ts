// `pnpm bench executor`: throughput of the workflow executor (steps/s) for 1,000 runs of a 10-step
// chain and of a 10-wide fan-out (root + 10 + join), in memory, on SQLite and on PostgreSQL; the
// per-step scheduling overhead (p50/p99) against a plain Promise-based runner of the same DAG; and
// the RSS of 10,000 runs waiting in event.wait. One JSON object per line; the last is the summary:
// in-memory chain throughput against the Promise runner's, measured in the same process.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createAuterity, createInMemoryWorkflows, defineAction, type AnyAction, type TenantWorkflows } from '@auterity/core';
import { percentile } from './stats.js';

// zod and pg are dependencies of @auterity/core, resolved from there.
const requireFromCore = createRequire(new URL('../packages/core/package.json', import.meta.url));
const { z } = requireFromCore('zod') as typeof import('zod');
const pg = requireFromCore('pg') as typeof import('pg');

const RUNS = 1000;
const WAITING = 10_000;
const print = (line: Record<string, unknown>) => console.log(JSON.stringify({ bench: 'executor', ...line }));

let executed = 0;
const noop = defineAction({ name: 'noop', input: z.object({}), run: () => ((executed += 1), null) }) as AnyAction;

const chain = { name: 'chain', steps: Array.from({ length: 10 }, (_, i) => ({ id: `s${i}`, action: 'noop', input: {}, dependsOn: i ? [`s${i - 1}`] : [] })) };
const fanout = {
  name: 'fanout',
  steps: [
    { id: 'root', action: 'noop', input: {} },
    ...Array.from({ length: 10 }, (_, i) => ({ id: `b${i}`, action: 'noop', input: {}, dependsOn: ['root'] })),
    { id: 'join', action: 'noop', input: {}, dependsOn: Array.from({ length: 10 }, (_, i) => `b${i}`) },
  ],
};
const stepsOf = (definition: { steps: unknown[] }) => definition.steps.length;

interface Target {
  name: string;
  workflows: TenantWorkflows;
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Starts `RUNS` runs at once and waits until every step has executed. */
async function throughput(target: Target, definition: { name: string; steps: unknown[] }): Promise<number> {
  const saved = await target.workflows.save(definition);
  const expected = RUNS * stepsOf(definition);
  executed = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: RUNS }, () => target.workflows.start(saved.id)));
  // `executed` is counted by the benchmark's action as steps run, outside this loop.
  // oxlint-disable-next-line no-unmodified-loop-condition
  while (executed < expected) await target.idle();
  await target.idle();
  const seconds = (performance.now() - started) / 1000;
  const failed = (await target.workflows.runs.list({ status: 'failed', limit: 10 })).length;
  if (failed) throw new Error(`${target.name}: ${failed} runs failed`);
  return expected / seconds;
}

/** The same DAG, run by awaiting dependency promises and calling the action: the floor. */
const benchSignal = new AbortController().signal;
async function promiseRunner(definition: { steps: { id: string; dependsOn?: string[] }[] }): Promise<void> {
  const done = new Map<string, Promise<unknown>>();
  for (const step of definition.steps) {
    done.set(
      step.id,
      Promise.all((step.dependsOn ?? []).map((dep) => done.get(dep))).then(() => noop.run({ input: {}, idempotencyKey: step.id, signal: benchSignal, attempt: 1, tenant: { id: 't' }, run: { id: 'r', workflowId: 'w', version: 1, startedBy: null }, stepId: step.id, logger: console })),
    );
  }
  await Promise.all(done.values());
}

async function promiseThroughput(definition: { steps: { id: string; dependsOn?: string[] }[] }): Promise<number> {
  executed = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: RUNS }, () => promiseRunner(definition)));
  return (RUNS * definition.steps.length) / ((performance.now() - started) / 1000);
}

/** Per-step latency of one run at a time (no queueing): run duration / steps. */
async function overhead(target: Target): Promise<{ engine: number[]; promise: number[] }> {
  const saved = await target.workflows.save({ ...chain, name: 'overhead' });
  const engine: number[] = [];
  const promise: number[] = [];
  for (let i = 0; i < 300; i++) {
    const a = performance.now();
    const run = await target.workflows.start(saved.id);
    executed = 0;
    while ((await target.workflows.runs.get(run.id)).status !== 'succeeded') await target.idle();
    engine.push(((performance.now() - a) * 1000) / 10);
    const b = performance.now();
    await promiseRunner(chain);
    promise.push(((performance.now() - b) * 1000) / 10);
  }
  return { engine: engine.slice(50), promise: promise.slice(50) };
}

function memoryTarget(): Target {
  const runtime = createInMemoryWorkflows({ actions: [noop], maxConcurrentSteps: 100_000 });
  return { name: 'memory', workflows: runtime.tenant('bench'), idle: () => runtime.idle(), close: () => runtime.close() };
}

async function sqlTarget(name: string, database: string): Promise<Target> {
  const engine = createAuterity({ database, workflows: { actions: [noop], maxConcurrentSteps: 100_000, pollIntervalMs: 60_000 } });
  await engine.tenants.create({ id: 'bench', plan: 'enterprise' });
  return { name, workflows: engine.tenant('bench', { id: 'bench', roles: ['admin'] }).workflows, idle: () => engine.workflows.idle(), close: () => engine.close() };
}

async function measure(target: Target): Promise<{ chain: number; fanout: number }> {
  const result = { chain: await throughput(target, chain), fanout: await throughput(target, fanout) };
  print({ metric: `${target.name}_chain_steps_per_s`, value: Math.round(result.chain), unit: 'steps/s', runs: RUNS, stepsPerRun: stepsOf(chain) });
  print({ metric: `${target.name}_fanout_steps_per_s`, value: Math.round(result.fanout), unit: 'steps/s', runs: RUNS, stepsPerRun: stepsOf(fanout) });
  return result;
}

// 10,000 runs waiting in event.wait, measured first so other workloads' heap does not count (in
// memory: the worst case, every run held by the process).
{
  const runtime = createInMemoryWorkflows({ actions: [noop] });
  const workflows = runtime.tenant('bench');
  const saved = await workflows.save({ name: 'waiter', steps: [{ id: 'prep', action: 'noop', input: {} }, { id: 'w', action: 'event.wait', dependsOn: ['prep'], input: { event: 'never.sent' } }] });
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage().rss;
  for (let i = 0; i < WAITING; i += 500) await Promise.all(Array.from({ length: 500 }, () => workflows.start(saved.id)));
  await runtime.idle();
  (globalThis as { gc?: () => void }).gc?.();
  const rss = process.memoryUsage().rss;
  const waiting = (await workflows.runs.list({ status: 'waiting', limit: 10 })).length;
  print({ metric: 'rss_10k_waiting_runs', value: Math.round(rss / 1024 / 1024), unit: 'MB', runs: WAITING, deltaMB: Math.round((rss - before) / 1024 / 1024), sampleWaiting: waiting });
  await runtime.close();
}

// Warm-up (JIT, caches), then in memory.
{
  const warm = memoryTarget();
  await throughput(warm, chain);
  await warm.close();
}
const memory = memoryTarget();
const memoryResult = await measure(memory);
const promiseChain = await promiseThroughput(chain);
const promiseFanout = await promiseThroughput(fanout);
print({ metric: 'promise_runner_chain_steps_per_s', value: Math.round(promiseChain), unit: 'steps/s' });
print({ metric: 'promise_runner_fanout_steps_per_s', value: Math.round(promiseFanout), unit: 'steps/s' });
const latency = await overhead(memory);
print({ metric: 'step_latency_p50', value: Number(percentile(latency.engine, 50).toFixed(2)), unit: 'us', peer: 'promise-runner', peerValue: Number(percentile(latency.promise, 50).toFixed(2)) });
print({ metric: 'step_latency_p99', value: Number(percentile(latency.engine, 99).toFixed(2)), unit: 'us', peer: 'promise-runner', peerValue: Number(percentile(latency.promise, 99).toFixed(2)) });
await memory.close();

// SQLite, durable.
const dir = mkdtempSync(path.join(tmpdir(), 'auterity-bench-'));
try {
  const sqlite = await sqlTarget('sqlite', `sqlite:${path.join(dir, 'bench.db')}`);
  await measure(sqlite);
  await sqlite.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// PostgreSQL, durable (skipped with a note when no server answers).
const adminUrl = process.env.AUTERITY_TEST_POSTGRES_URL ?? process.env.AUTERITY_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `auterity_bench_${process.pid}`;
const admin = new pg.Client({ connectionString: adminUrl });
let pgReady = false;
try {
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  pgReady = true;
} catch (error) {
  print({ metric: 'postgres_skipped', value: 0, unit: 'n/a', reason: error instanceof Error ? error.message : String(error) });
}
if (pgReady) {
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  try {
    const postgres = await sqlTarget('postgres', url.toString());
    await measure(postgres);
    await postgres.close();
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  }
}
await admin.end().catch(() => undefined);

print({
  metric: 'memory_chain_steps_per_s',
  value: Math.round(memoryResult.chain),
  unit: 'steps/s',
  peer: 'promise-runner',
  peerValue: Math.round(promiseChain),
  ratio: Number((memoryResult.chain / promiseChain).toFixed(4)),
});
