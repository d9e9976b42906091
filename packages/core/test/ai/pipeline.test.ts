// The tenant AI pipeline end to end on SQLite and PostgreSQL: validation, governance (a denied model
// is skipped, deny-all is forbidden naming the rule), redaction of what the upstream receives,
// cost records, audit entries, usage aggregates and experiment results with outcomes.
import { describe, expect, it } from 'vitest';
import { countUpstreamTokens, testDialects } from '@auterity/testing';
import { admin, analyst, drain, editor, guest, rejection, usePipeline } from './pipeline-fixture.js';
import { rawQuery } from '../helpers.js';

describe.each(testDialects)('AI pipeline on %s', (dialect) => {
  const fixture = usePipeline(dialect);

  it('routes a chat, records its cost and usage, and appends an ai.chat audit entry', async () => {
    const tenant = await fixture.tenant('chat');
    const ai = fixture.ai({ cache: false, budgets: { tokens: false } }).forTenant(tenant, admin);
    fixture.up.behave('dear', { content: 'an answer of forty characters, exactly!!' });
    const before = fixture.up.requests.length;
    const answer = await ai.chat({ model: 'dear', messages: [{ role: 'user', content: 'x'.repeat(40) }] });
    expect(answer.choices[0]?.message.content).toBe('an answer of forty characters, exactly!!');
    expect(answer.auterity).toMatchObject({ model: 'dear', provider: 'up', cached: false, usage: { promptTokens: 10, completionTokens: 10 } });
    // dear: 10 µUSD per prompt token, 20 per completion token.
    expect(answer.auterity.costUsd).toBeCloseTo(0.0003, 10);
    expect(fixture.up.requests.length).toBe(before + 1);

    await fixture.flushed();
    const rows = await rawQuery(fixture.db, `select * from ai_calls where tenant_id = 'chat'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: answer.auterity.callId, route: 'dear', model: 'dear', provider: 'up', status: 'ok', user_id: null });
    expect(Number(rows[0]!.cost)).toBe(300);
    expect(Number(rows[0]!.prompt_tokens)).toBe(10);
    expect(Number(rows[0]!.streamed)).toBe(0);

    await ai.flush(); // the audit entry is written after the answer
    const entries = await fixture.governance.audit.list(tenant);
    const entry = entries.find((e) => e.action === 'ai.chat');
    expect(entry).toMatchObject({ actorId: admin.id, resource: 'model:dear', data: { callId: answer.auterity.callId, model: 'dear', promptTokens: 10, completionTokens: 10, cached: false, redactions: 0 } });
    expect((await fixture.governance.audit.verify(tenant)).ok).toBe(true);

    await ai.chat({ model: 'cheap', messages: [{ role: 'user', content: 'hello' }] }, { userId: 'u1' });
    const usage = await ai.usage();
    expect(usage.map((u) => u.model)).toEqual(['cheap', 'dear']);
    expect(usage.find((u) => u.model === 'dear')).toMatchObject({ calls: 1, errors: 0, promptTokens: 10, completionTokens: 10, totalTokens: 20, cacheHits: 0 });
    expect(usage.find((u) => u.model === 'dear')!.costUsd).toBeCloseTo(0.0003, 10);
    expect(await ai.usage({ from: Date.now() + 60_000 })).toEqual([]);
  });

  it('rejects a malformed request naming the field', async () => {
    const tenant = await fixture.tenant('invalid');
    const ai = fixture.ai({ cache: false }).forTenant(tenant, admin);
    const bad = await rejection(ai.chat({ model: 'cheap', messages: [{ role: 'robot', content: 'hi' }] } as never));
    expect(bad.code).toBe('invalid_input');
    expect(bad.issues?.[0]?.path).toBe('messages.0.role');
    const empty = await rejection(ai.chat({ model: 'cheap', messages: [] }));
    expect(empty.issues?.[0]?.path).toBe('messages');
    const unknown = await rejection(ai.chat({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] }));
    expect(unknown.code).toBe('not_found');
  });

  it('skips a model the policy denies and answers with an allowed one', async () => {
    const tenant = await fixture.tenant('deny-one');
    const ai = fixture.ai({ cache: false, budgets: { tokens: false } }).forTenant(tenant, editor);
    const before = fixture.up.requests.length;
    const answer = await ai.chat({ model: 'smart', messages: [{ role: 'user', content: 'route me' }] });
    expect(answer.auterity.model).toBe('cheap');
    expect(fixture.up.requests.slice(before).map((r) => r.model)).toEqual(['cheap']);
    expect((await ai.models()).map((m) => m.id)).not.toContain('dear');
    expect((await ai.models()).map((m) => m.id)).toContain('cheap');
  });

  it('refuses a call no candidate may serve, naming the deciding rule, and records and audits the denial', async () => {
    const tenant = await fixture.tenant('deny-all');
    const ai = fixture.ai({ cache: false }).forTenant(tenant, editor);
    const before = fixture.up.requests.length;
    const error = await rejection(ai.chat({ model: 'dear', messages: [{ role: 'user', content: 'hi' }] }));
    expect(error.code).toBe('forbidden');
    expect(error.message).toContain('policy "ai-models" rule "no-dear-for-editors"');
    const streamed = ai.stream({ model: 'dear', messages: [{ role: 'user', content: 'hi' }] });
    expect((await drain(streamed)).error).toMatchObject({ code: 'forbidden' });
    await expect(streamed.meta).rejects.toMatchObject({ code: 'forbidden' });
    const nobody = await rejection(fixture.ai({ cache: false }).forTenant(tenant, guest).chat({ model: 'cheap', messages: [{ role: 'user', content: 'hi' }] }));
    expect(nobody.code).toBe('forbidden');
    expect(nobody.message).toContain('no policy allows it');
    expect(fixture.up.requests.length).toBe(before);
    await fixture.flushed();
    const rows = await rawQuery(fixture.db, `select status, error_code from ai_calls where tenant_id = 'deny-all'`);
    expect(rows).toEqual(Array.from({ length: 3 }, () => ({ status: 'denied', error_code: 'forbidden' })));
    const denials = (await fixture.governance.audit.list(tenant)).filter((e) => e.action === 'ai.denied');
    expect(denials).toHaveLength(3);
    expect(denials[0]!.data).toMatchObject({ reason: 'denied', route: 'dear' });
  });

  it('redacts the prompt before it leaves when policy says so, counting findings', async () => {
    const tenant = await fixture.tenant('redact');
    const engine = fixture.ai({ cache: false, budgets: { tokens: false } });
    const prompt = 'Mail jane.doe@example.com or call +1 415 555 0100 about card 4111 1111 1111 1111.';
    const before = fixture.up.requests.length;
    const redacted = await engine.forTenant(tenant, editor).chat({ model: 'cheap', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: prompt }] });
    const sent = fixture.up.requests[before]!;
    const text = JSON.stringify(sent.body);
    expect(text).not.toContain('jane.doe@example.com');
    expect(text).not.toContain('4111 1111 1111 1111');
    expect(sent.lastUserMessage).toContain('1111'); // cards keep their last four
    await fixture.flushed();
    const rows = await rawQuery(fixture.db, `select redactions from ai_calls where id = '${redacted.auterity.callId}'`);
    expect(Number(rows[0]!.redactions)).toBeGreaterThanOrEqual(3);

    await engine.forTenant(tenant, analyst).chat({ model: 'cheap', messages: [{ role: 'user', content: prompt }] });
    expect(fixture.up.requests[before + 1]!.lastUserMessage).toBe(prompt);
  });

  it('streams through the pipeline and records the streamed call', async () => {
    const tenant = await fixture.tenant('stream');
    const ai = fixture.ai({ cache: false }).forTenant(tenant, admin);
    fixture.up.behave('cheap', { content: 'one two three four' });
    const stream = ai.stream({ model: 'cheap', messages: [{ role: 'user', content: 'count' }] }, { userId: 'u9' });
    const { text, error } = await drain(stream);
    expect(error).toBeUndefined();
    expect(text).toBe('one two three four');
    const meta = await stream.meta;
    expect(meta).toMatchObject({ model: 'cheap', usage: { promptTokens: countUpstreamTokens('count'), completionTokens: countUpstreamTokens('one two three four') } });
    await ai.flush();
    const rows = await rawQuery(fixture.db, `select status, streamed, user_id, completion_tokens from ai_calls where id = '${meta.callId}'`);
    expect(rows[0]).toMatchObject({ status: 'ok', user_id: 'u9' });
    expect(Number(rows[0]!.streamed)).toBe(1);
    fixture.up.behave('cheap', {});
  });

  it('reports experiment arms with outcomes, cost and latency, compared against the first arm', async () => {
    const tenant = await fixture.tenant('experiment');
    const ai = fixture.ai({ cache: false, budgets: { tokens: false } }).forTenant(tenant, admin);
    const byArm = new Map<string, string[]>();
    for (let i = 0; i < 60; i++) {
      const answer = await ai.chat({ model: 'ab', messages: [{ role: 'user', content: `question ${i}` }] }, { userId: `user-${i}` });
      const arm = answer.auterity.arm!;
      byArm.set(arm, [...(byArm.get(arm) ?? []), answer.auterity.callId]);
    }
    expect([...byArm.keys()].sort()).toEqual(['control', 'treatment']);
    // Control succeeds 20% of the time, treatment 90%.
    for (const [arm, calls] of byArm) {
      for (const [index, callId] of calls.entries()) await ai.recordOutcome(callId, arm === 'control' ? index % 5 === 0 : index % 10 !== 0);
    }
    const results = await ai.experiment('ab');
    expect(results.arms.map((a) => a.arm)).toEqual(['control', 'treatment']);
    const [control, treatment] = results.arms;
    expect(control).toMatchObject({ calls: byArm.get('control')!.length, outcomes: byArm.get('control')!.length, binary: true, comparison: null });
    expect(treatment!.comparison).toMatchObject({ test: 'z', significant: true });
    expect(treatment!.meanCostUsd).toBeGreaterThan(control!.meanCostUsd);
    expect(treatment!.outcomeMean!).toBeGreaterThan(control!.outcomeMean!);

    const other = await fixture.tenant('experiment-other');
    const foreign = await rejection(fixture.ai({ cache: false }).forTenant(other, admin).recordOutcome(byArm.get('control')![0]!, 1));
    expect(foreign.code).toBe('not_found');
    expect((await rejection(ai.recordOutcome(byArm.get('control')![0]!, Number.NaN))).code).toBe('invalid_input');
  });

  it('audits only denials with audit: "denials", and names a bad option', async () => {
    const tenant = await fixture.tenant('audit-denials');
    const engine = fixture.ai({ cache: false, audit: 'denials' });
    await engine.forTenant(tenant, admin).chat({ model: 'cheap', messages: [{ role: 'user', content: 'hi' }] });
    await rejection(engine.forTenant(tenant, editor).chat({ model: 'dear', messages: [{ role: 'user', content: 'hi' }] }));
    expect((await fixture.governance.audit.list(tenant)).map((e) => e.action).filter((action) => action.startsWith('ai.'))).toEqual(['ai.denied']);
    let error: unknown;
    try {
      fixture.ai({ cache: { store: 'disk' as 'memory' } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'invalid_options', issues: [{ path: 'ai.cache.store' }] });
  });
});
