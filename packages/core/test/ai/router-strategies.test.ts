import { describe, expect, it } from 'vitest';
import { isAuterityError } from '../../src/errors.js';
import { ask, createClock, tenant, useUpstream } from './router-fixtures.js';

const fx = useUpstream();
const modelsCalled = () => fx.up.requests.map((request) => request.model);

describe('routing basics', () => {
  it('maps catalog ids to upstream names and back, forwarding only known fields', async () => {
    const router = fx.router();
    const request = { ...ask('renamed'), temperature: 0.2, max_tokens: 500, surprise: 'never sent' } as ReturnType<typeof ask>;
    const completion = await router.complete(request, { ...tenant, maxCompletionTokens: 100, callId: 'call_fixed' });
    expect(modelsCalled()).toEqual(['vendor-model-7']);
    const body = fx.up.requests[0]?.body ?? {};
    expect(body).not.toHaveProperty('surprise');
    expect(body).not.toHaveProperty('max_tokens');
    expect(body).toMatchObject({ temperature: 0.2, max_completion_tokens: 100 });
    expect(completion.model).toBe('renamed');
    expect(completion.auterity).toMatchObject({ callId: 'call_fixed', route: 'renamed', strategy: 'fallback', model: 'renamed', provider: 'local', cached: false });
    const usage = completion.usage!;
    expect(completion.auterity.costUsd).toBeCloseTo((usage.prompt_tokens * 2 + usage.completion_tokens * 2) / 1e6, 12);
  });

  it('keeps the request’s own cap when it is lower than the budget’s', async () => {
    await fx.router().complete({ ...ask('cheap'), max_completion_tokens: 20 }, { ...tenant, maxCompletionTokens: 100 });
    expect(fx.up.requests[0]?.body.max_completion_tokens).toBe(20);
  });

  it('reports unknown models and forbidden candidates', async () => {
    const router = fx.router({ routes: [{ id: 'chat', strategy: 'fallback', targets: [{ model: 'cheap' }, { model: 'mid' }] }] });
    await expect(router.complete(ask('nope'), tenant)).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining('"nope"') });
    expect(() => router.candidates('nope')).toThrow(expect.objectContaining({ code: 'not_found' }));
    expect(router.candidates('chat').map((model) => model.id)).toEqual(['cheap', 'mid']);
    expect(router.routes()).toEqual([{ id: 'chat', strategy: 'fallback', models: ['cheap', 'mid'] }]);
    await expect(router.complete(ask('chat'), { ...tenant, allowModel: () => false })).rejects.toMatchObject({ code: 'forbidden' });
    const onlyMid = await router.complete(ask('chat'), { ...tenant, allowModel: (model) => model.id === 'mid' });
    expect(onlyMid.auterity.model).toBe('mid');
    expect(modelsCalled()).toEqual(['mid']);
  });
});

describe('strategies', () => {
  it('fallback: tries targets in order', async () => {
    const router = fx.router({ retry: { maxAttempts: 1 }, routes: [{ id: 'chat', strategy: 'fallback', targets: [{ model: 'cheap' }, { model: 'mid' }, { model: 'pricey' }] }] });
    fx.up.behave('cheap', { status: 500 });
    fx.up.behave('mid', { status: 502 });
    const completion = await router.complete(ask('chat'), tenant);
    expect(completion.auterity.model).toBe('pricey');
    expect(completion.auterity.attempts.map((attempt) => [attempt.model, attempt.outcome, attempt.error])).toEqual([
      ['cheap', 'error', '500'],
      ['mid', 'error', '502'],
      ['pricey', 'ok', undefined],
    ]);
  });

  it('cheapest: the cheapest model meeting capabilities and constraints, the rest as fallbacks', async () => {
    const targets = [{ model: 'pricey' }, { model: 'mid' }, { model: 'cheap' }];
    const router = fx.router({
      retry: { maxAttempts: 1 },
      routes: [
        { id: 'cheap-any', strategy: 'cheapest', targets },
        { id: 'cheap-eu', strategy: 'cheapest', targets, constraints: { regions: ['eu'] } },
        { id: 'cheap-big', strategy: 'cheapest', targets, constraints: { minContextWindow: 100_000 } },
        { id: 'cheap-vision', strategy: 'cheapest', targets, constraints: { capabilities: ['vision'] } },
        { id: 'cheap-capped', strategy: 'cheapest', targets, constraints: { maxInputPerMTok: 2 } },
      ],
    });
    expect((await router.complete(ask('cheap-any'), tenant)).auterity.model).toBe('cheap');
    expect((await router.complete(ask('cheap-eu'), tenant)).auterity.model).toBe('pricey');
    expect((await router.complete(ask('cheap-big'), tenant)).auterity.model).toBe('mid');
    expect((await router.complete(ask('cheap-vision'), tenant)).auterity.model).toBe('pricey');
    // Tools are required by the request itself: `cheap` cannot take them.
    const tools = [{ type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object' } } }];
    expect((await router.complete({ ...ask('cheap-any'), tools }, tenant)).auterity.model).toBe('mid');
    // A prompt larger than the cheap model's window goes to the next one.
    expect((await router.complete(ask('cheap-any', 'x'.repeat(70_000)), tenant)).auterity.model).toBe('mid');
    fx.up.behave('cheap', { status: 503 });
    const fallback = await router.complete(ask('cheap-capped'), tenant);
    expect(fallback.auterity.attempts.map((attempt) => attempt.model)).toEqual(['cheap', 'mid']);
    await expect(router.complete({ ...ask('cheap-eu'), tools: [] }, { ...tenant, allowModel: (model) => model.id !== 'pricey' })).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('fastest: measures unknown models first, then follows the EWMA as latencies change', async () => {
    const clock = createClock();
    const router = fx.router({ routes: [{ id: 'quick', strategy: 'fastest', targets: [{ model: 'cheap' }, { model: 'mid' }] }] }, { now: clock.now });
    const slow = (ms: number) => ({ content: () => (clock.advance(ms), 'ok') });
    fx.up.behave('cheap', slow(300));
    fx.up.behave('mid', slow(50));
    const picks: string[] = [];
    for (let index = 0; index < 4; index += 1) picks.push((await router.complete(ask('quick'), tenant)).auterity.model);
    expect(picks).toEqual(['cheap', 'mid', 'mid', 'mid']);
    // mid slows to 500 ms: its EWMA (alpha 0.3) goes 50 -> 185 -> 280 -> 346, passing cheap's 300 on the third call.
    fx.up.behave('mid', slow(500));
    for (let index = 0; index < 4; index += 1) picks.push((await router.complete(ask('quick'), tenant)).auterity.model);
    expect(picks.slice(4)).toEqual(['mid', 'mid', 'mid', 'cheap']);
  });

  it('fastest: streams rank by time to first token', async () => {
    const clock = createClock();
    const router = fx.router({ routes: [{ id: 'quick', strategy: 'fastest', targets: [{ model: 'cheap' }, { model: 'mid' }] }] }, { now: clock.now });
    // The clock moves when the upstream composes the answer, i.e. before the first token.
    fx.up.behave('cheap', { content: () => (clock.advance(40), 'fast start') });
    fx.up.behave('mid', { content: () => (clock.advance(400), 'slow start') });
    const picks: string[] = [];
    for (let index = 0; index < 4; index += 1) {
      const stream = router.stream(ask('quick'), tenant);
      for await (const chunk of stream) void chunk;
      const meta = await stream.meta;
      picks.push(meta.model);
      expect(meta.ttftMs).toBe(meta.model === 'cheap' ? 40 : 400);
    }
    expect(picks).toEqual(['cheap', 'mid', 'cheap', 'cheap']);
  });

  it('weighted: picks by weight with the injected random, the rest as fallbacks', async () => {
    let step = 0;
    const random = () => ((step++ % 100) + 0.5) / 100;
    const router = fx.router({ retry: { maxAttempts: 1 }, routes: [{ id: 'split', strategy: 'weighted', targets: [{ model: 'cheap', weight: 3 }, { model: 'mid', weight: 1 }] }] }, { random });
    const counts: Record<string, number> = {};
    for (let index = 0; index < 100; index += 1) {
      const model = (await router.complete(ask('split'), tenant)).auterity.model;
      counts[model] = (counts[model] ?? 0) + 1;
    }
    expect(counts).toEqual({ cheap: 75, mid: 25 });
    fx.up.behave('mid', { status: 500 });
    step = 99; // the next draw lands on `mid`
    const fallback = await router.complete(ask('split'), tenant);
    expect(fallback.auterity.attempts.map((attempt) => [attempt.model, attempt.outcome])).toEqual([
      ['mid', 'error'],
      ['cheap', 'ok'],
    ]);
  });

  it('cascade: escalates when the JSON schema rejects the answer', async () => {
    const router = fx.router({
      routes: [{ id: 'extract', strategy: 'cascade', targets: [{ model: 'pricey' }, { model: 'mid' }, { model: 'cheap' }], validator: { jsonSchema: { type: 'object', properties: { total: { type: 'number' } }, required: ['total'] } } }],
    });
    fx.up.behave('cheap', { content: 'total is 42' });
    fx.up.behave('mid', { content: '{"total":"42"}' });
    fx.up.behave('pricey', { content: '{"total":42}' });
    const completion = await router.complete(ask('extract'), tenant);
    expect(completion.choices[0]?.message.content).toBe('{"total":42}');
    expect(completion.auterity.validation).toBe('passed');
    expect(completion.auterity.attempts.map((attempt) => [attempt.model, attempt.outcome])).toEqual([
      ['cheap', 'rejected_by_validator'],
      ['mid', 'rejected_by_validator'],
      ['pricey', 'ok'],
    ]);
    expect(completion.auterity.attempts[0]?.error).toMatch(/not JSON/);
    fx.up.behave('cheap', { content: '{"total":7}' });
    expect((await router.complete(ask('extract'), tenant)).auterity.model).toBe('cheap');
  });

  it('cascade: escalates on predicate rejection; the last answer is returned flagged when all are rejected', async () => {
    const router = fx.router({ routes: [{ id: 'careful', strategy: 'cascade', targets: [{ model: 'cheap' }, { model: 'mid' }], validator: { predicate: (answer) => !answer.includes('not sure') } }] });
    fx.up.behave('cheap', { content: 'I am not sure' });
    fx.up.behave('mid', { content: 'Paris' });
    const completion = await router.complete(ask('careful'), tenant);
    expect(completion.auterity.model).toBe('mid');
    expect(modelsCalled()).toEqual(['cheap', 'mid']);
    fx.up.behave('mid', { content: 'also not sure' });
    const flagged = await router.complete(ask('careful'), tenant);
    expect(flagged.auterity).toMatchObject({ model: 'mid', validation: 'failed' });
    expect(flagged.choices[0]?.message.content).toBe('also not sure');
  });

  it('experiment: sticky per tenant, names the arm', async () => {
    const router = fx.router({ routes: [{ id: 'ab', strategy: 'experiment', arms: [{ id: 'control', model: 'cheap' }, { id: 'treatment', model: 'mid' }] }] });
    const armOf = new Map<string, string>();
    for (let index = 0; index < 16; index += 1) {
      const tenantId = `tenant-${index}`;
      const first = await router.complete(ask('ab'), { tenantId, userId: 'u1' });
      const again = await router.complete(ask('ab'), { tenantId, userId: 'u2' });
      expect(again.auterity.arm).toBe(first.auterity.arm);
      expect(first.auterity.model).toBe(first.auterity.arm === 'control' ? 'cheap' : 'mid');
      armOf.set(tenantId, first.auterity.arm ?? '');
    }
    expect(new Set(armOf.values())).toEqual(new Set(['control', 'treatment']));
  });

  it('experiment: sticky per user when configured; falls back to the other arm’s model on failure', async () => {
    const router = fx.router({ retry: { maxAttempts: 1 }, routes: [{ id: 'ab', strategy: 'experiment', sticky: 'user', arms: [{ id: 'a', model: 'cheap' }, { id: 'b', model: 'mid' }] }] });
    const arms = new Set<string>();
    for (let index = 0; index < 16; index += 1) {
      const userId = `user-${index}`;
      const first = await router.complete(ask('ab'), { tenantId: 'one-tenant', userId });
      const again = await router.complete(ask('ab'), { tenantId: 'one-tenant', userId });
      expect(again.auterity.arm).toBe(first.auterity.arm);
      arms.add(first.auterity.arm ?? '');
    }
    expect(arms).toEqual(new Set(['a', 'b']));
    fx.up.behave('cheap', { status: 500 });
    fx.up.behave('mid', { status: 500 });
    const error = await router.complete(ask('ab'), { tenantId: 'one-tenant', userId: 'user-0' }).catch((caught: unknown) => caught);
    expect(isAuterityError(error, 'upstream_error')).toBe(true);
    fx.up.reset();
    fx.up.behave('cheap', { status: 500 });
    for (let index = 0; index < 6; index += 1) {
      const result = await router.complete(ask('ab'), { tenantId: 'one-tenant', userId: `user-${index}` });
      expect(result.auterity.model).toBe('mid');
    }
  });
});
