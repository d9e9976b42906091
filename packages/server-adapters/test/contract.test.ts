// One contract, every adapter: the same requests on real sockets against Node http, Express 5,
// Fastify 5, Hono (@hono/node-server) and Next.js route handlers must give the same statuses,
// headers, bodies and streams.
import { createHash } from 'node:crypto';
import { autoPlansInput, definePlans, type CreatedApiKey } from '@auterity/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, sseResponse } from '../src/index.js';
import { bearer, createTestEngine, type TestEngine } from './support/engine.js';
import { call, deferred, readEvents } from './support/http.js';
import { adapters, startAdapter, type FetchHandler, type RunningAdapter } from './support/servers.js';

const ORIGIN = 'https://app.example';

let fixture: TestEngine;
let admin: CreatedApiKey;
let reader: CreatedApiKey;
let revoked: CreatedApiKey;
let hookedWorkflow: { id: string; token: string };

// The default catalog plus a plan with a tiny API rate, for the 429 contract.
const catalog = definePlans({
  ...autoPlansInput,
  plans: [...autoPlansInput.plans, { id: 'tiny', name: 'Tiny', monthly: 0, features: { workflows: 1, executions: 10, seats: 1, api_calls: 2 } }],
});

beforeAll(async () => {
  fixture = await createTestEngine('sqlite', { billing: { catalog } });
  // Every adapter adds members to this one tenant: a plan with seats enough for all of them.
  await fixture.engine.tenants.create({ id: 'acme', plan: 'business' });
  admin = await fixture.tenantWithKey('acme');
  reader = await fixture.tenantWithKey('acme', ['members:read']);
  revoked = await fixture.tenantWithKey('acme');
  await fixture.engine.tenant('acme', { id: 'root', roles: ['admin'] }).apiKeys.revoke(revoked.id);
  const acme = fixture.engine.tenant('acme', { id: 'root', roles: ['admin'] });
  const saved = await acme.workflows.save({ name: 'hooked', triggers: [{ type: 'webhook' }], steps: [{ id: 'echo', action: 'transform', input: { expression: 'input' } }] });
  hookedWorkflow = { id: saved.id, token: (await acme.workflows.list()).find((workflow) => workflow.id === saved.id)!.webhookToken! };
});
afterAll(async () => {
  await fixture.close();
});

/** Two test-only routes beside the API: a raw-body echo and an SSE stream that reports its end. */
function withProbes(handler: FetchHandler, probe: { streamEnded?: () => void }): FetchHandler {
  return async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === '/api/test/echo') {
      const bytes = new Uint8Array(await request.arrayBuffer());
      return Response.json({ sha256: createHash('sha256').update(bytes).digest('hex'), length: bytes.byteLength });
    }
    if (pathname === '/api/test/stream') {
      return sseResponse(request, async function* ({ lastEventId, signal }) {
        try {
          for (let n = lastEventId ? Number(lastEventId) + 1 : 1; n <= 3; n++) yield { id: String(n), event: 'tick', data: { n } };
          await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        } finally {
          probe.streamEnded?.();
        }
      });
    }
    return handler(request);
  };
}

describe.each(adapters)('HTTP contract on %s', (adapter) => {
  let server: RunningAdapter;
  let api: string;
  const probe: { streamEnded?: () => void } = {};

  beforeAll(async () => {
    const handler = createHandler(fixture.engine, { basePath: '/api', cors: { origin: [ORIGIN] }, limits: { bodyBytes: 2048 }, onError: () => {} });
    server = await startAdapter(adapter, withProbes(handler, probe));
    api = `${server.url}/api/v1`;
  });
  afterAll(async () => {
    await server.close();
  });

  it('serves /health publicly as JSON with a Content-Length', async () => {
    const reply = await call(`${api}/health`);
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ status: 'ok' });
    expect(reply.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(reply.headers.get('content-length')).toBe(String(Buffer.byteLength(reply.text)));
    expect(reply.headers.get('cache-control')).toBe('no-store');
  });

  it('answers HEAD like GET without a body', async () => {
    const reply = await call(`${api}/health`, { method: 'HEAD' });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('');
    expect(reply.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  it('serves the OpenAPI document', async () => {
    const reply = await call(`${api}/openapi.json`);
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ openapi: '3.1.0', servers: [{ url: '/api' }] });
    expect(Object.keys((reply.json as { paths: object }).paths)).toContain('/v1/members/{id}');
  });

  it('401s without credentials, with a wrong key and with a revoked key', async () => {
    for (const headers of [{}, bearer('au_nope'), bearer(`au_key_${'A'.repeat(20)}_${'b'.repeat(40)}`), bearer(revoked.key)]) {
      const reply = await call(`${api}/members`, { headers });
      expect(reply.status).toBe(401);
      expect(reply.json).toMatchObject({ error: { code: 'unauthorized' } });
      expect(reply.headers.get('www-authenticate')).toBe('Bearer');
    }
  });

  it('creates, reads, updates and deletes a member', async () => {
    const email = `ada.${adapter}@example.com`;
    const created = await call(`${api}/members`, {
      method: 'POST',
      headers: { ...bearer(admin.key), 'content-type': 'application/json' },
      body: JSON.stringify({ email, name: 'Ada', roles: ['editor'] }),
    });
    expect(created.status).toBe(201);
    const member = created.json as { id: string };
    expect(member).toMatchObject({ tenantId: 'acme', email, name: 'Ada', roles: ['editor'] });

    expect((await call(`${api}/members/${member.id}`, { headers: bearer(reader.key) })).json).toEqual(member);
    const list = await call(`${api}/members`, { headers: bearer(reader.key) });
    expect((list.json as { data: { id: string }[] }).data.map((m) => m.id)).toContain(member.id);

    const patched = await call(`${api}/members/${member.id}`, {
      method: 'PATCH',
      headers: { ...bearer(admin.key), 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ roles: ['viewer'] }),
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ id: member.id, roles: ['viewer'] });

    const removed = await call(`${api}/members/${member.id}`, { method: 'DELETE', headers: bearer(admin.key) });
    expect(removed.status).toBe(204);
    expect(removed.text).toBe('');
    const gone = await call(`${api}/members/${member.id}`, { headers: bearer(admin.key) });
    expect(gone.status).toBe(404);
    expect(gone.json).toMatchObject({ error: { code: 'not_found' } });
  });

  it('409s on a duplicate member', async () => {
    const body = JSON.stringify({ email: `dup.${adapter}@example.com`, roles: ['viewer'] });
    const init = { method: 'POST', headers: { ...bearer(admin.key), 'content-type': 'application/json' }, body };
    expect((await call(`${api}/members`, init)).status).toBe(201);
    const again = await call(`${api}/members`, init);
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ error: { code: 'conflict' } });
  });

  it('400s on invalid input with issues naming the fields', async () => {
    const reply = await call(`${api}/members`, {
      method: 'POST',
      headers: { ...bearer(admin.key), 'content-type': 'application/json' },
      body: JSON.stringify({ email: 42, roles: [], extra: true }),
    });
    expect(reply.status).toBe(400);
    const { error } = reply.json as { error: { code: string; issues: { path: string }[] } };
    expect(error.code).toBe('invalid_input');
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['email', 'extra', 'roles']);
  });

  it('400s on malformed JSON and 415s on a non-JSON body', async () => {
    const bad = await call(`${api}/members`, { method: 'POST', headers: { ...bearer(admin.key), 'content-type': 'application/json' }, body: '{"email":' });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { code: 'invalid_input', issues: [{ path: 'body' }] } });
    const text = await call(`${api}/members`, { method: 'POST', headers: { ...bearer(admin.key), 'content-type': 'text/plain' }, body: 'hello' });
    expect(text.status).toBe(415);
    expect(text.json).toMatchObject({ error: { code: 'unsupported_media_type' } });
  });

  it('413s on a body over the limit, declared or streamed', async () => {
    const headers = { ...bearer(admin.key), 'content-type': 'application/json' };
    const declared = await call(`${api}/members`, { method: 'POST', headers, body: JSON.stringify({ email: 'x'.repeat(4000) }) });
    expect(declared.status).toBe(413);
    expect(declared.json).toMatchObject({ error: { code: 'payload_too_large' } });
    const chunk = new TextEncoder().encode(' '.repeat(1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 4) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const streamed = await call(`${api}/members`, { method: 'POST', headers, body: stream, duplex: 'half' });
    expect(streamed.status).toBe(413);
  });

  it('404s on unknown routes and 405s on wrong methods with Allow', async () => {
    const unknown = await call(`${api}/nothing-here`, { headers: bearer(admin.key) });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ error: { code: 'not_found' } });
    const wrong = await call(`${api}/members`, { method: 'PUT', headers: bearer(admin.key) });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, POST, HEAD, OPTIONS');
    expect(wrong.json).toMatchObject({ error: { code: 'method_not_allowed' } });
  });

  it('403s when the key lacks the scope, and a key cannot mint broader keys', async () => {
    const reply = await call(`${api}/members`, {
      method: 'POST',
      headers: { ...bearer(reader.key), 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'no@example.com', roles: ['viewer'] }),
    });
    expect(reply.status).toBe(403);
    expect(reply.json).toMatchObject({ error: { code: 'forbidden' } });
    const narrow = await fixture.engine.apiKeys.create('acme', { scopes: ['api-keys:write'] });
    const escalate = await call(`${api}/api-keys`, {
      method: 'POST',
      headers: { ...bearer(narrow.key), 'content-type': 'application/json' },
      body: JSON.stringify({ scopes: ['*'] }),
    });
    expect(escalate.status).toBe(403);
    const same = await call(`${api}/api-keys`, { method: 'POST', headers: bearer(narrow.key) });
    expect(same.status).toBe(201);
    expect(same.json).toMatchObject({ scopes: ['api-keys:write'], createdBy: `api-key:${narrow.id}` });
  });

  it('manages API keys: list without secrets, last-used time, revocation', async () => {
    const created = await call(`${api}/api-keys`, {
      method: 'POST',
      headers: { ...bearer(admin.key), 'content-type': 'application/json' },
      body: JSON.stringify({ name: adapter, scopes: ['members:read'] }),
    });
    expect(created.status).toBe(201);
    const key = created.json as { id: string; key: string };
    expect((await call(`${api}/members`, { headers: bearer(key.key) })).status).toBe(200);
    const fetched = await call(`${api}/api-keys/${key.id}`, { headers: bearer(admin.key) });
    expect(fetched.json).toMatchObject({ id: key.id, name: adapter, scopes: ['members:read'], revokedAt: null });
    expect((fetched.json as { lastUsedAt: number | null }).lastUsedAt).toEqual(expect.any(Number));
    expect(fetched.text).not.toContain(key.key);
    const list = await call(`${api}/api-keys`, { headers: bearer(admin.key) });
    expect(list.text).not.toContain(key.key);
    const revokedReply = await call(`${api}/api-keys/${key.id}`, { method: 'DELETE', headers: bearer(admin.key) });
    expect(revokedReply.status).toBe(200);
    expect((revokedReply.json as { revokedAt: number | null }).revokedAt).toEqual(expect.any(Number));
    expect((await call(`${api}/members`, { headers: bearer(key.key) })).status).toBe(401);
  });

  it('answers CORS preflights and tags responses for allowed origins only', async () => {
    const preflight = await call(`${api}/members`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, POST, HEAD, OPTIONS');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    const allowed = await call(`${api}/health`, { headers: { origin: ORIGIN } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(allowed.headers.get('vary')).toContain('Origin');
    const other = await call(`${api}/health`, { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('hands the handler the raw request bytes, whatever the content type', async () => {
    for (const [contentType, body] of [
      ['application/json', '{"a" :  1,\n "b":[ 2 ]}  '],
      ['application/x-www-form-urlencoded', 'a=1&b=%20two&a=3'],
      ['text/plain', 'stripe-signed payload\r\n'],
    ] as const) {
      const reply = await call(`${server.url}/api/test/echo`, { method: 'POST', headers: { 'content-type': contentType }, body });
      expect(reply.json).toEqual({ sha256: createHash('sha256').update(body).digest('hex'), length: Buffer.byteLength(body) });
    }
  });

  it('streams SSE, resumes from Last-Event-ID and frees the stream when the client disconnects', async () => {
    const ended = deferred();
    probe.streamEnded = ended.resolve;
    const abort = new AbortController();
    const response = await fetch(`${server.url}/api/test/stream`, { signal: abort.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(await readEvents(response.body!, 3)).toEqual([1, 2, 3].map((n) => ({ id: String(n), event: 'tick', data: JSON.stringify({ n }) })));
    abort.abort();
    await ended.promise; // the source's signal fired and its finally ran

    const resumedEnd = deferred();
    probe.streamEnded = resumedEnd.resolve;
    const again = new AbortController();
    const resumed = await fetch(`${server.url}/api/test/stream`, { headers: { 'last-event-id': '2' }, signal: again.signal });
    expect(await readEvents(resumed.body!, 1)).toEqual([{ id: '3', event: 'tick', data: JSON.stringify({ n: 3 }) }]);
    again.abort();
    await resumedEnd.promise;
  });

  it('serves OpenAI-compatible completions and streams them to [DONE]', async () => {
    const content = `hello from ${adapter}`;
    const headers = { ...bearer(admin.key), 'content-type': 'application/json', 'x-auterity-cache': 'bypass' };
    const init = (stream: boolean) => ({ method: 'POST', headers, body: JSON.stringify({ model: 'offline', messages: [{ role: 'user', content }], stream }) });
    const whole = await call(`${api}/ai/chat/completions`, init(false));
    expect(whole.status).toBe(200);
    expect(whole.headers.get('x-auterity-model')).toBe('offline');
    expect(whole.headers.get('x-auterity-cache')).toBe('miss');
    const completion = whole.json as { choices: { message: { content: string } }[]; auterity: { callId: string } };
    expect(whole.headers.get('x-auterity-call-id')).toBe(completion.auterity.callId);

    const streamed = await call(`${api}/ai/chat/completions`, init(true));
    expect(streamed.status).toBe(200);
    expect(streamed.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const events = streamed.text.split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.slice('data: '.length)) as { choices: { delta: { content?: string } }[] });
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(completion.choices[0]?.message.content);
  });

  it("429s with Retry-After and the limit once a key's plan rate is spent", async () => {
    if (!(await fixture.engine.tenants.list()).some((tenant) => tenant.id === 'tiny')) await fixture.engine.tenants.create({ id: 'tiny', plan: 'tiny' });
    const key = await fixture.engine.apiKeys.create('tiny');
    const url = `${api}/members`;
    // 2 per minute: a fresh key has a burst of 2, the third request waits up to 30 s.
    expect((await call(url, { headers: bearer(key.key) })).status).toBe(200);
    expect((await call(url, { headers: bearer(key.key) })).status).toBe(200);
    const reply = await call(url, { headers: bearer(key.key) });
    expect(reply.status).toBe(429);
    expect(reply.json).toMatchObject({ error: { code: 'rate_limited', message: expect.stringContaining('"api_calls" reached: 2 per minute') } });
    expect(Number(reply.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(reply.headers.get('retry-after'))).toBeLessThanOrEqual(30);
  });

  it('starts a workflow from its webhook, 404s wrong tokens alike and honours the body limit', async () => {
    const hook = `${api}/hooks/${hookedWorkflow.id}`;
    const started = await call(`${hook}/${hookedWorkflow.token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ lead: adapter }) });
    expect(started.status).toBe(202);
    const { runId } = started.json as { runId: string };
    expect(started.json).toEqual({ runId: expect.stringMatching(/^run_/), status: expect.any(String) });
    expect(await fixture.engine.tenant('acme', { id: 'root', roles: ['admin'] }).workflows.runs.get(runId)).toMatchObject({ workflowId: hookedWorkflow.id, input: { lead: adapter } });

    const wrongSecret = hookedWorkflow.token.replace(/.$/, (last) => (last === 'a' ? 'b' : 'a'));
    const [tenantId, , secret] = hookedWorkflow.token.split('.');
    const misses = await Promise.all(
      [`${hook}/${wrongSecret}`, `${hook}/${tenantId}.wf_other.${secret}`, `${api}/hooks/wf_other/${hookedWorkflow.token}`, `${hook}/nonsense`].map((url) =>
        call(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
      ),
    );
    expect(misses.map((miss) => [miss.status, miss.text])).toEqual(misses.map(() => [404, JSON.stringify({ error: { code: 'not_found', message: 'Unknown webhook.' } })]));

    const tooLarge = await call(`${hook}/${hookedWorkflow.token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pad: 'x'.repeat(4000) }) });
    expect(tooLarge.status).toBe(413);
    const notJson = await call(`${hook}/${hookedWorkflow.token}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
    expect(notJson.status).toBe(415);
  });
});

describe('every adapter answers byte for byte alike', () => {
  const compared = ['content-type', 'content-length', 'cache-control', 'allow', 'www-authenticate', 'retry-after', 'x-content-type-options', 'vary'];
  const corsHeaders = ['access-control-allow-origin', 'access-control-allow-methods', 'access-control-allow-headers', 'access-control-max-age', 'access-control-expose-headers'];
  const requests: [string, RequestInit][] = [
    ['/health', {}],
    ['/health', { method: 'HEAD' }],
    ['/openapi.json', {}],
    ['/members', {}],
    ['/members', { headers: bearer('au_wrong') }],
    ['/nothing', {}],
    ['/members', { method: 'PUT' }],
    ['/members', { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST' } }],
    ['/members/mem_missing', { headers: { origin: ORIGIN } }],
    ['/members', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }],
    ['/audit?limit=0', {}],
    ['/billing/stripe/webhook', { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=x' }, body: '{"id": "evt_1"}' }],
  ];

  it('gives the same status, headers and body for the same requests', async () => {
    const transcripts: Record<string, string[]> = {};
    for (const adapter of adapters) {
      const server = await startAdapter(adapter, createHandler(fixture.engine, { basePath: '/api', cors: { origin: [ORIGIN] } }));
      try {
        transcripts[adapter] = [];
        for (const [path, init] of requests) {
          const authed = path === '/members/mem_missing' || path.startsWith('/audit') ? { ...init, headers: { ...(init.headers as object), ...bearer(admin.key) } } : init;
          const reply = await call(`${server.url}/api/v1${path}`, authed);
          const headers = [...compared, ...corsHeaders].map((name) => `${name}: ${reply.headers.get(name)}`);
          transcripts[adapter]!.push([`${init.method ?? 'GET'} ${path} -> ${reply.status}`, ...headers, reply.text].join('\n'));
        }
      } finally {
        await server.close();
      }
    }
    for (const adapter of adapters) expect(transcripts[adapter]).toEqual(transcripts.node);
  });
});
