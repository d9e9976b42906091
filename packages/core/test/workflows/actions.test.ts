// Built-in actions: the code sandbox (escapes, infinite loops, memory bombs), SSRF-safe
// http.request, transform, foreach, delay, workflow.run.
import { createServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInMemoryWorkflows, type WorkflowRun } from '@auterity/core';
import { ManualClock } from './harness.js';

describe('built-in actions', () => {
  const clock = new ManualClock();
  const runtime = createInMemoryWorkflows({ clock, code: { timeoutMs: 500, memoryLimitBytes: 16 * 1024 * 1024 }, http: { timeoutMs: 2000, maxResponseBytes: 1024 } });
  const workflows = runtime.tenant('acme');
  const open = createInMemoryWorkflows({ http: { allowPrivateNetwork: true, maxResponseBytes: 1024 } }).tenant('acme');
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/big') return res.end('x'.repeat(5000));
      res.setHeader('content-type', 'application/json');
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => res.end(JSON.stringify({ method: req.method, key: req.headers['idempotency-key'], body: body ? (JSON.parse(body) as unknown) : null })));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await runtime.close();
    await new Promise((resolve) => server.close(resolve));
  });

  async function runOne(target: typeof workflows, action: string, input: Record<string, unknown>, runInput: unknown = null): Promise<WorkflowRun> {
    const saved = await target.save({ name: `one-${action}-${Math.random().toString(36).slice(2)}`, steps: [{ id: 's', action, input }] });
    const run = await target.start(saved.id, { input: runInput });
    return target.runs.wait(run.id);
  }

  describe('code sandbox', () => {
    it('runs JavaScript on its input and returns JSON', async () => {
      const run = await runOne(workflows, 'code', { code: 'return { sum: input.a + input.b, keys: Object.keys(input) }', input: { a: 2, b: 3 } });
      expect(run.output).toEqual({ s: { sum: 5, keys: ['a', 'b'] } });
    });

    it.each([
      ['the Function constructor chain', 'return (function(){}).constructor("return typeof process")()', 'undefined'],
      ['constructor.constructor from a literal', 'return [].constructor.constructor("return this")().process === undefined', true],
      ['reaching require', 'return typeof require', 'undefined'],
      ['reaching globalThis.process', 'return typeof globalThis.process', 'undefined'],
    ])('contains escape attempts: %s', async (_name, code, expected) => {
      const run = await runOne(workflows, 'code', { code });
      expect(run.output).toEqual({ s: expected });
    });

    it('has no module system to import from', async () => {
      const run = await runOne(workflows, 'code', { code: 'return typeof import.meta' });
      expect(run.status).toBe('failed');
      expect(run.steps[0]?.error?.message).toMatch(/^code: SyntaxError/);
    });

    it('cannot pollute host prototypes', async () => {
      const run = await runOne(workflows, 'code', { code: 'Object.prototype.polluted = "yes"; Array.prototype.push = null; return ({}).polluted' });
      expect(run.output).toEqual({ s: 'yes' });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(typeof [].push).toBe('function');
    });

    it.each([
      ['an infinite loop', 'while (true) {}', /time limit of 500 ms exceeded/],
      ['a memory bomb', 'const a = []; while (true) a.push(new Array(100000).fill(1))', /(memory limit of 16777216 bytes|time limit of 500 ms) exceeded/],
      ['a huge allocation', 'return new Array(1e9).fill(0).length', /memory limit of 16777216 bytes exceeded/],
      ['runaway recursion', 'function f() { return f() } return f()', /stack overflow/],
      ['a thrown error', 'throw new TypeError("bad input")', /code: TypeError: bad input/],
    ])('fails %s with a clear error while the host stays healthy', async (_name, code, message) => {
      const started = Date.now();
      const run = await runOne(workflows, 'code', { code });
      expect(run.status).toBe('failed');
      expect(run.steps[0]?.error?.message).toMatch(message);
      // Bounded by the limit plus the worker's grace period, whatever the code did.
      expect(Date.now() - started).toBeLessThan(5000);
      const after = await runOne(workflows, 'code', { code: 'return 1 + 1' });
      expect(after.output).toEqual({ s: 2 });
    });
  });

  describe('http.request', () => {
    it.each([
      ['http://127.0.0.1/'],
      ['http://[::1]/'],
      ['http://169.254.169.254/latest/meta-data/'],
      ['http://10.0.0.8/'],
      ['http://172.16.3.4/'],
      ['http://192.168.1.1/'],
      ['http://[::ffff:127.0.0.1]/'],
      ['http://[fd00::1]/'],
      ['http://localhost/'],
      [`http://${hostname()}/`],
    ])('refuses %s by default', async (url) => {
      const run = await runOne(workflows, 'http.request', { url });
      expect(run.status).toBe('failed');
      expect(run.steps[0]?.error).toMatchObject({ code: 'forbidden' });
      expect(run.steps[0]?.error?.message).toMatch(/private, loopback or link-local/);
    });

    it('sends JSON with the idempotency key when private targets are allowed', async () => {
      const run = await runOne(open, 'http.request', { url: `${base}/echo`, method: 'POST', body: { hello: { $expr: 'input.name' } } }, { name: 'ada' });
      expect(run.status).toBe('succeeded');
      expect((run.output as { s: { body: unknown } }).s.body).toEqual({ method: 'POST', key: `${run.id}:s`, body: { hello: 'ada' } });
    });

    it('caps the response size', async () => {
      const run = await runOne(open, 'http.request', { url: `${base}/big` });
      expect(run.steps[0]?.error).toMatchObject({ code: 'payload_too_large' });
    });
  });

  describe('transform, foreach, workflow.run, delay', () => {
    it('transforms with JSONata, fans out with foreach and runs sub-workflows', async () => {
      await workflows.save({ name: 'double', steps: [{ id: 'x', action: 'transform', input: { expression: 'input.n * 2' } }] }, { id: 'double' });
      const saved = await workflows.save({
        name: 'parent',
        steps: [
          { id: 'items', action: 'transform', input: { expression: 'input.values[$ > 1]' } },
          { id: 'each', action: 'foreach', dependsOn: ['items'], input: { items: { $expr: 'steps.items.output' }, action: 'code', itemInput: '{ "code": "return input * 10", "input": item }', concurrency: 2 } },
          { id: 'child', action: 'workflow.run', dependsOn: ['each'], input: { workflow: 'double', input: { n: { $expr: '$sum(steps.each.output)' } } } },
        ],
      });
      const run = await workflows.start(saved.id, { input: { values: [1, 2, 3, 4] } });
      const done = await workflows.runs.wait(run.id);
      expect(done.status).toBe('succeeded');
      expect(done.steps.map((s) => s.output)).toEqual([[2, 3, 4], [20, 30, 40], { x: 180 }]);
      const child = await workflows.runs.get(`${run.id}.child`);
      expect(child).toMatchObject({ status: 'succeeded', parentRunId: run.id });
    });

    it('delays durably: the run waits until the clock reaches the end of the delay', async () => {
      const saved = await workflows.save({ name: 'delayed', steps: [{ id: 'd', action: 'delay', input: { ms: 60_000 } }, { id: 'after', action: 'transform', dependsOn: ['d'], input: { expression: '"done"' } }] });
      const run = await workflows.start(saved.id);
      await runtime.idle();
      expect((await workflows.runs.get(run.id)).status).toBe('waiting');
      await clock.advance(59_999, () => runtime.idle());
      expect((await workflows.runs.get(run.id)).status).toBe('waiting');
      await clock.advance(1, () => runtime.idle());
      expect(await workflows.runs.get(run.id)).toMatchObject({ status: 'succeeded', output: { after: 'done' } });
    });
  });
});
