// The response cache: hit and miss, TTL, bypass, streamed answers cached and replayed (as a stream
// and as a plain answer), only complete answers stored, per-tenant isolation, the key's fields, the
// memory store's bounds, and the Redis store shared by two engines.
import { describe, expect, it } from 'vitest';
import { admin, drain, rejection, usePipeline } from './pipeline-fixture.js';
import { rawQuery } from '../helpers.js';
import { createMemoryStore, createResponseCache } from '../../src/ai/cache/index.js';

const ask = (content: string, extra: Record<string, unknown> = {}) => ({ model: 'cheap', messages: [{ role: 'user' as const, content }], ...extra });

describe('AI response cache', () => {
  const fixture = usePipeline('sqlite', { redis: true });
  const used = async (tenant: string) => (await fixture.tenantBilling(tenant).check('ai_tokens')).used;

  it('answers a repeated request from the cache at no cost, recorded as cached, and measures the hit rate', async () => {
    const tenant = await fixture.tenant('hits');
    const engine = fixture.ai();
    const ai = engine.forTenant(tenant, admin);
    const before = fixture.up.requests.length;
    const first = await ai.chat(ask('what is the capital of France?', { temperature: 0 }));
    const tokensAfterFirst = await used(tenant);
    const second = await ai.chat(ask('what is the capital of France?', { temperature: 0, user: 'someone-else' }));
    expect(fixture.up.requests.length).toBe(before + 1);
    expect(second.choices).toEqual(first.choices);
    expect(second.auterity).toMatchObject({ cached: true, costUsd: 0, model: 'cheap', usage: { promptTokens: 0, completionTokens: 0 } });
    expect(second.auterity.callId).not.toBe(first.auterity.callId);
    expect(await used(tenant)).toBe(tokensAfterFirst); // no reservation, nothing counted
    expect(engine.cacheStats()).toEqual({ hits: 1, misses: 1, hitRate: 0.5 });
    await fixture.flushed();
    const rows = await rawQuery(fixture.db, `select status, cached, cost from ai_calls where id = '${second.auterity.callId}'`);
    expect(rows[0]).toMatchObject({ status: 'cached' });
    expect(Number(rows[0]!.cached)).toBe(1);
    expect(Number(rows[0]!.cost)).toBe(0);
    expect((await ai.usage()).find((u) => u.model === 'cheap')).toMatchObject({ calls: 2, cacheHits: 1 });
    const audit = (await fixture.governance.audit.list(tenant)).filter((e) => e.action === 'ai.chat');
    expect(audit.map((e) => e.data['cached'])).toEqual([false, true]);

    // Fields that change the answer change the key.
    await ai.chat(ask('what is the capital of France?', { temperature: 1 }));
    expect(fixture.up.requests.length).toBe(before + 2);
  });

  it('skips the lookup on bypass (refreshing the entry) and expires entries after their TTL', async () => {
    const tenant = await fixture.tenant('ttl');
    let now = Date.now();
    const engine = fixture.ai({ cache: { ttlMs: 1_000 } }, { now: () => now });
    const ai = engine.forTenant(tenant, admin);
    const before = fixture.up.requests.length;
    await ai.chat(ask('ttl question'));
    await ai.chat(ask('ttl question'), { cache: 'bypass' });
    expect(fixture.up.requests.length).toBe(before + 2);
    expect((await ai.chat(ask('ttl question'))).auterity.cached).toBe(true);
    now += 1_001;
    expect((await ai.chat(ask('ttl question'))).auterity.cached).toBe(false);
    expect(fixture.up.requests.length).toBe(before + 3);
  });

  it('caches a streamed answer and replays it as a stream and as a plain answer', async () => {
    const tenant = await fixture.tenant('replay');
    const ai = fixture.ai().forTenant(tenant, admin);
    fixture.up.behave('cheap', { content: 'streamed words come back the same' });
    const before = fixture.up.requests.length;
    const live = ai.stream(ask('tell me'));
    expect(await drain(live)).toEqual({ text: 'streamed words come back the same', error: undefined });
    expect((await live.meta).cached).toBe(false);

    const replay = ai.stream(ask('tell me'));
    const chunks: unknown[] = [];
    let text = '';
    for await (const chunk of replay) {
      chunks.push(chunk);
      text += chunk.choices[0]?.delta?.content ?? '';
    }
    expect(text).toBe('streamed words come back the same');
    expect(chunks.length).toBeGreaterThan(3);
    expect(await replay.meta).toMatchObject({ cached: true, costUsd: 0, model: 'cheap' });
    const plain = await ai.chat(ask('tell me'));
    expect(plain.auterity.cached).toBe(true);
    expect(plain.choices[0]).toMatchObject({ finish_reason: 'stop', message: { role: 'assistant', content: 'streamed words come back the same' } });
    expect(fixture.up.requests.length).toBe(before + 1);
    await ai.flush();
    const rows = await rawQuery(fixture.db, `select status, streamed from ai_calls where tenant_id = 'replay' order by at`);
    expect(rows.map((r) => r.status)).toEqual(['ok', 'cached', 'cached']);
    fixture.up.behave('cheap', {});
  });

  it('settles a cached replay whose consumer stops early, or aborts while paused', async () => {
    const tenant = await fixture.tenant('early-stop');
    const ai = fixture.ai().forTenant(tenant, admin);
    fixture.up.behave('cheap', { content: 'an answer long enough to stop reading half way' });
    await drain(ai.stream(ask('stop early')));
    const broken = ai.stream(ask('stop early'));
    await broken[Symbol.asyncIterator]().next();
    await broken[Symbol.asyncIterator]().return?.(undefined);
    expect(await broken.meta).toMatchObject({ cached: true });
    const paused = ai.stream(ask('stop early'));
    const iterator = paused[Symbol.asyncIterator]();
    await iterator.next();
    paused.abort();
    expect(await paused.meta).toMatchObject({ cached: true });
    await ai.flush();
    const rows = await rawQuery(fixture.db, `select status from ai_calls where tenant_id = 'early-stop' order by at`);
    expect(rows.map((r) => r.status)).toEqual(['ok', 'cached', 'cached']);
    fixture.up.behave('cheap', {});
  });

  it('never caches errors or cut streams', async () => {
    const tenant = await fixture.tenant('incomplete');
    const ai = fixture.ai().forTenant(tenant, admin);
    fixture.up.behave('cheap', { content: 'this stream will be cut short soon', cutAfterChunks: 2 });
    expect((await drain(ai.stream(ask('cut me')))).error).toBeDefined();
    fixture.up.behave('cheap', { status: 500 });
    expect((await rejection(ai.chat(ask('fail me')))).code).toBe('upstream_error');
    fixture.up.behave('cheap', {});
    const before = fixture.up.requests.length;
    expect((await ai.chat(ask('cut me'))).auterity.cached).toBe(false);
    expect((await ai.chat(ask('fail me'))).auterity.cached).toBe(false);
    expect(fixture.up.requests.length).toBe(before + 2);
  });

  it('keeps tenants apart', async () => {
    const engine = fixture.ai();
    const a = engine.forTenant(await fixture.tenant('iso-a'), admin);
    const b = engine.forTenant(await fixture.tenant('iso-b'), admin);
    await a.chat(ask('shared question'));
    expect((await b.chat(ask('shared question'))).auterity.cached).toBe(false);
    expect((await a.chat(ask('shared question'))).auterity.cached).toBe(true);
  });

  it('shares answers through Redis between engines', async () => {
    const tenant = await fixture.tenant('redis');
    const options = { cache: { store: 'redis' as const, prefix: `${fixture.redis!.prefix}ai:` } };
    const one = fixture.ai(options).forTenant(tenant, admin);
    const two = fixture.ai(options).forTenant(tenant, admin);
    fixture.up.behave('cheap', { content: 'from redis' });
    const live = one.stream(ask('redis question'));
    expect((await drain(live)).text).toBe('from redis');
    const hit = await two.chat(ask('redis question'));
    expect(hit.auterity.cached).toBe(true);
    expect(hit.choices[0]?.message.content).toBe('from redis');
    expect((await drain(two.stream(ask('redis question')))).text).toBe('from redis');
    fixture.up.behave('cheap', {});
  });

  it('bounds the memory store by entries and bytes, evicting the least recently used', async () => {
    let now = 0;
    const store = createMemoryStore({ maxEntries: 2, maxBytes: 1_000, now: () => now });
    await store.set('a', 'x', 100);
    await store.set('b', 'y', 100);
    await store.get('a'); // a is now the most recent
    await store.set('c', 'z', 100);
    expect(await store.get('b')).toBeUndefined();
    expect(await store.get('a')).toBe('x');
    expect(store.size).toBe(2);
    await store.set('big', 'w'.repeat(300), 100); // 604 bytes: evicts until the total fits
    expect(store.bytes).toBeLessThanOrEqual(1_000);
    await store.set('huge', 'w'.repeat(600), 100); // larger than the bound: not stored
    expect(await store.get('huge')).toBeUndefined();
    now = 101;
    expect(await store.get('big')).toBeUndefined();

    const cache = createResponseCache(store, 100);
    const request = { model: 'm', messages: [{ role: 'user' as const, content: 'q' }], temperature: 0 };
    expect(cache.key('t', { ...request, user: 'u', stream_options: { include_usage: true } } as never)).toBe(cache.key('t', request));
    expect(cache.key('t', { ...request, seed: 1 })).not.toBe(cache.key('t', request));
    expect(cache.key('other', request)).not.toBe(cache.key('t', request));
  });
});
