// Retries with exponential backoff and jitter, per-step timeouts, cancel mid-step, pause/resume,
// retry-from-failed and the dead-letter queue, concurrency limits and priorities, version pinning,
// and the guard hook — on a manual clock.
import { describe, expect, it } from 'vitest';
import { AuterityError, type WorkflowGuard } from '@auterity/core';
import { backends, ManualClock, recorder, recordStep as step, tick, useWorkflows } from './harness.js';

describe.each(backends)('workflow controls (%s)', (backend) => {
  const rec = recorder();
  const clock = new ManualClock();
  const refusals: string[] = [];
  const guard: WorkflowGuard = {
    beforeRun(ctx) {
      if ((ctx.input as { refuse?: boolean } | null)?.refuse) throw new AuterityError('quota_exceeded', 'executions quota reached');
    },
    beforeStep(ctx) {
      if (ctx.stepId === 'forbidden') {
        refusals.push(`${ctx.runId}:${ctx.stepId}:${ctx.attempt}`);
        throw new AuterityError('forbidden', 'policy denies this step');
      }
    },
  };
  const h = useWorkflows(backend, () => ({ actions: [rec.action], clock, random: () => 0.5, guards: [guard], pollIntervalMs: 1000 }));
  const advance = (ms: number) => clock.advance(ms, h.settle);

  it('retries with exponential backoff and equal jitter, durably, on the clock', async () => {
    const saved = await h.workflows.save({
      name: 'flaky',
      steps: [step('flaky', [], { fail: 2 }, { retry: { maxAttempts: 3, backoff: 'exponential', initialMs: 1000, factor: 2, maxMs: 60_000 } })],
    });
    const run = await h.workflows.start(saved.id);
    await h.settle();
    expect(rec.log.filter((l) => l.startsWith('flaky#'))).toEqual(['flaky#1']);
    expect((await h.workflows.runs.get(run.id)).status).toBe('waiting');
    // Delay 1: 1000 ms halved plus half of it times random() 0.5 = 750 ms.
    await advance(749);
    expect(rec.log.filter((l) => l.startsWith('flaky#'))).toEqual(['flaky#1']);
    await advance(1);
    expect(rec.log.filter((l) => l.startsWith('flaky#'))).toEqual(['flaky#1', 'flaky#2']);
    // Delay 2: 2000 ms -> 1500 ms.
    await advance(1499);
    expect(rec.log.filter((l) => l.startsWith('flaky#'))).toHaveLength(2);
    await advance(1);
    const done = await h.workflows.runs.get(run.id);
    expect(done.status).toBe('succeeded');
    expect(done.steps[0]).toMatchObject({ status: 'succeeded', attempts: 3 });
    const events = await h.eventsOf(run.id);
    expect(events.map((e) => (e.stepId ? `${e.type}:${e.stepId}` : e.type))).toEqual([
      'run.started',
      'step.started:flaky',
      'step.retrying:flaky',
      'step.started:flaky',
      'step.retrying:flaky',
      'step.started:flaky',
      'step.completed:flaky',
      'run.completed',
    ]);
    expect(events.filter((e) => e.type === 'step.retrying').map((e) => e.data?.delayMs)).toEqual([750, 1500]);
  });

  it('fails a step that outlives its timeout', async () => {
    const saved = await h.workflows.save({ name: 'slow', steps: [step('slow', [], { gate: 'never-open' }, { timeoutMs: 5000 })] });
    const run = await h.workflows.start(saved.id);
    await h.settle();
    await advance(4999);
    expect((await h.workflows.runs.get(run.id)).status).toBe('running');
    await advance(1);
    const done = await h.workflows.runs.get(run.id);
    expect(done.status).toBe('failed');
    expect(done.steps[0]?.error?.message).toBe('step "slow" timed out after 5000 ms');
  });

  it('cancels mid-step: the running step sees its signal abort', async () => {
    const saved = await h.workflows.save({ name: 'cancel-me', steps: [step('long', [], { gate: 'cancel-gate' }), step('next', ['long'])] });
    const run = await h.workflows.start(saved.id);
    await h.settle();
    const cancelled = await h.workflows.runs.cancel(run.id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.steps.map((s) => s.status)).toEqual(['cancelled', 'cancelled']);
    expect(await h.trace(run.id)).toEqual(['run.started', 'step.started:long', 'step.cancelled:long', 'run.cancelled']);
    await expect(h.workflows.runs.resume(run.id)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('pauses (the step in flight finishes, nothing new starts) and resumes', async () => {
    const saved = await h.workflows.save({ name: 'pausable', steps: [step('first', [], { gate: 'pause-gate' }), step('second', ['first'])] });
    const run = await h.workflows.start(saved.id);
    await h.settle();
    expect((await h.workflows.runs.pause(run.id)).status).toBe('paused');
    rec.open('pause-gate');
    await h.settle();
    await advance(10_000);
    const paused = await h.workflows.runs.get(run.id);
    expect(paused.status).toBe('paused');
    expect(paused.steps.map((s) => s.status)).toEqual(['succeeded', 'pending']);
    await h.workflows.runs.resume(run.id);
    await h.settle();
    expect((await h.workflows.runs.get(run.id)).status).toBe('succeeded');
    expect(await h.trace(run.id)).toEqual([
      'run.started',
      'step.started:first',
      'run.paused',
      'step.completed:first',
      'run.resumed',
      'step.started:second',
      'step.completed:second',
      'run.completed',
    ]);
  });

  it('dead-letters a failed run and redrives it from its failed steps only', async () => {
    const saved = await h.workflows.save({ name: 'redrive', steps: [step('ok'), step('once', ['ok'], { fail: 1 }), step('last', ['once'])] });
    const run = await h.workflows.start(saved.id);
    await h.settle();
    expect((await h.workflows.runs.get(run.id)).status).toBe('failed');
    expect((await h.workflows.deadLetters.list()).map((r) => r.id)).toContain(run.id);
    const before = rec.log.filter((l) => l.startsWith('ok#')).length;
    await h.workflows.deadLetters.redrive(run.id);
    await h.settle();
    const done = await h.workflows.runs.get(run.id);
    expect(done.status).toBe('succeeded');
    expect(done.deadLettered).toBe(false);
    expect(rec.log.filter((l) => l.startsWith('ok#')).length).toBe(before);
    expect(done.steps.map((s) => [s.id, s.attempts])).toEqual([['ok', 1], ['once', 2], ['last', 1]]);
    expect((await h.workflows.deadLetters.list()).map((r) => r.id)).not.toContain(run.id);
    await expect(h.workflows.deadLetters.redrive(run.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('limits concurrent runs per workflow and starts queued runs by priority', async () => {
    const saved = await h.workflows.save({ name: 'limited', concurrency: 1, steps: [step('work', [], { gate: { $expr: 'input.gate' } })] });
    const first = await h.workflows.start(saved.id, { input: { gate: 'g1' } });
    const low = await h.workflows.start(saved.id, { input: { gate: 'g2' }, priority: 0 });
    const high = await h.workflows.start(saved.id, { input: { gate: 'g3' }, priority: 5 });
    await h.settle();
    expect([(await h.workflows.runs.get(first.id)).status, (await h.workflows.runs.get(low.id)).status, (await h.workflows.runs.get(high.id)).status]).toEqual(['running', 'queued', 'queued']);
    rec.open('g1');
    await h.settle();
    await advance(1000);
    expect((await h.workflows.runs.get(high.id)).status).toBe('running');
    expect((await h.workflows.runs.get(low.id)).status).toBe('queued');
    rec.open('g3');
    rec.open('g2');
    await h.settle();
    await advance(1000);
    await advance(1000);
    expect((await h.workflows.runs.get(low.id)).status).toBe('succeeded');
  });

  it('pins runs to the version they started on', async () => {
    const v1 = await h.workflows.save({ name: 'versioned', steps: [step('one', [], { gate: 'v1-gate' })] }, { id: 'versioned' });
    const run = await h.workflows.start(v1.id);
    await h.settle();
    const v2 = await h.workflows.save({ name: 'versioned', steps: [step('uno'), step('dos', ['uno'])] }, { id: 'versioned' });
    expect([v1.version, v2.version]).toEqual([1, 2]);
    rec.open('v1-gate');
    await h.settle();
    const done = await h.workflows.runs.get(run.id);
    expect(done).toMatchObject({ status: 'succeeded', version: 1 });
    expect(done.steps.map((s) => s.id)).toEqual(['one']);
    const next = await h.workflows.start('versioned');
    expect(next.version).toBe(2);
    expect((await h.workflows.get('versioned', 1)).definition.steps[0]?.id).toBe('one');
  });

  it('asks the guard before each run and each step', async () => {
    const saved = await h.workflows.save({ name: 'guarded', steps: [step('fine'), step('forbidden', ['fine'], {}, { retry: { maxAttempts: 3 } })] });
    await expect(h.workflows.start(saved.id, { input: { refuse: true } })).rejects.toMatchObject({ code: 'quota_exceeded' });
    expect(await h.workflows.runs.list({ workflowId: saved.id })).toEqual([]);
    const run = await h.workflows.start(saved.id);
    await h.settle();
    const done = await h.workflows.runs.get(run.id);
    expect(done.status).toBe('failed');
    // Refused by policy: not retried.
    expect(done.steps[1]).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'forbidden', message: 'policy denies this step' } });
    expect(refusals).toEqual([`${run.id}:forbidden:1`]);
    await tick();
  });
});
