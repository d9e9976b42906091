// The AI routes as an OpenAI user meets them: the official `openai` client, its baseURL at
// `<server>/v1/ai` and a tenant's API key as its key, against the Node adapter on a real socket,
// with the engine routing to a local chat-completions upstream (real sockets both ways).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { definePlans } from '@auterity/core';
import { createClient, isAuterityApiError, type AiStreamChunk } from '@auterity/core/client';
import { createChatUpstream, type ChatUpstream } from '@auterity/testing';
import OpenAI, { APIError } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHandler } from '../src/index.js';
import { toNodeHandler } from '../src/node/index.js';
import { bearer, createTestEngine, type TestEngine } from './support/engine.js';
import { call } from './support/http.js';

const catalog = definePlans({
  features: {
    ai_tokens: { type: 'metered', period: 'month' },
    key_tokens: { type: 'metered', period: 'month', scope: 'api_key' },
  },
  plans: [
    { id: 'team', name: 'Team', monthly: 0, features: { ai_tokens: 1_000_000, key_tokens: 1_000_000 } },
    { id: 'tight', name: 'Tight', monthly: 0, features: { ai_tokens: 10, key_tokens: 1_000 } },
    { id: 'per-key', name: 'Per key', monthly: 0, features: { ai_tokens: 1_000_000, key_tokens: 60 } },
  ],
});

let up: ChatUpstream;
let fixture: TestEngine;
let server: Server;
let origin: string;
let teamKey: string;

/** The official client as a tenant would configure it (no retries: each test sees the first answer). */
const openai = (apiKey: string) => new OpenAI({ baseURL: `${origin}/v1/ai`, apiKey, maxRetries: 0 });

const ask = (content: string) => [{ role: 'user' as const, content }];

beforeAll(async () => {
  up = await createChatUpstream();
  fixture = await createTestEngine('sqlite', {
    billing: { catalog },
    ai: {
      providers: [{ id: 'up', kind: 'openai', baseURL: up.baseURL, apiKey: 'upstream-key' }],
      models: [{ id: 'small', provider: 'up', inputPerMTok: 1, outputPerMTok: 2, contextWindow: 100_000, label: 'Small (local upstream)' }],
      routes: [{ id: 'helpdesk', strategy: 'fallback', targets: [{ model: 'small' }] }],
      assistants: [{ id: 'triage', name: 'Triage', systemPrompt: 'Sort tickets by urgency.', route: 'helpdesk' }],
      budgets: { tokens: 'ai_tokens', keyTokens: 'key_tokens' },
      retry: { maxAttempts: 1 },
    },
  });
  teamKey = (await fixture.tenantWithKey('team-co', undefined, 'team')).key;
  server = createServer(toNodeHandler(createHandler(fixture.engine, { onError: () => {} })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => {
  up.reset();
});
afterAll(async () => {
  await new Promise<void>((resolve) => {
    server?.close(() => resolve());
    server?.closeAllConnections();
  });
  await fixture?.close();
  await up?.close();
});

describe('POST /v1/ai/chat/completions with the openai client', () => {
  it("answers through the tenant's route, with the call's meta in the body and headers", async () => {
    const client = openai(teamKey);
    const { data, response } = await client.chat.completions.create({ model: 'helpdesk', messages: ask('Where is my invoice?') }).withResponse();
    expect(data.choices[0]?.message.content).toBe('echo(small): Where is my invoice?');
    expect(data.object).toBe('chat.completion');
    const meta = (data as typeof data & { auterity: { callId: string; model: string; route: string; cached: boolean } }).auterity;
    expect(meta).toMatchObject({ route: 'helpdesk', model: 'small', cached: false });
    expect(response.headers.get('x-auterity-call-id')).toBe(meta.callId);
    expect(response.headers.get('x-auterity-model')).toBe('small');
    expect(response.headers.get('x-auterity-cache')).toBe('miss');
    // The upstream saw the catalog model, not our key.
    expect(up.requests.at(-1)).toMatchObject({ model: 'small' });
    expect(up.requests.at(-1)?.headers.authorization).toBe('Bearer upstream-key');

    const again = await client.chat.completions.create({ model: 'helpdesk', messages: ask('Where is my invoice?') }).withResponse();
    expect(again.response.headers.get('x-auterity-cache')).toBe('hit');
    expect(again.data.choices[0]?.message.content).toBe('echo(small): Where is my invoice?');
    const bypassed = await client.chat.completions.create({ model: 'helpdesk', messages: ask('Where is my invoice?') }, { headers: { 'x-auterity-cache': 'bypass' } }).withResponse();
    expect(bypassed.response.headers.get('x-auterity-cache')).toBe('miss');
  });

  it('serves assistants and the offline model, and 404s an unknown model', async () => {
    const client = openai(teamKey);
    const triage = await client.chat.completions.create({ model: 'assistant:triage', messages: ask('Printer on fire') });
    expect(triage.choices[0]?.message.content).toBe('echo(small): Printer on fire');
    expect((up.requests.at(-1)!.body.messages as { role: string }[])[0]).toEqual({ role: 'system', content: 'Sort tickets by urgency.' });
    const offline = await client.chat.completions.create({ model: 'offline', messages: ask('hello there') });
    expect(offline.model).toBe('offline');
    expect(offline.choices[0]?.message.content).toEqual(expect.any(String));
    const unknown = await client.chat.completions.create({ model: 'nowhere', messages: ask('hi') }).catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(APIError);
    expect(unknown).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('400s a body without messages, naming the field', async () => {
    const reply = await call(`${origin}/v1/ai/chat/completions`, { method: 'POST', headers: { ...bearer(teamKey), 'content-type': 'application/json' }, body: JSON.stringify({ model: 'offline' }) });
    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({ error: { code: 'invalid_input', issues: [{ path: 'messages' }] } });
  });

  it('streams chunks exactly as OpenAI does, the meta on the last one', async () => {
    const client = openai(teamKey);
    const stream = await client.chat.completions.create({ model: 'helpdesk', messages: ask('stream me a few words'), stream: true });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('echo(small): stream me a few words');
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.choices.length === 1 && chunk.usage === undefined)).toBe(true);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    expect((chunks.at(-1) as unknown as { auterity: unknown }).auterity).toMatchObject({ model: 'small', route: 'helpdesk', cached: false, usage: { completionTokens: expect.any(Number) } });

    // With include_usage, the usage chunk comes last, as OpenAI sends it.
    const withUsage = await client.chat.completions.create({ model: 'helpdesk', messages: ask('count my tokens'), stream: true, stream_options: { include_usage: true } });
    const all: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of withUsage) all.push(chunk);
    expect(all.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) } });
  });

  it('sends the raw SSE wire format and ends with [DONE]', async () => {
    const response = await fetch(`${origin}/v1/ai/chat/completions`, {
      method: 'POST',
      headers: { ...bearer(teamKey), 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'helpdesk', messages: ask('raw bytes'), stream: true }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('x-auterity-model')).toBe('small');
    const text = await response.text();
    const events = text.split('\n\n').filter(Boolean);
    expect(events.every((event) => event.startsWith('data: '))).toBe(true);
    expect(events.at(-1)).toBe('data: [DONE]');
  });

  it('makes a stream cut mid-answer by the upstream throw in the client, never finish cleanly', async () => {
    up.behave('small', { content: 'one two three four five six', cutAfterChunks: 2 });
    const client = openai(teamKey);
    const stream = await client.chat.completions.create({ model: 'helpdesk', messages: ask('cut me'), stream: true });
    const seen: string[] = [];
    const failure = await (async () => {
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
    })().catch((error: unknown) => error);
    expect(seen.join('')).toBe('one two ');
    expect(failure).toBeInstanceOf(APIError);
    expect(failure).toMatchObject({ code: 'upstream_error', message: expect.stringContaining('failed after its first token') });

    // On the wire: the error event, and no [DONE].
    up.behave('small', { content: 'one two three four five six', cutAfterChunks: 2 });
    const raw = await fetch(`${origin}/v1/ai/chat/completions`, {
      method: 'POST',
      headers: { ...bearer(teamKey), 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'helpdesk', messages: ask('cut me again'), stream: true }),
    });
    const text = await raw.text();
    expect(text).toContain('event: error\ndata: {"error":{"message":');
    expect(text).not.toContain('[DONE]');
  });

  it('aborts the upstream when the client disconnects mid-stream', async () => {
    up.behave('small', { content: Array.from({ length: 200 }, (_, index) => `word${index}`).join(' '), chunkDelayMs: 20 });
    const client = openai(teamKey);
    const stream = await client.chat.completions.create({ model: 'helpdesk', messages: ask('talk for a while'), stream: true });
    let received = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) received += 1;
      if (received === 3) break; // the client's iterator aborts its request
    }
    await vi.waitFor(() => expect(up.activeRequests()).toBe(0), { timeout: 5_000 });
  });

  it('refuses a call over budget with a 429 APIError, streaming or not', async () => {
    const tight = (await fixture.tenantWithKey('tight-co', undefined, 'tight')).key;
    const client = openai(tight);
    const refused = await client.chat.completions.create({ model: 'helpdesk', messages: ask('this prompt needs more tokens than the plan has left') }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(APIError);
    expect(refused).toMatchObject({ status: 429, code: 'quota_exceeded', message: expect.stringContaining('ai_tokens') });
    expect(Number((refused as APIError).headers?.get('retry-after'))).toBeGreaterThan(0);
    const refusedStream = await client.chat.completions.create({ model: 'helpdesk', messages: ask('this prompt needs more tokens than the plan has left'), stream: true }).catch((error: unknown) => error);
    expect(refusedStream).toMatchObject({ status: 429, code: 'quota_exceeded' });
    expect(up.requests).toEqual([]);
  });

  it('403s a policy deny, naming the deciding policy', async () => {
    const locked = (await fixture.tenantWithKey('locked-co', undefined, 'team')).key;
    await fixture.engine.tenant('locked-co', { id: 'owner', roles: ['admin'] }).governance.policies.put({ id: 'no-small', rules: [{ id: 'deny-small', effect: 'deny', actions: ['ai:use'], resources: ['model:small'] }] });
    const denied = await openai(locked).chat.completions.create({ model: 'helpdesk', messages: ask('hi') }).catch((error: unknown) => error);
    expect(denied).toBeInstanceOf(APIError);
    expect(denied).toMatchObject({ status: 403, code: 'forbidden', message: expect.stringContaining('"no-small" rule "deny-small"') });
    // The offline model is still allowed, and the models list says so.
    const listed = await openai(locked).models.list();
    const ids = listed.data.map((model) => model.id);
    expect(ids).toContain('offline');
    expect(ids).not.toContain('small');
    expect(ids).not.toContain('helpdesk');
    expect(up.requests).toEqual([]);
  });

  it('counts per-key budgets per key', async () => {
    const keyA = (await fixture.tenantWithKey('keyed-co', undefined, 'per-key')).key;
    const keyB = (await fixture.tenantWithKey('keyed-co')).key;
    up.behave('small', { content: 'ok' });
    // 60 tokens per key: a prompt of ~40 tokens (+ 5 completion) fits once per key, not twice.
    const request = { model: 'helpdesk', messages: ask('x'.repeat(150)), max_completion_tokens: 5 };
    const fresh = { headers: { 'x-auterity-cache': 'bypass' } }; // a cache hit would cost nothing
    await openai(keyA).chat.completions.create(request, fresh);
    const second = await openai(keyA).chat.completions.create(request, fresh).catch((error: unknown) => error);
    expect(second).toMatchObject({ status: 429, code: 'quota_exceeded', message: expect.stringContaining('key_tokens') });
    const other = await openai(keyB).chat.completions.create(request, fresh);
    expect(other.choices[0]?.message.content).toBe('ok');
  });
});

describe('GET /v1/ai/models and /v1/ai/usage', () => {
  it("lists the caller's models, routes and assistants in OpenAI's format", async () => {
    const page = await openai(teamKey).models.list();
    const byId = new Map(page.data.map((model) => [model.id, model as typeof model & Record<string, unknown>]));
    expect(byId.get('small')).toMatchObject({ object: 'model', owned_by: 'auterity-model', label: 'Small (local upstream)', pricing: { inputPerMTok: 1, outputPerMTok: 2 }, region: 'us', created: expect.any(Number) });
    expect(byId.get('offline')).toMatchObject({ owned_by: 'auterity-model' });
    expect(byId.get('helpdesk')).toMatchObject({ owned_by: 'auterity-route', strategy: 'fallback', models: ['small'] });
    expect(byId.get('assistant:triage')).toMatchObject({ owned_by: 'auterity-assistant', label: 'Triage', route: 'helpdesk' });
    expect(byId.get('assistant:finance')).toMatchObject({ owned_by: 'auterity-assistant', route: 'offline' });
  });

  it("reports the tenant's usage per model, within a range", async () => {
    const usage = await call(`${origin}/v1/ai/usage`, { headers: bearer(teamKey) });
    expect(usage.status).toBe(200);
    const rows = (usage.json as { data: { model: string; calls: number; cacheHits: number }[] }).data;
    expect(rows.find((row) => row.model === 'small')).toMatchObject({ calls: expect.any(Number), cacheHits: 1 });
    const future = await call(`${origin}/v1/ai/usage?from=${Date.now() + 60_000}`, { headers: bearer(teamKey) });
    expect(future.json).toEqual({ from: expect.any(Number), to: null, data: [] });
    const bad = await call(`${origin}/v1/ai/usage?from=yesterday`, { headers: bearer(teamKey) });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { issues: [{ path: 'query.from' }] } });
  });

  it("records outcomes for the tenant's own calls only", async () => {
    const { response } = await openai(teamKey).chat.completions.create({ model: 'offline', messages: ask('rate me') }).withResponse();
    const callId = response.headers.get('x-auterity-call-id')!;
    const post = (id: string, outcome: unknown, key = teamKey) =>
      call(`${origin}/v1/ai/calls/${id}/outcome`, { method: 'POST', headers: { ...bearer(key), 'content-type': 'application/json' }, body: JSON.stringify({ outcome }) });
    expect((await post(callId, true)).status).toBe(204);
    expect((await post('call_nope', 1)).status).toBe(404);
    expect((await post(callId, 'great')).status).toBe(400);
  });

  it('needs the ai scopes', async () => {
    const narrow = (await fixture.tenantWithKey('team-co', ['members:read'])).key;
    const refused = await openai(narrow).models.list().catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 403, message: expect.stringContaining('"ai:use"') });
    const user = (await fixture.tenantWithKey('team-co', ['ai:use'])).key;
    expect((await openai(user).chat.completions.create({ model: 'offline', messages: ask('hi') })).object).toBe('chat.completion');
    expect((await call(`${origin}/v1/ai/usage`, { headers: bearer(user) })).status).toBe(403);
    const reader = (await fixture.tenantWithKey('team-co', ['ai:read'])).key;
    expect((await call(`${origin}/v1/ai/usage`, { headers: bearer(reader) })).status).toBe(200);
  });
});

const client = () => createClient({ baseUrl: origin, getToken: () => teamKey });

describe('@auterity/core/client ai', () => {
  it('chats, streams, lists models and reads usage', async () => {
    const answer = await client().ai.chat({ model: 'helpdesk', messages: ask('typed client') });
    expect(answer.choices[0]?.message.content).toBe('echo(small): typed client');
    expect(answer.auterity).toMatchObject({ model: 'small', cached: false });
    expect((await client().ai.chat({ model: 'helpdesk', messages: ask('typed client') })).auterity.cached).toBe(true);
    expect((await client().ai.chat({ model: 'helpdesk', messages: ask('typed client') }, { bypassCache: true })).auterity.cached).toBe(false);

    const chunks: AiStreamChunk[] = [];
    for await (const chunk of client().ai.stream({ model: 'helpdesk', messages: ask('typed stream') })) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('echo(small): typed stream');
    expect(chunks.at(-1)?.auterity).toMatchObject({ model: 'small' });

    expect((await client().ai.models()).map((model) => model.id)).toEqual(expect.arrayContaining(['small', 'helpdesk', 'assistant:triage']));
    expect((await client().ai.usage({ from: 0 })).find((row) => row.model === 'small')?.calls).toBeGreaterThan(0);
    await client().ai.recordOutcome(answer.auterity.callId, 0.5);
  });

  it('throws from the iteration when the stream is cut, and before it on a refusal', async () => {
    up.behave('small', { content: 'one two three four', cutAfterChunks: 1 });
    const seen: string[] = [];
    const failure = await (async () => {
      for await (const chunk of client().ai.stream({ model: 'helpdesk', messages: ask('cut the typed stream') })) seen.push(chunk.choices[0]?.delta.content ?? '');
    })().catch((error: unknown) => error);
    expect(seen.join('')).toBe('one ');
    expect(isAuterityApiError(failure, 'upstream_error')).toBe(true);

    const refused = await client().ai.stream({ model: 'nowhere', messages: ask('hi') }).next().catch((error: unknown) => error);
    expect(isAuterityApiError(refused, 'not_found')).toBe(true);
  });
});
