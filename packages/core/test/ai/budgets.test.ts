// AI budgets through the billing engine, on the SQL quota backend (SQLite and PostgreSQL) and on
// Redis: exactly at the limit, concurrent calls racing for the last tokens, per-key and spend
// budgets, streams committed at their end (cut and aborted ones with their partial usage), failed
// calls released, and usage beyond the reservation never lost nor counted past a blocking limit.
import { describe, expect, it } from 'vitest';
import { countUpstreamTokens } from '@auterity/testing';
import { isAuterityError } from '@auterity/core';
import { admin, drain, rejection, usePipeline } from './pipeline-fixture.js';
import { rawQuery } from '../helpers.js';

const cases = [
  { name: 'sqlite', dialect: 'sqlite', quota: 'sql' },
  { name: 'postgres', dialect: 'postgres', quota: 'sql' },
  { name: 'redis', dialect: 'sqlite', quota: 'redis' },
] as const;

const ask = (content: string, extra: Record<string, unknown> = {}) => ({ model: 'cheap', messages: [{ role: 'user' as const, content }], ...extra });

describe.each(cases)('AI budgets on $name', ({ dialect, quota }) => {
  const fixture = usePipeline(dialect, { quota });
  const billing = (tenant: string) => fixture.tenantBilling(tenant);

  it('admits the call that reaches the limit exactly and refuses the next, naming feature, limit and reset', async () => {
    const tenant = await fixture.tenant('exact');
    const ai = fixture.ai({ cache: false }).forTenant(tenant, admin);
    // Prompt estimate 10 tokens; the budget leaves 90 for the completion, which uses exactly 90.
    fixture.up.behave('cheap', { content: 'y'.repeat(360) });
    const before = fixture.up.requests.length;
    const answer = await ai.chat(ask('x'.repeat(40)));
    expect(answer.auterity.usage).toEqual({ promptTokens: 10, completionTokens: 90 });
    expect(fixture.up.requests[before]!.body.max_completion_tokens).toBe(90);
    expect(await billing(tenant).check('ai_tokens')).toMatchObject({ used: 100, remaining: 0 });

    const refused = await rejection(ai.chat(ask('one more')));
    expect(refused.code).toBe('quota_exceeded');
    expect(refused.message).toContain('"ai_tokens"');
    expect(refused.message).toContain('limit 100');
    expect(refused.details).toMatchObject({ feature: 'ai_tokens', limit: 100, used: 100 });
    expect((refused.details as { resetsAt: number }).resetsAt).toBeGreaterThan(Date.now());
    expect(fixture.up.requests.length).toBe(before + 1);
    await fixture.flushed();
    const rows = await rawQuery(fixture.db, `select status, error_code from ai_calls where tenant_id = 'exact' order by at`);
    expect(rows.map((r) => r.status)).toEqual(['ok', 'over_budget']);
    expect((await fixture.governance.audit.list(tenant)).some((e) => e.action === 'ai.denied' && e.data['reason'] === 'over_budget')).toBe(true);
    fixture.up.behave('cheap', {});
  });

  it('caps the completion at the request, the default cap and what is left', async () => {
    const tenant = await fixture.tenant('caps');
    const ai = fixture.ai({ cache: false, budgets: { defaultMaxCompletionTokens: 30 } }).forTenant(tenant, admin);
    const before = fixture.up.requests.length;
    await ai.chat(ask('x'.repeat(40), { max_tokens: 5 }));
    await ai.chat(ask('x'.repeat(40)));
    await billing(tenant).consume('ai_tokens', 70 - (await billing(tenant).check('ai_tokens')).used);
    await ai.chat(ask('x'.repeat(40)));
    expect(fixture.up.requests.slice(before).map((r) => r.body.max_completion_tokens)).toEqual([5, 30, 20]);
  });

  it('never commits more than the limit when concurrent calls race for the last tokens', async () => {
    const tenant = await fixture.tenant('race');
    await billing(tenant).consume('ai_tokens', 60);
    const ai = fixture.ai({ cache: false }).forTenant(tenant, admin);
    fixture.up.behave('cheap', { content: 'y'.repeat(40), latencyMs: 20 }); // 10 completion tokens
    // Each call reserves 10 (prompt) + 10 (max_tokens) = 20 of the 40 left: two fit.
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => ai.chat(ask(`${'x'.repeat(36)}${String(i).padStart(4, '0')}`, { max_tokens: 10 }))));
    const admitted = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(admitted).toHaveLength(2);
    for (const r of refused) expect(isAuterityError((r as PromiseRejectedResult).reason, 'quota_exceeded')).toBe(true);
    expect(await billing(tenant).check('ai_tokens')).toMatchObject({ used: 100, remaining: 0 });
    await fixture.flushed();
    const rows = await rawQuery(fixture.db, `select sum(prompt_tokens + completion_tokens) as total from ai_calls where tenant_id = 'race' and status = 'ok'`);
    expect(Number(rows[0]!.total)).toBe(40);
    fixture.up.behave('cheap', {});
  });

  it('keeps a separate token budget per API key', async () => {
    const tenant = await fixture.tenant('per-key');
    const engine = fixture.ai({ cache: false, budgets: { tokens: false, keyTokens: 'key_tokens' } });
    const k1 = engine.forTenant(tenant, admin, { apiKeyId: 'k1' });
    const k2 = engine.forTenant(tenant, admin, { apiKeyId: 'k2' });
    fixture.up.behave('cheap', { content: 'y'.repeat(80) }); // 20 completion tokens
    await k1.chat(ask('x'.repeat(40), { max_tokens: 20 }));
    await k1.chat(ask('x'.repeat(40), { max_tokens: 20 }));
    const refused = await rejection(k1.chat(ask('x'.repeat(40), { max_tokens: 20 })));
    expect(refused.code).toBe('quota_exceeded');
    expect(refused.details).toMatchObject({ feature: 'key_tokens', limit: 60, used: 60 });
    expect((await k2.chat(ask('x'.repeat(40), { max_tokens: 20 }))).auterity.usage).toEqual({ promptTokens: 10, completionTokens: 20 });
    expect(await billing(tenant).check('key_tokens', 1, { apiKeyId: 'k2' })).toMatchObject({ used: 30 });
    // Calls made without a key are not limited by a per-key budget.
    await engine.forTenant(tenant, admin).chat(ask('x'.repeat(40), { max_tokens: 20 }));
    fixture.up.behave('cheap', {});
  });

  it('reserves spend at the dearest candidate and commits the actual cost in micro-USD', async () => {
    const tenant = await fixture.tenant('spend');
    const ai = fixture.ai({ cache: false, budgets: { tokens: false, spend: 'ai_spend' } }).forTenant(tenant, admin);
    fixture.up.behave('*', { content: 'y'.repeat(20) }); // 5 completion tokens
    // Route `smart`: dear (10/20 µUSD per token) then cheap. 10 prompt tokens cost at most 100 µUSD,
    // which leaves 900 for 45 completion tokens at 20: the cap sent upstream.
    const before = fixture.up.requests.length;
    const answer = await ai.chat({ model: 'smart', messages: [{ role: 'user', content: 'x'.repeat(40) }] });
    expect(fixture.up.requests[before]!.body.max_completion_tokens).toBe(45);
    expect(answer.auterity.model).toBe('dear');
    expect(await billing(tenant).check('ai_spend')).toMatchObject({ used: 200 }); // 10×10 + 5×20
    // 800 µUSD left: 4 calls of 200 fit, the fifth does not (its prompt alone leaves room for no completion at 20).
    for (let i = 0; i < 4; i++) await ai.chat({ model: 'smart', messages: [{ role: 'user', content: 'x'.repeat(40) }], max_tokens: 5 });
    expect(await billing(tenant).check('ai_spend')).toMatchObject({ used: 1_000 });
    const refused = await rejection(ai.chat({ model: 'smart', messages: [{ role: 'user', content: 'x'.repeat(40) }] }));
    expect(refused.details).toMatchObject({ feature: 'ai_spend', limit: 1_000 });
    fixture.up.behave('*', {});
  });

  it('commits a stream at its end, a cut stream and an aborted one with their partial usage', async () => {
    const tenant = await fixture.tenant('streams');
    const ai = fixture.ai({ cache: false }).forTenant(tenant, admin);
    const used = async () => (await billing(tenant).check('ai_tokens')).used;

    fixture.up.behave('cheap', { content: 'alpha beta gamma delta' });
    const whole = ai.stream(ask('x'.repeat(40), { max_tokens: 20 }));
    expect((await drain(whole)).error).toBeUndefined();
    expect(await used()).toBe(10 + countUpstreamTokens('alpha beta gamma delta'));

    fixture.up.behave('cheap', { content: 'alpha beta gamma delta epsilon zeta', cutAfterChunks: 2 });
    const cut = ai.stream(ask('x'.repeat(40), { max_tokens: 20 }));
    const partial = await drain(cut);
    expect(isAuterityError(partial.error, 'upstream_error')).toBe(true);
    const cutMeta = await cut.meta.catch((error: unknown) => error);
    const afterCut = 16 + 10 + countUpstreamTokens(partial.text);
    expect(await used()).toBe(afterCut);
    await fixture.flushed();
    const cutRow = await rawQuery(fixture.db, `select status, completion_tokens from ai_calls where id = '${(cutMeta as { callId: string }).callId}'`);
    expect(cutRow[0]).toMatchObject({ status: 'error' });
    expect(Number(cutRow[0]!.completion_tokens)).toBe(countUpstreamTokens(partial.text));

    fixture.up.behave('cheap', { content: Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '), chunkDelayMs: 15 });
    const aborted = ai.stream(ask('x'.repeat(40), { max_tokens: 50 }));
    let text = '';
    let chunks = 0;
    try {
      for await (const chunk of aborted) {
        text += chunk.choices[0]?.delta?.content ?? '';
        if (++chunks === 4) aborted.abort();
      }
    } catch {
      // the aborted stream ends with its abort error
    }
    const abortedMeta = await aborted.meta.catch((error: unknown) => error);
    await fixture.flushed();
    const abortedRows = await rawQuery(fixture.db, `select status, error_code, prompt_tokens, completion_tokens from ai_calls where tenant_id = 'streams' order by at`);
    const last = abortedRows.at(-1)!;
    expect(last).toMatchObject({ status: 'error', error_code: 'aborted' });
    expect(Number(last.completion_tokens)).toBeGreaterThan(0);
    expect(Number(last.completion_tokens)).toBeLessThanOrEqual(countUpstreamTokens(text) + 1);
    expect(await used()).toBe(afterCut + Number(last.prompt_tokens) + Number(last.completion_tokens));
    expect(abortedMeta).toBeDefined();
    fixture.up.behave('cheap', {});
  });

  it('releases the reservation of a failed call', async () => {
    const tenant = await fixture.tenant('failed');
    const ai = fixture.ai({ cache: false }).forTenant(tenant, admin);
    fixture.up.behave('cheap', { status: 500 });
    expect((await rejection(ai.chat(ask('x'.repeat(40))))).code).toBe('upstream_error');
    const stream = ai.stream(ask('x'.repeat(40)));
    expect(isAuterityError((await drain(stream)).error, 'upstream_error')).toBe(true);
    expect(await billing(tenant).check('ai_tokens')).toMatchObject({ used: 0 });
    await fixture.flushed();
    const rows = await rawQuery(fixture.db, `select status, error_code from ai_calls where tenant_id = 'failed'`);
    expect(rows).toEqual([{ status: 'error', error_code: 'upstream_error' }, { status: 'error', error_code: 'upstream_error' }]);
    fixture.up.behave('cheap', {});
  });

  it('keeps usage beyond the reservation: counted up to the blocking limit, the rest recorded as uncounted', async () => {
    const tenant = await fixture.tenant('overage');
    const ai = fixture.ai({ cache: false }).forTenant(tenant, admin);
    // The upstream reports a prompt five times the estimate.
    fixture.up.behave('cheap', { content: 'short', usage: { prompt_tokens: 50, completion_tokens: 10 } });
    const first = await ai.chat(ask('x'.repeat(40), { max_tokens: 10 }));
    expect(await billing(tenant).check('ai_tokens')).toMatchObject({ used: 60 });
    await billing(tenant).consume('ai_tokens', 20);
    const second = await ai.chat(ask('x'.repeat(40), { max_tokens: 10 }));
    expect(await billing(tenant).check('ai_tokens')).toMatchObject({ used: 100, remaining: 0 });
    await fixture.flushed();
    const rows = await rawQuery(fixture.db, `select id, prompt_tokens, completion_tokens, uncounted_tokens from ai_calls where tenant_id = 'overage'`);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(Number(byId.get(first.auterity.callId)!.uncounted_tokens)).toBe(0);
    expect(byId.get(second.auterity.callId)).toMatchObject({});
    expect(Number(byId.get(second.auterity.callId)!.prompt_tokens)).toBe(50);
    expect(Number(byId.get(second.auterity.callId)!.completion_tokens)).toBe(10);
    expect(Number(byId.get(second.auterity.callId)!.uncounted_tokens)).toBe(40);
    expect((await ai.usage()).find((u) => u.model === 'cheap')).toMatchObject({ promptTokens: 100, completionTokens: 20 });
    fixture.up.behave('cheap', {});
  });
});
