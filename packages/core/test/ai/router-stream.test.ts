import { afterEach, describe, expect, it } from 'vitest';
import { countUpstreamTokens, createChatUpstream, type ChatUpstream } from '@auterity/testing';
import { createRouter, type Router } from '../../src/ai/router/index.js';
import type { ChatCompletionChunk, RoutedStream } from '../../src/ai/types.js';
import { isAuterityError } from '../../src/errors.js';
import { ask, localModels, tenant, useUpstream } from './router-fixtures.js';

const fx = useUpstream();
const chatRoute = { id: 'chat', strategy: 'fallback' as const, targets: [{ model: 'cheap' }, { model: 'mid' }] };
const answer = 'The capital of France is Paris, a city on the Seine.';

async function drain(stream: RoutedStream): Promise<{ chunks: ChatCompletionChunk[]; text: string; error: unknown }> {
  const chunks: ChatCompletionChunk[] = [];
  let error: unknown;
  try {
    for await (const chunk of stream) chunks.push(chunk);
  } catch (caught) {
    error = caught;
  }
  return { chunks, text: chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join(''), error };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let index = 0; index < 200; index += 1) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('streams', () => {
  it('passes chunks through with the catalog id, usage from the final chunk', async () => {
    const router = fx.router();
    fx.up.behave('vendor-model-7', { content: answer });
    const stream = router.stream(ask('renamed'), tenant);
    const { chunks, text, error } = await drain(stream);
    expect(error).toBeUndefined();
    expect(text).toBe(answer);
    expect(new Set(chunks.map((chunk) => chunk.model))).toEqual(new Set(['renamed']));
    expect(fx.up.requests[0]?.body).toMatchObject({ model: 'vendor-model-7', stream: true, stream_options: { include_usage: true } });
    const meta = await stream.meta;
    expect(meta.usage).toEqual({ promptTokens: countUpstreamTokens('What is the capital of France?'), completionTokens: countUpstreamTokens(answer) });
    expect(meta.costUsd).toBeCloseTo((meta.usage.promptTokens * 2 + meta.usage.completionTokens * 2) / 1e6, 12);
    expect(meta.ttftMs).toBeGreaterThanOrEqual(0);
    expect(meta.incomplete).toBeUndefined();
  });

  it('falls back transparently on failures before the first token', async () => {
    const router = fx.router({ retry: { maxAttempts: 1 }, routes: [chatRoute] });
    fx.up.behave('cheap', { status: 500 });
    fx.up.behave('mid', { content: answer });
    const first = router.stream(ask('chat'), tenant);
    expect((await drain(first)).text).toBe(answer);
    expect((await first.meta).attempts.map((attempt) => [attempt.model, attempt.error ?? attempt.outcome])).toEqual([
      ['cheap', '500'],
      ['mid', 'ok'],
    ]);

    // Cut before any content: the role chunk alone is not an answer.
    fx.up.behave('cheap', { cutAfterChunks: 0, content: 'never seen' });
    const second = router.stream(ask('chat'), tenant);
    const drained = await drain(second);
    expect(drained.text).toBe(answer);
    expect(drained.chunks.every((chunk) => chunk.model === 'mid')).toBe(true);
    expect((await second.meta).attempts.map((attempt) => [attempt.model, attempt.error ?? attempt.outcome])).toEqual([
      ['cheap', 'connection'],
      ['mid', 'ok'],
    ]);
  });

  it('falls back when the first token does not come in time', async () => {
    // The route's timeout applies to mid too: long enough that a loaded machine still streams within it.
    const router = fx.router({ retry: { maxAttempts: 1 }, routes: [{ ...chatRoute, timeoutMs: 250 }] });
    fx.up.behave('cheap', { ttftMs: 5_000 });
    const stream = router.stream(ask('chat'), tenant);
    const { error } = await drain(stream);
    expect(error).toBeUndefined();
    expect((await stream.meta).attempts.map((attempt) => [attempt.model, attempt.error ?? attempt.outcome])).toEqual([
      ['cheap', 'timeout'],
      ['mid', 'ok'],
    ]);
  });

  it('a stream cut after its first token throws; it never ends cleanly', async () => {
    const router = fx.router({ routes: [chatRoute] });
    fx.up.behave('cheap', { content: answer, cutAfterChunks: 3 });
    const stream = router.stream(ask('chat'), tenant);
    const { chunks, text, error } = await drain(stream);
    expect(isAuterityError(error, 'upstream_error')).toBe(true);
    expect(chunks.some((chunk) => chunk.choices.some((choice) => choice.finish_reason))).toBe(false);
    expect(answer.startsWith(text) && text.length > 0 && text.length < answer.length).toBe(true);
    // No fallback after the first token: mid was never asked.
    expect(fx.up.requests.map((request) => request.model)).toEqual(['cheap']);
    const meta = await stream.meta;
    expect(meta).toMatchObject({ model: 'cheap', incomplete: 'upstream_error', usage: { completionTokens: countUpstreamTokens(text) } });
  });

  it('a stream that stalls after its first token fails with upstream_timeout', async () => {
    // The first token must still come within the timeout on a loaded machine.
    const router = fx.router({ timeoutMs: 250 });
    fx.up.behave('cheap', { content: answer, chunkDelayMs: 5_000 });
    const stream = router.stream(ask('cheap'), tenant);
    const { error, text } = await drain(stream);
    expect(isAuterityError(error, 'upstream_timeout')).toBe(true);
    expect(text.length).toBeGreaterThan(0);
    expect((await stream.meta).incomplete).toBe('upstream_timeout');
  });

  it('rejects meta when no target answered, without an unhandled rejection when nobody awaits it', async () => {
    const router = fx.router({ retry: { maxAttempts: 1 }, routes: [chatRoute] });
    fx.up.behave('*', { status: 503 });
    const ignored = router.stream(ask('chat'), tenant);
    expect(isAuterityError((await drain(ignored)).error, 'upstream_error')).toBe(true);
    const awaited = router.stream(ask('chat'), tenant);
    await drain(awaited);
    await expect(awaited.meta).rejects.toMatchObject({ code: 'upstream_error', details: { attempts: [expect.objectContaining({ model: 'cheap' }), expect.objectContaining({ model: 'mid' })] } });
    // A bad request fails on iteration; its meta is handled too.
    const bad = router.stream(ask('nope'), tenant);
    expect(isAuterityError((await drain(bad)).error, 'not_found')).toBe(true);
  });

  it('cascade streams validate the whole answer before delivering it', async () => {
    const router = fx.router({ routes: [{ id: 'json', strategy: 'cascade', targets: [{ model: 'cheap' }, { model: 'mid' }], validator: { jsonSchema: { type: 'object', required: ['ok'] } } }] });
    fx.up.behave('cheap', { content: 'not json at all' });
    fx.up.behave('mid', { content: '{"ok":true}' });
    const stream = router.stream(ask('json'), tenant);
    const { text, chunks } = await drain(stream);
    expect(text).toBe('{"ok":true}');
    expect(chunks.every((chunk) => chunk.model === 'mid')).toBe(true);
    expect((await stream.meta).attempts.map((attempt) => attempt.outcome)).toEqual(['rejected_by_validator', 'ok']);
  });
});

describe('stream cancellation frees the upstream', () => {
  let ownUpstream: ChatUpstream | undefined;
  let ownRouter: Router | undefined;
  afterEach(async () => {
    await ownRouter?.close();
    await ownUpstream?.close();
  });

  async function setUp(): Promise<{ up: ChatUpstream; router: Router }> {
    ownUpstream = await createChatUpstream();
    ownRouter = createRouter({ providers: [{ id: 'local', kind: 'openai', baseURL: ownUpstream.baseURL, apiKey: 'k' }], models: localModels });
    ownUpstream.behave('cheap', { content: 'one two three four five six seven eight nine ten', chunkDelayMs: 30 });
    return { up: ownUpstream, router: ownRouter };
  }

  it('abort() closes the upstream connection and settles meta as aborted', async () => {
    const { up, router } = await setUp();
    const stream = router.stream(ask('cheap'), tenant);
    const received: string[] = [];
    let error: unknown;
    try {
      for await (const chunk of stream) {
        received.push(chunk.choices[0]?.delta.content ?? '');
        if (received.join('').length > 0) stream.abort();
      }
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(Error);
    const meta = await stream.meta;
    expect(meta.incomplete).toBe('aborted');
    expect(meta.usage.completionTokens).toBeGreaterThan(0);
    await until(() => up.openConnections() === 0, 'the upstream connection to close');
  });

  it('breaking out of for-await closes the upstream connection', async () => {
    const { up, router } = await setUp();
    const stream = router.stream(ask('cheap'), tenant);
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) break;
    }
    expect((await stream.meta).incomplete).toBe('aborted');
    await until(() => up.openConnections() === 0, 'the upstream connection to close');
  });

  it('the caller’s signal aborts a stream that is not being read', async () => {
    const { up, router } = await setUp();
    const controller = new AbortController();
    const stream = router.stream(ask('cheap'), { ...tenant, signal: controller.signal });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    controller.abort();
    await until(() => up.openConnections() === 0, 'the upstream connection to close');
    stream.abort();
    expect((await stream.meta).incomplete).toBe('aborted');
  });
});
