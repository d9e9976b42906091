// The openai provider builds a call's constant parts once: every call must still reach the upstream
// as the official client, left to build each request itself, sends it.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatUpstream, type ChatUpstream, type RecordedChatRequest } from '@auterity/testing';
import { createHttpFetch } from '../../src/ai/providers/http-fetch.js';
import { createOpenAiProvider } from '../../src/ai/providers/openai-provider.js';
import type { ChatProvider } from '../../src/ai/providers/provider.js';

let up: ChatUpstream;
beforeAll(async () => {
  up = await createChatUpstream();
});
afterAll(async () => {
  await up.close();
});

const config = { id: 'local', kind: 'openai' as const, headers: { 'x-workspace': 'finance' }, timeoutMs: 20_000 };
const ask = (content: string) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content }] });

/** The headers but the body's length, which differs with the body. */
function headersOf(request: RecordedChatRequest): Record<string, string> {
  const { 'content-length': length, ...rest } = request.headers;
  expect(Number(length)).toBe(Buffer.byteLength(JSON.stringify(request.body)));
  return rest;
}

async function withProvider(use: (provider: ChatProvider) => Promise<void>): Promise<void> {
  const provider = createOpenAiProvider({ ...config, baseURL: up.baseURL }, 'sk-upstream');
  try {
    await use(provider);
  } finally {
    provider.close();
  }
}

describe('createOpenAiProvider', () => {
  it('sends every call as the official client builds it: the first call and the ones after it', async () => {
    up.reset();
    // The reference: the client as it is, on the same fetch, with the same options.
    const http = createHttpFetch();
    const reference = new OpenAI({ apiKey: 'sk-upstream', baseURL: up.baseURL, fetch: http.fetch, maxRetries: 0, timeout: config.timeoutMs, defaultHeaders: config.headers });
    try {
      await reference.chat.completions.create(ask('reference'), { signal: new AbortController().signal });
    } finally {
      http.close();
    }
    await withProvider(async (provider) => {
      const answers = [];
      for (const content of ['first', 'second call', 'third call, a longer one']) answers.push(await provider.complete(ask(content), new AbortController().signal));
      expect(answers.map((answer) => answer.choices[0]?.message.content)).toEqual([expect.stringContaining('first'), expect.stringContaining('second call'), expect.stringContaining('third call, a longer one')]);
      const stream = await provider.stream({ ...ask('streamed'), stream: true }, new AbortController().signal);
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      expect(text).toContain('streamed');
    });
    const [expected, ...calls] = up.requests;
    expect(calls.map((request) => request.lastUserMessage)).toEqual(['first', 'second call', 'third call, a longer one', 'streamed']);
    expect(expected!.headers).toMatchObject({ authorization: 'Bearer sk-upstream', 'x-workspace': 'finance', 'content-type': 'application/json', 'x-stainless-retry-count': '0' });
    for (const call of calls) expect(headersOf(call)).toEqual(headersOf(expected!));
    expect(calls.map((request) => request.body)).toEqual([ask('first'), ask('second call'), ask('third call, a longer one'), { ...ask('streamed'), stream: true }]);
  });

  it('aborts a call whose signal aborts, on a reused request as on the first', async () => {
    up.reset();
    up.behave('gpt-4o-mini', { latencyMs: 5_000 });
    await withProvider(async (provider) => {
      for (let index = 0; index < 2; index += 1) {
        const controller = new AbortController();
        const call = provider.complete(ask(`slow ${index}`), controller.signal);
        setTimeout(() => controller.abort(), 50);
        await expect(call).rejects.toThrow(/abort/i);
      }
    });
    expect(up.requests).toHaveLength(2);
  });
});
