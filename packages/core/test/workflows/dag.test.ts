// DAG semantics: chain, diamond, wide fan-out/fan-in, conditional skip and failure propagation,
// with the exact event order; and the per-run event stream's sequence numbers.
import { describe, expect, it } from 'vitest';
import { backends, recorder, recordStep as step, useWorkflows } from './harness.js';

describe.each(backends)('workflow DAG semantics (%s)', (backend) => {
  const rec = recorder();
  const h = useWorkflows(backend, () => ({ actions: [rec.action] }));

  async function runToEnd(definition: unknown, input: unknown = {}) {
    const saved = await h.workflows.save(definition);
    const run = await h.workflows.start(saved.id, { input });
    const done = await h.workflows.runs.wait(run.id);
    await h.settle();
    return done;
  }

  it('runs a chain in order and passes outputs along', async () => {
    const run = await runToEnd({
      name: 'chain',
      steps: [step('a', [], { value: 1 }), step('b', ['a'], { value: { $expr: 'steps.a.output + 1' } }), step('c', ['b'], { value: { $expr: 'steps.b.output * 10' } })],
    });
    expect(run.status).toBe('succeeded');
    expect(run.output).toEqual({ c: 20 });
    expect(await h.trace(run.id)).toEqual([
      'run.started',
      'step.started:a',
      'step.completed:a',
      'step.started:b',
      'step.completed:b',
      'step.started:c',
      'step.completed:c',
      'run.completed',
    ]);
  });

  it('runs a diamond: both branches start together, the join waits for both', async () => {
    const run = await runToEnd({ name: 'diamond', steps: [step('top'), step('left', ['top']), step('right', ['top']), step('join', ['left', 'right'])] });
    expect(run.status).toBe('succeeded');
    expect(await h.trace(run.id)).toEqual([
      'run.started',
      'step.started:top',
      'step.completed:top',
      'step.started:left',
      'step.started:right',
      'step.completed:left',
      'step.completed:right',
      'step.started:join',
      'step.completed:join',
      'run.completed',
    ]);
  });

  it('fans out wide and fans in', async () => {
    const branches = Array.from({ length: 20 }, (_, i) => step(`b${i}`, ['root'], { value: i }));
    const run = await runToEnd({ name: 'wide', steps: [step('root'), ...branches, step('sum', branches.map((b) => b.id), { value: { $expr: `$sum([${branches.map((b) => `steps.${b.id}.output`).join(',')}])` } })] });
    expect(run.status).toBe('succeeded');
    expect(run.output).toEqual({ sum: 190 });
    const trace = await h.trace(run.id);
    // Every branch starts before any completes: they run concurrently.
    const firstCompletion = trace.findIndex((t) => t.startsWith('step.completed:b'));
    expect(trace.slice(3, 23).every((t) => t.startsWith('step.started:b'))).toBe(true);
    expect(firstCompletion).toBe(23);
    expect(trace.slice(-3)).toEqual(['step.started:sum', 'step.completed:sum', 'run.completed']);
  });

  it('skips a step whose condition is false, and dependents only reached through skipped steps', async () => {
    const run = await runToEnd(
      {
        name: 'branching',
        steps: [
          step('check', [], { value: { $expr: 'input.size' } }),
          step('big', ['check'], {}, { when: 'steps.check.output > 10' }),
          step('afterBig', ['big']),
          step('small', ['check'], {}, { when: 'steps.check.output <= 10' }),
          step('merge', ['afterBig', 'small'], { value: { $expr: 'steps.afterBig.output' } }),
        ],
      },
      { size: 3 },
    );
    expect(run.status).toBe('succeeded');
    expect(await h.trace(run.id)).toEqual([
      'run.started',
      'step.started:check',
      'step.completed:check',
      // Steps are visited in topological (level) order within one scheduling pass.
      'step.skipped:big',
      'step.started:small',
      'step.skipped:afterBig',
      'step.completed:small',
      'step.started:merge',
      'step.completed:merge',
      'run.completed',
    ]);
    expect(run.steps.find((s) => s.id === 'afterBig')).toMatchObject({ status: 'skipped', output: null });
    // A skipped dependency's output is null (the action then falls back to its label).
    expect(run.output).toEqual({ merge: 'merge' });
  });

  it('fails the run when a step fails: siblings in flight are cancelled, later steps never start', async () => {
    const run = await runToEnd({
      name: 'failing',
      steps: [step('root'), step('bad', ['root'], { fail: 5 }), step('slow', ['root'], { gate: 'never' }), step('after', ['bad', 'slow'])],
    });
    expect(run.status).toBe('failed');
    expect(run.error?.message).toContain('step "bad" failed');
    expect(await h.trace(run.id)).toEqual([
      'run.started',
      'step.started:root',
      'step.completed:root',
      'step.started:bad',
      'step.started:slow',
      'step.failed:bad',
      'step.cancelled:slow',
      'run.failed',
    ]);
    expect(run.steps.map((s) => [s.id, s.status])).toEqual([
      ['root', 'succeeded'],
      ['bad', 'failed'],
      ['slow', 'cancelled'],
      ['after', 'pending'],
    ]);
    expect(run.deadLettered).toBe(true);
  });

  it('numbers events 1, 2, 3… and resumes a reader after a given sequence number', async () => {
    const run = await runToEnd({ name: 'seq', steps: [step('a'), step('b', ['a'])] });
    const all = await h.eventsOf(run.id);
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    const rest: number[] = [];
    for await (const event of h.workflows.runs.events(run.id, { after: 3 })) rest.push(event.seq);
    expect(rest).toEqual([4, 5, 6]);
    expect(all.find((e) => e.type === 'step.completed')?.data).toMatchObject({ attempt: 1, durationMs: expect.any(Number) });
  });

  it('follows a live run: a reader sees events as they are persisted, until the run ends', async () => {
    const saved = await h.workflows.save({ name: 'live', steps: [step('first'), step('held', ['first'], { gate: 'live-gate' }), step('last', ['held'])] });
    const run = await h.workflows.start(saved.id);
    const seen: string[] = [];
    const reading = (async () => {
      for await (const event of h.workflows.runs.events(run.id, { after: 1 })) {
        seen.push(`${event.seq}:${event.type}${event.stepId ? `:${event.stepId}` : ''}`);
        if (event.type === 'step.started' && event.stepId === 'held') rec.open('live-gate');
      }
    })();
    await reading;
    expect(seen).toEqual(['2:step.started:first', '3:step.completed:first', '4:step.started:held', '5:step.completed:held', '6:step.started:last', '7:step.completed:last', '8:run.completed']);
  });

  it("keeps each tenant's workflows and runs to itself", async () => {
    const saved = await h.workflows.save({ name: 'private', steps: [step('a')] });
    const run = await h.workflows.start(saved.id);
    await h.workflows.runs.wait(run.id);
    await expect(h.other.runs.get(run.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(h.other.runs.cancel(run.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(h.other.get(saved.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(h.other.start(saved.id)).rejects.toMatchObject({ code: 'not_found' });
    expect(await h.other.runs.list()).toEqual([]);
    expect(await h.other.list()).toEqual([]);
  });
});
