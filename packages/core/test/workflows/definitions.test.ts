// Definition validation: every problem reported at once, each with its path; defineAction typing.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { AuterityError, createInMemoryWorkflows, defineAction, type ActionRunContext } from '@auterity/core';
import { createJsonataCompiler } from '../../src/expressions/jsonata.js';

const sendEmail = defineAction({
  name: 'email.send',
  input: z.strictObject({ to: z.email(), subject: z.string().min(1) }),
  output: z.object({ id: z.string() }),
  run: ({ input }) => ({ id: `msg-${input.to}` }),
});

describe('workflow definitions', () => {
  const runtime = createInMemoryWorkflows({ actions: [sendEmail] });
  const workflows = runtime.tenant('acme');

  it('reports every problem of a bad definition in one error, each with its path', () => {
    let error: unknown;
    try {
      workflows.validate({
        name: 'broken',
        extra: true,
        triggers: [{ type: 'cron', schedule: 'not a cron' }, { type: 'event', event: 'lead.created', filter: 'event.payload.size >' }],
        steps: [
          { id: 'a', action: 'email.send', input: { to: 'not-an-email', subject: '' } },
          { id: 'a', action: 'transform', input: { expression: 'steps.a.output +' } },
          { id: 'b', action: 'nope', dependsOn: ['x', 'c'] },
          { id: 'c', action: 'transform', input: { expression: '1' }, dependsOn: ['b'], when: 'steps.b.output >' },
          { id: 'd', action: 'email.send', input: { to: { $expr: 'input.email &' }, subject: 'hi' } },
          { id: 'bad id!', action: 'transform', input: { expression: '1' } },
        ],
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AuterityError);
    const { code, issues, message } = error as AuterityError;
    expect(code).toBe('invalid_input');
    const paths = issues.map((issue) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'extra',
        'steps[5].id',
        'steps[1].id',
        'steps[2].dependsOn[0]',
        'steps[2].action',
        'steps[0].input.to',
        'steps[0].input.subject',
        'steps[1].input.expression',
        'steps[3].when',
        'steps[4].input.to.$expr',
        'steps[2].dependsOn',
        'triggers[0].schedule',
        'triggers[1].filter',
      ]),
    );
    expect(issues.find((i) => i.path === 'steps[2].dependsOn[0]')?.message).toBe('unknown step "x"');
    expect(issues.find((i) => i.path === 'steps[2].dependsOn')?.message).toMatch(/^cycle: (b -> c -> b|c -> b -> c)$/);
    expect(issues.find((i) => i.path === 'steps[1].id')?.message).toContain('duplicate step id "a"');
    expect(issues.find((i) => i.path === 'steps[2].action')?.message).toContain('unknown action "nope"');
    expect(issues.find((i) => i.path === 'steps[3].when')?.message).toMatch(/line 1, column \d+/);
    expect(message).toContain('steps[2].dependsOn[0]: unknown step "x"');
  });

  it('accepts a good definition and applies defaults', () => {
    const definition = workflows.validate({
      name: 'welcome',
      triggers: [{ type: 'webhook' }, { type: 'cron', schedule: '0 9 * * 1-5', timezone: 'Europe/Berlin' }],
      steps: [
        { id: 'score', action: 'transform', input: { expression: 'input.lead.size * 2' } },
        { id: 'wait', action: 'delay', input: { ms: 60000 }, dependsOn: ['score'] },
        {
          id: 'mail',
          action: 'email.send',
          dependsOn: ['score', 'wait'],
          when: 'steps.score.output > 10',
          retry: { maxAttempts: 5, backoff: 'exponential', initialMs: 500, factor: 2, maxMs: 60000 },
          timeoutMs: 10000,
          input: { to: { $expr: 'input.lead.email' }, subject: 'Welcome' },
        },
      ],
    });
    expect(definition.priority).toBe(0);
    expect(definition.steps[2]?.retry?.jitter).toBe(true);
    expect(definition.steps[0]?.dependsOn).toEqual([]);
  });

  it('types defineAction inputs and outputs from its schemas', () => {
    expectTypeOf(sendEmail.run).parameter(0).toEqualTypeOf<ActionRunContext<{ to: string; subject: string }>>();
    expect(() => defineAction({ name: '9bad', input: z.object({}), run: () => null })).toThrow(TypeError);
  });

  it('compiles JSONata once and locates errors', async () => {
    const compiler = createJsonataCompiler();
    await expect(compiler.compile('a + 1').evaluate({ a: 1 })).resolves.toBe(2);
    await expect(compiler.compile('$sum(items)').evaluate({ items: [1, 2, 3] })).resolves.toBe(6);
    expect(() => compiler.compile('a +', { path: 'steps[0].input.x' })).toThrow(/steps\[0\]\.input\.x: .*\(line 1, column \d+\)/);
  });
});
