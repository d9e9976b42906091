import { describe, expect, it } from 'vitest';
import { countUpstreamTokens } from '@auterity/testing';
import { createRouter } from '../../src/ai/router/index.js';
import type { ChatCompletionChunk } from '../../src/ai/types.js';

const router = createRouter({}, { env: {} });
const question = { model: 'offline', messages: [{ role: 'system' as const, content: 'Be brief.' }, { role: 'user' as const, content: 'Summarise our refund policy for annual plans' }] };

describe('offline provider', () => {
  it('answers deterministically, labelled, counting tokens like the upstream does', async () => {
    const first = await router.complete(question, { tenantId: 't1' });
    const second = await router.complete(question, { tenantId: 't2' });
    const content = first.choices[0]?.message.content ?? '';
    expect(content).toBe(second.choices[0]?.message.content);
    expect(first.id).toBe(second.id);
    expect(content.startsWith('[offline model]')).toBe(true);
    expect(content).toContain('Summarise our refund policy for annual plans');
    expect(first.model).toBe('offline');
    expect(first.usage).toEqual({ prompt_tokens: countUpstreamTokens('Be brief.') + countUpstreamTokens('Summarise our refund policy for annual plans'), completion_tokens: countUpstreamTokens(content), total_tokens: expect.any(Number) });
    expect(first.auterity).toMatchObject({ model: 'offline', provider: 'offline', costUsd: 0, usage: { promptTokens: first.usage?.prompt_tokens, completionTokens: first.usage?.completion_tokens } });
    const other = await router.complete({ ...question, messages: [{ role: 'user', content: 'Something else' }] }, { tenantId: 't1' });
    expect(other.choices[0]?.message.content).not.toBe(content);
  });

  it('streams the same answer in several chunks with usage at the end', async () => {
    const whole = (await router.complete(question, { tenantId: 't' })).choices[0]?.message.content;
    const stream = router.stream(question, { tenantId: 't' });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(whole);
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.content).length).toBeGreaterThan(3);
    expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason === 'stop')).toBe(true);
    const meta = await stream.meta;
    expect(meta.usage.completionTokens).toBe(countUpstreamTokens(whole ?? ''));
    expect(meta.ttftMs).toBeGreaterThanOrEqual(0);
    expect(meta.incomplete).toBeUndefined();
  });

  it('returns valid JSON in json mode, matching a json_schema', async () => {
    const object = await router.complete({ ...question, response_format: { type: 'json_object' } }, { tenantId: 't' });
    expect(JSON.parse(object.choices[0]?.message.content ?? '')).toMatchObject({ answer: expect.stringContaining('[offline model]') });
    const schema = {
      type: 'object',
      properties: { verdict: { type: 'string', enum: ['approve', 'reject'] }, score: { type: 'integer', minimum: 1 }, tags: { type: 'array', items: { type: 'string' }, minItems: 2 }, ok: { type: 'boolean' } },
      required: ['verdict', 'score', 'tags', 'ok'],
      additionalProperties: false,
    };
    const shaped = await router.complete({ ...question, response_format: { type: 'json_schema', json_schema: { name: 'review', schema } } }, { tenantId: 't' });
    expect(JSON.parse(shaped.choices[0]?.message.content ?? '')).toEqual({ verdict: 'approve', score: 1, tags: [expect.any(String), expect.any(String)], ok: false });
  });

  it('honours the completion cap from the budget', async () => {
    const capped = await router.complete(question, { tenantId: 't', maxCompletionTokens: 3 });
    expect(capped.usage?.completion_tokens).toBe(3);
    expect(capped.choices[0]?.finish_reason).toBe('length');
  });
});
