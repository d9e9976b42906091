// Durability across engines and downtime: an event emitted through one engine while another holds
// the waiting run (mid-step) is never lost and completes the wait exactly once; cron ticks missed
// while no engine ran are caught up according to the trigger's `catchUp` policy, once per tick.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestDatabase, testDialects, type TestDatabase } from '@auterity/testing';
import { createAuterity, defineAction, isAuterityError, type Auterity } from '@auterity/core';
import { ManualClock, useEnginePair } from './harness.js';

const admin = { id: 'u', roles: ['admin'] };

async function trace(engine: Auterity, runId: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of engine.tenant('shared', admin).workflows.runs.events(runId, { follow: false })) out.push(e.stepId ? `${e.type}:${e.stepId}` : e.type);
  return out;
}

function definition(name: string, gate: string) {
  return {
    name,
    steps: [
      { id: 'long', action: 'hold', input: { gate } },
      { id: 'paid', action: 'event.wait', input: { event: `${name}.paid`, filter: 'event.payload.order == input.order' } },
    ],
  };
}

async function ticksOf(e: Auterity, workflowId: string): Promise<string[]> {
  const runs = await e.tenant('cronco', admin).workflows.runs.list({ workflowId, limit: 1000 });
  return runs.map((r) => (r.input as { scheduledAt: string }).scheduledAt.slice(11, 16)).sort();
}

describe.each(testDialects)('events reach a run held by another engine (%s)', (dialect) => {
  const clock = new ManualClock();
  const gates = new Map<string, () => void>();
  const held = new Map<string, Promise<void>>();
  const hold = defineAction({
    name: 'hold',
    input: z.object({ gate: z.string() }),
    async run({ input }) {
      let promise = held.get(input.gate);
      if (!promise) {
        promise = new Promise<void>((resolve) => gates.set(input.gate, resolve));
        held.set(input.gate, promise);
      }
      await promise;
      return 'held';
    },
  });
  const open = (gate: string) => gates.get(gate)?.();

  const pair = useEnginePair(dialect, { actions: [hold], clock, pollIntervalMs: 1000, leaseMs: 3000, eventBufferMs: 60_000 });
  const { settle } = pair;

  it('matches the event at the holder’s next heartbeat, while its other step still runs', async () => {
    const ta = pair.a.tenant('shared', admin);
    const tb = pair.b.tenant('shared', admin);
    const saved = await ta.workflows.save(definition('heartbeat', 'g1'));
    pair.a.workflows.start();
    // Engine B starts the run and holds its lease: `long` runs, `paid` waits.
    const run = await tb.workflows.start(saved.id, { input: { order: 7 } });
    await settle();
    expect((await tb.workflows.runs.get(run.id)).steps.map((s) => s.status)).toEqual(['running', 'running']);
    // The events arrive through engine A, which does not hold the run.
    await ta.events.emit('heartbeat.paid', { order: 8, amount: 1 });
    await ta.events.emit('heartbeat.paid', { order: 7, amount: 42 });
    await settle();
    for (let i = 0; i < 3; i++) await clock.advance(1000, settle);
    let now = await ta.workflows.runs.get(run.id);
    expect(now.status).toBe('running');
    expect(now.steps[1]?.status).toBe('succeeded');
    expect((now.steps[1]?.output as { payload: unknown } | undefined)?.payload).toEqual({ order: 7, amount: 42 });
    open('g1');
    await settle();
    await clock.advance(1000, settle);
    now = await ta.workflows.runs.get(run.id);
    expect(now.status).toBe('succeeded');
    expect((now.output as { paid: { payload: unknown } }).paid.payload).toEqual({ order: 7, amount: 42 });
    const events = await trace(pair.a, run.id);
    expect(events.filter((e) => e === 'step.completed:paid')).toHaveLength(1);
    expect(events.filter((e) => e === 'step.started:paid')).toHaveLength(1);
  });

  it('matches it when the holder releases the run to wait before any heartbeat saw the event', async () => {
    const ta = pair.a.tenant('shared', admin);
    const tb = pair.b.tenant('shared', admin);
    const saved = await ta.workflows.save(definition('release', 'g2'));
    const run = await tb.workflows.start(saved.id, { input: { order: 1 } });
    await settle();
    // No time passes: no heartbeat runs between the event and the end of the long step, so B
    // hands the run back `waiting` having never looked at the event.
    await ta.events.emit('release.paid', { order: 1, amount: 5 });
    open('g2');
    await settle();
    await clock.advance(1000, settle);
    const done = await ta.workflows.runs.get(run.id);
    expect(done.status).toBe('succeeded');
    expect((done.output as { paid: { payload: unknown } }).paid.payload).toEqual({ order: 1, amount: 5 });
    const events = await trace(pair.a, run.id);
    expect(events.filter((e) => e === 'step.completed:paid')).toHaveLength(1);
    expect(events.filter((e) => e === 'run.completed')).toHaveLength(1);
    // Emitting it again changes nothing: the wait consumed an event once.
    await tb.events.emit('release.paid', { order: 1, amount: 6 });
    await settle();
    await clock.advance(1000, settle);
    expect((await trace(pair.a, run.id)).filter((e) => e === 'step.completed:paid')).toHaveLength(1);
    expect(((await ta.workflows.runs.get(run.id)).output as { paid: { payload: unknown } }).paid.payload).toEqual({ order: 1, amount: 5 });
  });
});

describe.each(testDialects)('cron after downtime (%s)', (dialect) => {
  let db: TestDatabase;
  const engines: Auterity[] = [];
  // 2026-01-05 08:00 UTC.
  const clock = new ManualClock();
  const hour = 3600_000;
  const engine = () => {
    const created = createAuterity({ database: db.url, workflows: { clock, pollIntervalMs: 1000 } });
    engines.push(created);
    return created;
  };
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
  });
  afterAll(async () => {
    for (const e of engines) await e.close().catch(() => undefined);
    await db.drop();
  });
  // Both engines pass at once on PostgreSQL. On SQLite, two engines in one process share one thread
  // and a synchronous driver: one waiting on the other's write lock blocks the thread that would
  // release it (until busy_timeout), so there they pass one after the other — still two engines
  // seeing the same due ticks, the second finding them claimed.
  const both = async (x: Auterity, y: Auterity, what: (e: Auterity) => Promise<void>) => {
    if (dialect === 'postgres') await Promise.all([what(x), what(y)]);
    else for (const e of [x, y]) await what(e);
  };

  it('validates catchUp and defaults it to latest', async () => {
    const first = engine();
    await first.tenants.create({ id: 'cronco', plan: 'enterprise' });
    const wf = first.tenant('cronco', admin).workflows;
    const step = { id: 'at', action: 'transform', input: { expression: 'input.scheduledAt' } };
    const saved = await wf.save({ name: 'latest', triggers: [{ type: 'cron', schedule: '0 * * * *' }], steps: [step] });
    expect(saved.definition.triggers[0]).toEqual({ type: 'cron', schedule: '0 * * * *', timezone: 'UTC', catchUp: 'latest' });
    const error = await Promise.resolve()
      .then(() => wf.validate({ name: 'bad', triggers: [{ type: 'cron', schedule: '0 * * * *', catchUp: 'sometimes' }], steps: [step] }))
      .catch((e: unknown) => e);
    expect(isAuterityError(error) && error.code).toBe('invalid_input');
    expect(JSON.stringify(error)).toContain('catchUp');
    await wf.save({ name: 'all', triggers: [{ type: 'cron', schedule: '0 * * * *', catchUp: 'all' }], steps: [step] });
    await wf.save({ name: 'none', triggers: [{ type: 'cron', schedule: '0 * * * *', catchUp: 'none' }], steps: [step] });
  });

  it('fires ticks on time, then after downtime: one catch-up run (latest), every tick (all) or none, once across engines', async () => {
    const first = engines[0] as Auterity;
    first.workflows.stop();
    // Nothing is due at save time: ticks from before a workflow was saved are never fired.
    await first.workflows.tick();
    clock.jump(hour + 5_000); // 09:00:05
    await first.workflows.tick();
    await first.workflows.idle();
    for (const id of ['latest', 'all', 'none']) expect(await ticksOf(first, id)).toEqual(['09:00']);
    await first.close();

    // No engine runs from 09:00:05 to 13:30: the 10, 11, 12 and 13 o'clock ticks are missed.
    clock.jump(4 * hour + 30 * 60_000 - 5_000);
    const b = engine();
    const c = engine();
    await b.tenants.get('cronco');
    b.workflows.stop();
    c.workflows.stop();
    // Two engines come back and catch up at once; each tick still fires once.
    await both(b, c, (e) => e.workflows.tick());
    await both(b, c, (e) => e.workflows.tick());
    await both(b, c, (e) => e.workflows.idle());
    expect(await ticksOf(b, 'latest')).toEqual(['09:00', '13:00']);
    expect(await ticksOf(b, 'all')).toEqual(['09:00', '10:00', '11:00', '12:00', '13:00']);
    expect(await ticksOf(b, 'none')).toEqual(['09:00']);

    // Back to normal: the next tick fires once, under every policy.
    clock.jump(30 * 60_000 + 2_000); // 14:00:02
    await both(b, c, (e) => e.workflows.tick());
    await both(b, c, (e) => e.workflows.idle());
    expect(await ticksOf(c, 'latest')).toEqual(['09:00', '13:00', '14:00']);
    expect(await ticksOf(c, 'all')).toEqual(['09:00', '10:00', '11:00', '12:00', '13:00', '14:00']);
    expect(await ticksOf(c, 'none')).toEqual(['09:00', '14:00']);
    const runs = await c.tenant('cronco', admin).workflows.runs.list({ limit: 1000 });
    expect(runs.every((r) => r.status === 'succeeded')).toBe(true);
  });

  it('catches up an every-second schedule after a month of downtime with one run, at once', async () => {
    const c = engines.at(-1) as Auterity;
    const wf = c.tenant('cronco', admin).workflows;
    const step = { id: 'at', action: 'transform', input: { expression: 'input.scheduledAt' } };
    // Only this schedule is timed: the hourly ones above lose their triggers, or their month of
    // catch-up runs (`all` fires every missed tick) would share the time bound.
    for (const id of ['latest', 'all', 'none']) await wf.save({ name: id, steps: [step] }, { id });
    await wf.save({ name: 'seconds', triggers: [{ type: 'cron', schedule: '* * * * * *' }], steps: [step] });
    c.workflows.stop();
    clock.jump(30 * 24 * hour + 500);
    const started = Date.now();
    await c.workflows.tick();
    await c.workflows.idle();
    expect(Date.now() - started).toBeLessThan(5_000);
    const runs = await wf.runs.list({ workflowId: 'seconds' });
    expect(runs.map((r) => (r.input as { scheduledAt: string }).scheduledAt)).toEqual([new Date(Math.floor(clock.now() / 1000) * 1000).toISOString()]);
  });
});
