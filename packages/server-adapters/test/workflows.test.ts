// The workflow routes end to end on a real socket: definitions and versions, runs driven by the
// engine's executor, the run event stream (SSE) with Last-Event-ID resume through the typed
// client, and run controls.
import { createClient, type AuterityClient } from '@auterity/core/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../src/index.js';
import { bearer, createTestEngine, type TestEngine } from './support/engine.js';
import { call } from './support/http.js';
import { startAdapter, type RunningAdapter } from './support/servers.js';

let fixture: TestEngine;
let server: RunningAdapter;
let client: AuterityClient;
let headers: Record<string, string>;
let api: string;

const definition = {
  name: 'double',
  steps: [
    { id: 'double', action: 'transform', input: { expression: 'input.n * 2' } },
    { id: 'plus', action: 'transform', input: { expression: 'steps.double.output + 1' }, dependsOn: ['double'] },
  ],
};

beforeAll(async () => {
  fixture = await createTestEngine();
  const key = (await fixture.tenantWithKey('acme')).key;
  headers = { ...bearer(key), 'content-type': 'application/json' };
  server = await startAdapter('node', createHandler(fixture.engine, { basePath: '/api' }));
  api = `${server.url}/api/v1`;
  client = createClient({ baseUrl: `${server.url}/api`, getToken: () => key });
  fixture.engine.workflows.start();
});
afterAll(async () => {
  fixture.engine.workflows.stop();
  await server.close();
  await fixture.close();
});

describe('workflow routes', () => {
  let workflowId: string;

  it('stores definitions as versions and lists them', async () => {
    const created = await call(`${api}/workflows`, { method: 'POST', headers, body: JSON.stringify(definition) });
    expect(created.status).toBe(201);
    const version = created.json as { id: string; version: number; name: string };
    expect(version).toMatchObject({ version: 1, name: 'double' });
    workflowId = version.id;
    const updated = await call(`${api}/workflows/${workflowId}`, { method: 'PUT', headers, body: JSON.stringify({ ...definition, name: 'double v2' }) });
    expect(updated.json).toMatchObject({ id: workflowId, version: 2, name: 'double v2' });
    expect((await call(`${api}/workflows/${workflowId}?version=1`, { headers })).json).toMatchObject({ version: 1, name: 'double' });
    expect((await call(`${api}/workflows`, { headers })).json).toMatchObject({ data: [{ id: workflowId, latestVersion: 2 }] });
    expect((await call(`${api}/workflows/wf_missing`, { method: 'PUT', headers, body: JSON.stringify(definition) })).status).toBe(404);
  });

  it('rejects an invalid definition with every problem as an issue', async () => {
    const reply = await call(`${api}/workflows`, { method: 'POST', headers, body: JSON.stringify({ name: '', steps: [{ id: '1x', action: '' }] }) });
    expect(reply.status).toBe(400);
    const paths = (reply.json as { error: { issues: { path: string }[] } }).error.issues.map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['name', 'steps.0.id', 'steps.0.action']));
  });

  it('runs a workflow and streams its events, resuming after Last-Event-ID', async () => {
    const started = await call(`${api}/workflows/${workflowId}/runs`, { method: 'POST', headers, body: JSON.stringify({ input: { n: 20 } }) });
    expect(started.status).toBe(201);
    const runId = (started.json as { id: string }).id;

    const events: { id?: string; event: string; data: string }[] = [];
    for await (const event of client.subscribe(`/runs/${runId}/events`, { reconnect: false })) events.push(event);
    expect(events.map((event) => event.id)).toEqual(events.map((_, index) => String(index + 1)));
    expect(events[0]!.event).toBe('run.started');
    expect(events.at(-1)!.event).toBe('run.completed');
    expect(JSON.parse(events[0]!.data)).toMatchObject({ runId, seq: 1, type: 'run.started' });

    const resumed: string[] = [];
    for await (const event of client.runs.events(runId, { reconnect: false, lastEventId: '2' })) resumed.push(event.id!);
    expect(resumed).toEqual(events.slice(2).map((event) => event.id));

    expect(await client.runs.get(runId)).toMatchObject({ id: runId, status: 'succeeded', output: { plus: 41 } });
    expect((await client.workflows.get(workflowId, 1)).name).toBe('double');
    expect((await client.runs.list({ workflowId })).map((run) => run.id)).toContain(runId);
    expect((await call(`${api}/runs?status=succeeded`, { headers })).json).toMatchObject({ data: [{ id: runId }] });
  });

  it('answers HEAD on a live stream with its headers and frees the stream', async () => {
    const slow = await client.workflows.create({ name: 'slow-head', steps: [{ id: 'wait', action: 'delay', input: { ms: 3_600_000 } }] });
    const run = await client.workflows.start(slow.id);
    const head = await call(`${api}/runs/${run.id}/events`, { method: 'HEAD', headers });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(head.text).toBe('');
    await client.runs.cancel(run.id);
  });

  it('400s a malformed Last-Event-ID and 404s an unknown run before streaming', async () => {
    const bad = await call(`${api}/runs/run_x/events`, { headers: { ...headers, 'last-event-id': 'abc' } });
    expect(bad.status).toBe(400);
    const missing = await call(`${api}/runs/run_missing/events`, { headers });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  it('cancels a waiting run', async () => {
    const slow = await client.request<{ id: string }>('POST', '/workflows', { name: 'slow', steps: [{ id: 'wait', action: 'delay', input: { ms: 3_600_000 } }] });
    const run = await call(`${api}/workflows/${slow.id}/runs`, { method: 'POST', headers });
    const runId = (run.json as { id: string }).id;
    const cancelled = await call(`${api}/runs/${runId}/cancel`, { method: 'POST', headers });
    expect(cancelled.status).toBe(200);
    expect((cancelled.json as { status: string }).status).toMatch(/^(cancelled|running|waiting|queued)$/);
    await fixture.engine.workflows.idle();
    expect((await call(`${api}/runs/${runId}`, { headers })).json).toMatchObject({ status: 'cancelled' });
  });

  it('emits events and lists dead letters', async () => {
    const emitted = await call(`${api}/events`, { method: 'POST', headers, body: JSON.stringify({ name: 'lead.created', payload: { n: 1 } }) });
    expect(emitted.status).toBe(202);
    expect(emitted.json).toMatchObject({ id: expect.any(String), runs: [] });
    expect((await call(`${api}/dead-letters`, { headers })).json).toEqual({ data: [] });
  });
});
