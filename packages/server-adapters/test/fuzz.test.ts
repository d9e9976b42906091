// Random methods, paths, headers and bodies never produce a 5xx or a stack trace, in process and
// through a real socket; every error is the envelope.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, type FetchHandler } from '../src/index.js';
import { createTestEngine, type TestEngine } from './support/engine.js';
import { adapters, startAdapter, type RunningAdapter } from './support/servers.js';

let fixture: TestEngine;
let handler: FetchHandler;
let key: string;
const logged: unknown[] = [];

beforeAll(async () => {
  fixture = await createTestEngine();
  key = (await fixture.tenantWithKey('fuzz')).key;
  handler = createHandler(fixture.engine, {
    basePath: '/api',
    cors: true,
    limits: { bodyBytes: 4096 },
    auth: (request) => (request.headers.get('x-user') === 'host' ? { tenantId: 'fuzz', actor: { id: 'u1', roles: ['admin'] } } : null),
    onError: (_message, error) => logged.push(error),
  });
});
afterAll(async () => {
  await fixture.close();
});

const segment = fc.oneof(
  fc.constantFrom('v1', 'members', 'api-keys', 'health', 'openapi.json', '', '..', '.', '%', '%E0%A4%A', '%00', 'mem_x', 'key_x', '%2F', 'ünï', '{id}'),
  fc.constantFrom('workflows', 'runs', 'events', 'cancel', 'dead-letters', 'policies', 'authorize', 'audit', 'verify', 'approvals', 'approve'),
  fc.constantFrom('hooks', 'wf_x', 'fuzz.wf_x.secret', 'invitations', 'accept', 'inv_x'),
  fc.constantFrom('plans', 'subscription', 'entitlements', 'executions', 'usage', 'billing', 'checkout', 'portal', 'stripe', 'webhook'),
  fc.constantFrom('ai', 'chat', 'completions', 'models', 'calls', 'call_x', 'outcome'),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
  fc.string({ maxLength: 12 }),
);
/** Paths under the mount point (/api), where the handler answers in every framework. */
const mountedPath = fc.oneof(
  fc.array(segment, { maxLength: 5 }).map((parts) => `/api/v1/${parts.join('/')}`),
  fc.array(segment, { maxLength: 5 }).map((parts) => `/api/${parts.join('/')}`),
  fc.tuple(fc.constantFrom('/api/v1/members', '/api/v1/api-keys', '/api/v1/approvals', '/api/v1/invitations', '/api/v1/hooks/wf_x', '/api/v1/ai/calls'), fc.string({ maxLength: 20 })).map(([base, rest]) => `${base}/${encodeURIComponent(rest)}`),
  fc.constantFrom('/api/v1/ai/chat/completions', '/api/v1/ai/models', '/api/v1/ai/usage', '/api/v1/ai/usage?from=x&to=-1', '/api/v1/ai/calls/call_x/outcome'),
);
/** Anywhere: the bare handler must answer outside its base path too (with a 404). */
const path = fc.oneof(mountedPath, fc.array(segment, { maxLength: 5 }).map((parts) => `/${parts.join('/')}`));
const method = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'PROPFIND');
const headers = fc.record(
  {
    authorization: fc.oneof(
      fc.constant('<key>'),
      fc.string({ maxLength: 30 }).map((s) => `Bearer au_${s}`),
      fc.string({ maxLength: 30 }),
      fc.constantFrom('Bearer', 'Bearer ', 'Basic abc', 'bearer <key>'),
    ),
    'content-type': fc.oneof(fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/merge-patch+json', ''), fc.string({ maxLength: 20 })),
    'content-length': fc.oneof(fc.nat().map(String), fc.string({ maxLength: 5 })),
    origin: fc.oneof(fc.constant('https://x.example'), fc.string({ maxLength: 10 })),
    'last-event-id': fc.string({ maxLength: 10 }),
    'x-user': fc.constantFrom('host', 'nobody'),
    'access-control-request-method': fc.constantFrom('POST', 'GET'),
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.record({ email: fc.oneof(fc.emailAddress(), fc.string()), roles: fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }), name: fc.option(fc.string()) }).map((value) => JSON.stringify(value)),
  fc.record({ token: fc.oneof(fc.string({ maxLength: 40 }), fc.constant('e30.sig')), name: fc.option(fc.string()) }).map((value) => JSON.stringify(value)),
  // Chat requests: OpenAI's shape with random models, roles, contents and options, streamed or not.
  fc
    .record(
      {
        model: fc.oneof(fc.constantFrom('offline', 'assistant:finance', 'assistant:nope', 'gpt-4o', ''), fc.string({ maxLength: 10 })),
        messages: fc.oneof(
          fc.array(fc.record({ role: fc.oneof(fc.constantFrom('user', 'system', 'assistant', 'tool'), fc.string({ maxLength: 6 })), content: fc.oneof(fc.string({ maxLength: 40 }), fc.constant(null), fc.array(fc.record({ type: fc.constantFrom('text', 'image_url'), text: fc.string({ maxLength: 10 }) }), { maxLength: 2 })) }), { maxLength: 3 }),
          fc.jsonValue(),
        ),
        stream: fc.oneof(fc.boolean(), fc.jsonValue()),
        stream_options: fc.oneof(fc.constant({ include_usage: true }), fc.jsonValue()),
        max_tokens: fc.oneof(fc.integer({ min: -5, max: 50 }), fc.jsonValue()),
        temperature: fc.oneof(fc.double({ min: -1, max: 3, noNaN: true }), fc.jsonValue()),
        user: fc.oneof(fc.string({ maxLength: 10 }), fc.jsonValue()),
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
  fc.record({ outcome: fc.oneof(fc.double(), fc.boolean(), fc.jsonValue()) }).map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }),
  fc.constant('x'.repeat(5000)),
);

function buildRequest(origin: string, input: { method: string; path: string; headers: Record<string, string>; body: string | Uint8Array | undefined }): Request | null {
  try {
    const init: RequestInit = { method: input.method, headers: Object.fromEntries(Object.entries(input.headers).map(([name, value]) => [name, value.replace('<key>', key)])) };
    if (input.body !== undefined && input.method !== 'GET' && input.method !== 'HEAD') init.body = input.body;
    return new Request(`${origin}${input.path}`, init);
  } catch {
    return null; // not a request a client could send
  }
}

/**
 * Fastify answers two things itself, before any plugin runs: a malformed percent-encoding
 * (`/api/%E0%A4%A`, 400; the instance's `frameworkErrors` can change that) and methods the
 * instance does not support (PROPFIND unless `addHttpMethod`ed, 404).
 */
const fastifyBadUrl = (text: string) => text.includes('"code":"FST_ERR_BAD_URL"');

async function expectWellFormed(response: Response, what: string, adapter?: string) {
  const text = await response.text();
  if (adapter === 'fastify' && response.status === 400 && fastifyBadUrl(text)) return;
  const error = response.status >= 400 && text !== '' ? (JSON.parse(text) as { error: { code: unknown; message: unknown } }).error : undefined;
  const envelopeOk = error === undefined || (typeof error.code === 'string' && typeof error.message === 'string');
  expect({ request: what, serverError: response.status >= 500, stack: /\n\s+at |node_modules|\.ts:\d+/.test(text), envelopeOk }).toEqual({
    request: what,
    serverError: false,
    stack: false,
    envelopeOk: true,
  });
}

const input = fc.record({ method, path, headers, body });
const mountedInput = fc.record({ method, path: mountedPath, headers, body });

describe('fuzz', () => {
  it('never answers 5xx or leaks a stack trace, in process', async () => {
    await fc.assert(
      fc.asyncProperty(input, async (sample) => {
        const request = buildRequest('http://localhost', sample);
        fc.pre(request !== null);
        await expectWellFormed(await handler(request!), `${sample.method} ${sample.path}`);
      }),
      { numRuns: 300 },
    );
    expect(logged).toEqual([]);
  });

  describe.each(adapters)('through the %s adapter on a real socket', (adapter) => {
    let server: RunningAdapter;
    beforeAll(async () => {
      server = await startAdapter(adapter, handler);
    });
    afterAll(async () => {
      await server.close();
    });

    it('never answers 5xx or leaks a stack trace', async () => {
      await fc.assert(
        fc.asyncProperty(mountedInput, async (sample) => {
          const request = buildRequest(server.url, { ...sample, headers: { ...sample.headers, 'content-length': '' } });
          // Dot segments can normalise a path out of the mount point, where the framework answers.
          fc.pre(request !== null && new URL(request.url).pathname.startsWith('/api/'));
          fc.pre(adapter !== 'fastify' || sample.method !== 'PROPFIND');
          let response: Response;
          try {
            response = await fetch(new Request(request!, { headers: Object.fromEntries([...request!.headers].filter(([name]) => name !== 'content-length')) }));
          } catch {
            // undici refused to send it (e.g. a method it forbids): nothing reached the server.
            return;
          }
          await expectWellFormed(response, `${sample.method} ${sample.path}`, adapter);
        }),
        { numRuns: 40 },
      );
      expect(logged).toEqual([]);
    });
  });
});
