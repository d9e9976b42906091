// The local chat-completions upstream, driven by the official `openai` client over a real socket.
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { countUpstreamTokens, createChatUpstream } from '../src/index.js';
import type { ChatUpstream } from '../src/index.js';

let upstream: ChatUpstream;
let client: OpenAI;

beforeAll(async () => {
  upstream = await createChatUpstream();
  client = new OpenAI({ baseURL: upstream.baseURL, apiKey: 'test', maxRetries: 0 });
});
afterEach(() => upstream.reset());
afterAll(() => upstream.close());

const ask = (model: string, content: string) => client.chat.completions.create({ model, messages: [{ role: 'user', content }] });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

async function rawPost(path: string, body: string): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${upstream.baseURL}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: response.status, json: await response.json() };
}

describe('createChatUpstream', () => {
  it('answers a completion by echoing the last user message, and records the request', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'hello there' },
      ],
      response_format: { type: 'json_object' },
    });

    expect(completion.object).toBe('chat.completion');
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.model).toBe('gpt-4o-mini');
    expect(completion.choices).toEqual([
      { index: 0, message: { role: 'assistant', content: 'echo(gpt-4o-mini): hello there', refusal: null }, finish_reason: 'stop', logprobs: null },
    ]);
    expect(upstream.requests).toHaveLength(1);
    const [recorded] = upstream.requests;
    expect(recorded?.model).toBe('gpt-4o-mini');
    expect(recorded?.stream).toBe(false);
    expect(recorded?.lastUserMessage).toBe('hello there');
    expect(recorded?.headers.authorization).toBe('Bearer test');
    expect(recorded?.body.response_format).toEqual({ type: 'json_object' });
  });

  it('reports usage from countUpstreamTokens, or the programmed numbers', async () => {
    const messages = [
      { role: 'system' as const, content: '' },
      { role: 'user' as const, content: 'twelve chars' },
    ];
    upstream.behave('gpt-4o', { content: 'abcdefghi' });
    const counted = await client.chat.completions.create({ model: 'gpt-4o', messages });
    // '' counts 1 (min 1 per message), 12 chars count 3; the 9-char answer counts 3.
    expect(countUpstreamTokens('')).toBe(1);
    expect(counted.usage).toEqual({ prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 });

    upstream.behave('gpt-4o', { usage: { prompt_tokens: 100, completion_tokens: 20 } });
    const programmed = await client.chat.completions.create({ model: 'gpt-4o', messages });
    expect(programmed.usage).toEqual({ prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 });
  });

  it('streams role, word chunks, finish_reason, usage and [DONE]', async () => {
    upstream.behave('gpt-4o-mini', { content: 'the quick brown fox', chunkDelayMs: 1, ttftMs: 1 });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'go' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('the quick brown fox');
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.content)).toHaveLength(4);
    const finish = chunks.at(-2);
    expect(finish?.choices[0]?.finish_reason).toBe('stop');
    expect(finish?.choices[0]?.delta).toEqual({});
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toEqual({ prompt_tokens: 1, completion_tokens: 5, total_tokens: 6 });
    expect(upstream.requests[0]?.stream).toBe(true);
  });

  it('streams without a usage chunk when include_usage is not asked for', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'a b' }], stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.some((chunk) => chunk.usage)).toBe(false);
  });

  it('cuts a stream mid-answer: the client yields what arrived, then throws (never a clean end)', async () => {
    upstream.behave('gpt-4o', { content: 'one two three four five', cutAfterChunks: 2 });
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'go' }], stream: true });
    const seen: string[] = [];
    const error = await rejection(
      (async () => {
        for await (const chunk of stream) {
          expect(chunk.choices[0]?.finish_reason).toBeNull();
          seen.push(chunk.choices[0]?.delta.content ?? '');
        }
      })(),
    );
    // What openai v6 on Node's fetch does: the role chunk and the two content chunks are yielded, then
    // iteration throws undici's `TypeError: terminated` (cause: SocketError 'other side closed',
    // code UND_ERR_SOCKET), because the chunked body ends without its terminator. It is not an APIError.
    expect(seen).toEqual(['', 'one ', 'two ']);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe('terminated');
    expect((error as { cause?: { code?: string } }).cause?.code).toBe('UND_ERR_SOCKET');
  });

  it('answers a programmed 429 with the error body and Retry-After headers exactly as programmed', async () => {
    upstream.behave('gpt-4o', { status: 429, retryAfter: 7, retryAfterMs: 1500, errorMessage: 'slow down' });
    const error = await rejection(ask('gpt-4o', 'hi'));

    expect(error).toBeInstanceOf(APIError);
    const apiError = error as APIError;
    expect(apiError.status).toBe(429);
    expect(apiError.headers?.get('retry-after')).toBe('7');
    expect(apiError.headers?.get('retry-after-ms')).toBe('1500');
    expect(apiError.error).toEqual({ message: 'slow down', type: 'rate_limit_error', code: 'rate_limit_exceeded', param: null });
    expect(apiError.code).toBe('rate_limit_exceeded');
  });

  it('serves a queue per model, repeating the last entry, with "*" as the fallback program', async () => {
    upstream.behave('gpt-4o', [{ status: 503 }, { content: 'second' }, { content: 'rest' }]);
    upstream.behave('*', { content: 'anyone' });

    expect(await rejection(ask('gpt-4o', 'q'))).toMatchObject({ status: 503 });
    expect((await ask('gpt-4o', 'q')).choices[0]?.message.content).toBe('second');
    expect((await ask('gpt-4o', 'q')).choices[0]?.message.content).toBe('rest');
    expect((await ask('gpt-4o', 'q')).choices[0]?.message.content).toBe('rest');
    expect((await ask('other-model', 'q')).choices[0]?.message.content).toBe('anyone');

    // behave() replaces the program (and restarts its queue); a content function sees the request.
    upstream.behave('gpt-4o', { content: (request) => `${request.model} heard ${request.lastUserMessage}` });
    expect((await ask('gpt-4o', 'ping')).choices[0]?.message.content).toBe('gpt-4o heard ping');
    expect(upstream.requests.map((request) => request.model)).toEqual(['gpt-4o', 'gpt-4o', 'gpt-4o', 'gpt-4o', 'other-model', 'gpt-4o']);

    upstream.reset();
    expect(upstream.requests).toHaveLength(0);
    expect((await ask('gpt-4o', 'x')).choices[0]?.message.content).toBe('echo(gpt-4o): x');
  });

  it('hangs until the client gives up, recording the request, and the connection is then released', async () => {
    const own = await createChatUpstream();
    const ownClient = new OpenAI({ baseURL: own.baseURL, apiKey: 'test', maxRetries: 0, timeout: 100 });
    try {
      own.behave('gpt-4o', { hang: true });
      const error = await rejection(ownClient.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'anyone there?' }] }));
      expect(error).toBeInstanceOf(APIConnectionTimeoutError);
      expect(own.requests[0]?.lastUserMessage).toBe('anyone there?');
      // The client aborts on timeout and drops that socket; the upstream sees the request abandoned.
      await vi.waitFor(() => expect(own.activeRequests()).toBe(0));
    } finally {
      await own.close();
    }
  });

  it('lists the configured and programmed models', async () => {
    upstream.behave('my-model', { content: 'x' });
    upstream.behave('*', { content: 'y' });
    const models = [];
    for await (const model of client.models.list()) models.push(model);
    expect(models.map((model) => model.id)).toEqual(['gpt-4o-mini', 'gpt-4o', 'my-model']);
    expect(models[0]).toMatchObject({ object: 'model', owned_by: 'upstream' });
  });

  it('answers unknown paths with 404, bad JSON and a missing model with 400, in the OpenAI error format', async () => {
    expect(await rawPost('/nope', '{}')).toEqual({
      status: 404,
      json: { error: { message: 'Invalid URL (POST /v1/nope)', type: 'invalid_request_error', code: 'unknown_url', param: null } },
    });
    expect(await rawPost('/chat/completions', '{"model":')).toMatchObject({
      status: 400,
      json: { error: { type: 'invalid_request_error', code: 'invalid_json', param: null } },
    });
    const missingModel = await rejection(client.chat.completions.create({ messages: [{ role: 'user', content: 'hi' }] } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming));
    expect(missingModel).toBeInstanceOf(APIError);
    expect(missingModel).toMatchObject({ status: 400, param: 'model', code: 'missing_required_parameter' });
    expect(upstream.requests).toHaveLength(0);
  });
});

describe('createChatUpstream lifecycle', () => {
  it('close() destroys hanging connections and resolves with none left open', async () => {
    const own = await createChatUpstream();
    const ownClient = new OpenAI({ baseURL: own.baseURL, apiKey: 'test', maxRetries: 0 });
    own.behave('*', { hang: true });
    const pending = ['gpt-4o', 'gpt-4o-mini', 'x'].map((model) => rejection(ownClient.chat.completions.create({ model, messages: [] })));
    await vi.waitFor(() => expect(own.requests).toHaveLength(3));
    expect(own.openConnections()).toBe(3);
    expect(own.activeRequests()).toBe(3);

    await own.close();
    expect(own.openConnections()).toBe(0);
    expect(own.activeRequests()).toBe(0);
    for (const error of await Promise.all(pending)) expect(error).toBeInstanceOf(APIConnectionError);
    await own.close(); // idempotent
  });

  it('records nothing with recordRequests: false, yet still answers content functions', async () => {
    const own = await createChatUpstream({ recordRequests: false, models: ['only-this'] });
    const ownClient = new OpenAI({ baseURL: own.baseURL, apiKey: 'test', maxRetries: 0 });
    try {
      own.behave('*', { content: (request) => `saw ${request.headers.authorization}` });
      const completion = await ownClient.chat.completions.create({ model: 'only-this', messages: [{ role: 'user', content: 'hi' }] });
      expect(completion.choices[0]?.message.content).toBe('saw Bearer test');
      expect(own.requests).toHaveLength(0);
      const models = [];
      for await (const model of ownClient.models.list()) models.push(model.id);
      expect(models).toEqual(['only-this']);
    } finally {
      await own.close();
    }
  });
});
