// Triggers (webhook, event with a CEL filter, cron) and event.wait's buffering window; then two
// engines sharing one database: cron fires once per tick and no step runs twice.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { testDialects } from '@auterity/testing';
import { defineAction } from '@auterity/core';
import { backends, ManualClock, recorder, useEnginePair, useWorkflows } from './harness.js';

describe.each(backends)('triggers and event.wait (%s)', (backend) => {
  const rec = recorder();
  const clock = new ManualClock();
  const h = useWorkflows(backend, () => ({ actions: [rec.action], clock, eventBufferMs: 60_000 }));
  const advance = (ms: number) => clock.advance(ms, h.settle);

  it('starts a workflow from its webhook token, and only with the right token', async () => {
    const saved = await h.workflows.save({ name: 'hooked', triggers: [{ type: 'webhook' }], steps: [{ id: 'echo', action: 'transform', input: { expression: 'input.lead' } }] });
    const token = (await h.workflows.list()).find((w) => w.id === saved.id)?.webhookToken;
    expect(token).toMatch(/^acme\.hooked\.[A-Za-z0-9]{24}$/);
    const run = await h.runtime.webhook(token as string, { lead: 'ada' });
    expect((await h.workflows.runs.wait(run.id)).output).toEqual({ echo: 'ada' });
    // Change the secret's last character (to one it is not: 1 token in 62 ends in "x").
    const wrong = `${(token as string).slice(0, -1)}${(token as string).endsWith('x') ? 'y' : 'x'}`;
    await expect(h.runtime.webhook(wrong, {})).rejects.toMatchObject({ code: 'not_found' });
    await expect(h.runtime.webhook('nonsense', {})).rejects.toMatchObject({ code: 'not_found' });
  });

  it('starts workflows on events that pass the trigger filter', async () => {
    await h.workflows.save({
      name: 'on-lead',
      triggers: [{ type: 'event', event: 'lead.created', filter: 'event.payload.size > 10' }],
      steps: [{ id: 'size', action: 'transform', input: { expression: 'input.payload.size' } }],
    });
    expect((await h.events.emit('lead.created', { size: 5 })).runs).toEqual([]);
    const { runs } = await h.events.emit('lead.created', { size: 50 });
    expect(runs).toHaveLength(1);
    expect((await h.workflows.runs.wait(runs[0] as string)).output).toEqual({ size: 50 });
  });

  it('completes event.wait with an event emitted shortly before the wait began (buffer window)', async () => {
    const saved = await h.workflows.save({
      name: 'await-payment',
      steps: [
        { id: 'prepare', action: 'test.record', input: { label: 'prepare', gate: 'prepare-gate' } },
        { id: 'paid', action: 'event.wait', dependsOn: ['prepare'], input: { event: 'order.paid', filter: 'event.payload.orderId == input.orderId' } },
      ],
    });
    const early = await h.workflows.start(saved.id, { input: { orderId: 1 } });
    const late = await h.workflows.start(saved.id, { input: { orderId: 2 } });
    await h.settle();
    // Order 1 is paid before its wait step begins; another order's event does not match.
    await h.events.emit('order.paid', { orderId: 1, amount: 10 });
    await advance(30_000);
    rec.open('prepare-gate');
    await h.settle();
    const earlyDone = await h.workflows.runs.wait(early.id);
    expect(earlyDone.steps[1]?.output).toMatchObject({ event: 'order.paid', payload: { orderId: 1, amount: 10 } });
    expect((await h.workflows.runs.get(late.id)).status).toBe('waiting');
    // Order 2's event comes while its run waits: it is woken.
    await h.events.emit('order.paid', { orderId: 2, amount: 20 });
    await h.settle();
    await advance(1000);
    expect((await h.workflows.runs.get(late.id)).steps[1]?.output).toMatchObject({ payload: { orderId: 2 } });
  });

  it('does not match events older than the buffer window', async () => {
    const saved = await h.workflows.save({
      name: 'stale-wait',
      steps: [
        { id: 'hold', action: 'test.record', input: { label: 'hold', gate: 'stale-gate' } },
        { id: 'ping', action: 'event.wait', dependsOn: ['hold'], input: { event: 'stale.ping', timeoutMs: 5000 } },
      ],
    });
    const run = await h.workflows.start(saved.id);
    await h.settle();
    await h.events.emit('stale.ping', {});
    await advance(61_000);
    rec.open('stale-gate');
    await h.settle();
    expect((await h.workflows.runs.get(run.id)).status).toBe('waiting');
    await advance(5000);
    const done = await h.workflows.runs.get(run.id);
    expect(done.status).toBe('failed');
    expect(done.steps[1]?.error?.message).toContain('waited for event "stale.ping" until its timeout');
  });

  it('fires cron triggers in their timezone', async () => {
    await h.workflows.save({
      name: 'hourly-berlin',
      triggers: [{ type: 'cron', schedule: '0 * * * *', timezone: 'Europe/Berlin', catchUp: 'all' }],
      steps: [{ id: 'at', action: 'transform', input: { expression: 'input.scheduledAt' } }],
    });
    // The loops stay quiet; two hours pass and one pass of the cron loop catches up, tick by tick
    // (`catchUp: 'all'`; the default fires only the latest missed tick).
    h.runtime.stop();
    await h.runtime.tick();
    clock.jump(2 * 3600_000);
    await h.runtime.tick();
    await h.settle();
    const runs = await h.workflows.runs.list({ workflowId: 'hourly-berlin' });
    expect(runs.map((r) => (r.input as { scheduledAt: string }).scheduledAt).sort()).toEqual(['2026-01-05T09:00:00.000Z', '2026-01-05T10:00:00.000Z']);
  });
});

describe.each(testDialects)('two engines on one database (%s)', (dialect) => {
  const clock = new ManualClock();
  const executions = new Map<string, number>();
  const count = defineAction({
    name: 'count',
    input: z.object({}),
    async run({ idempotencyKey }) {
      executions.set(idempotencyKey, (executions.get(idempotencyKey) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 1));
      return null;
    },
  });
  const gate: { release?: () => void } = {};
  const held = new Promise<void>((resolve) => (gate.release = resolve));
  const hold = defineAction({
    name: 'hold',
    input: z.object({}),
    async run({ idempotencyKey }) {
      executions.set(idempotencyKey, (executions.get(idempotencyKey) ?? 0) + 1);
      await held;
      return null;
    },
  });
  // Leases of 3 s renewed every second: a step may run far longer than its lease.
  const pair = useEnginePair(dialect, { actions: [count, hold], clock, pollIntervalMs: 1000, leaseMs: 3000 });
  const { settle } = pair;

  it('fires each cron tick once', async () => {
    const ta = pair.a.tenant('shared', { id: 'u', roles: ['admin'] });
    await ta.workflows.save({ name: 'every-second', triggers: [{ type: 'cron', schedule: '* * * * * *' }], steps: [{ id: 'c', action: 'count', input: {} }] });
    pair.a.workflows.start();
    pair.b.workflows.start();
    for (let i = 0; i < 10; i++) await clock.advance(1000, settle);
    await Promise.all([pair.a.workflows.tick(), pair.b.workflows.tick()]);
    await settle();
    const runs = await ta.workflows.runs.list({ workflowId: 'every-second', limit: 1000 });
    const ticks = runs.map((r) => (r.input as { scheduledAt: string }).scheduledAt);
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(ticks.length).toBeGreaterThanOrEqual(10);
  });

  it('never runs a step twice when both engines poll for the same due runs', async () => {
    const ta = pair.a.tenant('shared', { id: 'u', roles: ['admin'] });
    const saved = await ta.workflows.save({
      name: 'contended',
      steps: [
        { id: 's1', action: 'count', input: {} },
        { id: 'd1', action: 'delay', input: { ms: 1000 }, dependsOn: ['s1'] },
        { id: 's2', action: 'count', input: {}, dependsOn: ['d1'] },
        { id: 'd2', action: 'delay', input: { ms: 1000 }, dependsOn: ['s2'] },
        { id: 's3', action: 'count', input: {}, dependsOn: ['d2'] },
      ],
    });
    const ids = [];
    for (let i = 0; i < 20; i++) ids.push((await ta.workflows.start(saved.id)).id);
    for (let i = 0; i < 6; i++) await clock.advance(1000, settle);
    const runs = await Promise.all(ids.map((id) => ta.workflows.runs.get(id)));
    expect(runs.every((r) => r.status === 'succeeded')).toBe(true);
    for (const id of ids) for (const step of ['s1', 's2', 's3']) expect(executions.get(`${id}:${step}`)).toBe(1);
  });

  it('keeps a long step leased by heartbeats: the other engine never takes it over', async () => {
    const ta = pair.a.tenant('shared', { id: 'u', roles: ['admin'] });
    const saved = await ta.workflows.save({ name: 'long', steps: [{ id: 'h', action: 'hold', input: {} }, { id: 'after', action: 'count', input: {}, dependsOn: ['h'] }] });
    const run = await ta.workflows.start(saved.id);
    for (let i = 0; i < 12; i++) await clock.advance(1000, settle);
    expect((await ta.workflows.runs.get(run.id)).status).toBe('running');
    gate.release?.();
    await settle();
    await clock.advance(1000, settle);
    expect((await ta.workflows.runs.get(run.id)).status).toBe('succeeded');
    expect(executions.get(`${run.id}:h`)).toBe(1);
    expect(await ta.workflows.runs.list({ workflowId: 'long' }).then((runs) => runs.map((r) => r.steps.map((st) => st.attempts)))).toEqual([[1, 1]]);
  });
});
