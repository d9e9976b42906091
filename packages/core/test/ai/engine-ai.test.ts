// AI routing as an ISV gets it from createAuterity: `tenant.ai` under the tenant's plan and
// policies, assistants, the `ai.chat` workflow step, per-key budgets through tenant handle options,
// and the engine's view of models, routes and breakers. Real SQLite file, real openai client
// against a local chat-completions server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatUpstream, createTestDatabase, type ChatUpstream, type TestDatabase } from '@auterity/testing';
import { createAuterity, definePlans, isAuterityError, type Auterity } from '@auterity/core';

const catalog = definePlans({
  features: {
    workflows: { type: 'limit' },
    executions: { type: 'metered', period: 'month' },
    ai_tokens: { type: 'metered', period: 'month' },
    key_tokens: { type: 'metered', period: 'month', scope: 'api_key' },
  },
  plans: [
    { id: 'team', name: 'Team', monthly: 0, features: { workflows: 10, executions: 100, ai_tokens: 100_000, key_tokens: 50 } },
  ],
});

describe('createAuterity({ ai })', () => {
  let db: TestDatabase;
  let up: ChatUpstream;
  let engine: Auterity;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    up = await createChatUpstream();
    engine = createAuterity({
      database: db.url,
      billing: { catalog },
      ai: {
        providers: [{ id: 'up', kind: 'openai', baseURL: up.baseURL, apiKey: 'upstream-key' }],
        models: [{ id: 'small', provider: 'up', inputPerMTok: 1, outputPerMTok: 2, contextWindow: 100_000 }],
        routes: [{ id: 'helpdesk', strategy: 'fallback', targets: [{ model: 'small' }, { model: 'offline' }] }],
        assistants: [{ id: 'triage', name: 'Triage', systemPrompt: 'Sort tickets by urgency.', route: 'helpdesk' }],
        budgets: { tokens: 'ai_tokens', keyTokens: 'key_tokens' },
        cache: false,
      },
    });
    await engine.tenants.create({ id: 'acme', plan: 'team' });
  });
  afterAll(async () => {
    await engine?.close();
    await up?.close();
    await db?.drop();
  });

  it('routes a tenant call and records its cost', async () => {
    const ai = engine.tenant('acme', { id: 'user_ed', roles: ['editor'] }).ai;
    const answer = await ai.chat({ model: 'helpdesk', messages: [{ role: 'user', content: 'Where is my invoice?' }] });
    expect(answer.choices[0]?.message.content).toBe('echo(small): Where is my invoice?');
    expect(answer.auterity).toMatchObject({ route: 'helpdesk', model: 'small', provider: 'up', cached: false });
    const usage = await ai.usage();
    expect(usage.find((row) => row.model === 'small')).toMatchObject({ calls: 1 });
  });

  it('turns redaction on for the next call once a tenant policy allows it', async () => {
    const ai = engine.tenant('acme', { id: 'user_red', roles: ['editor'] }).ai;
    const ask = { model: 'small', messages: [{ role: 'user' as const, content: 'Mail jane.doe@example.com about it' }] };
    await ai.chat(ask);
    expect(JSON.stringify(up.requests.at(-1))).toContain('jane.doe@example.com');
    await engine.tenant('acme', { id: 'user_admin', roles: ['admin'] }).governance.policies.put({ id: 'redact-all', rules: [{ effect: 'allow', actions: ['ai:redact'], resources: ['model:*'] }] });
    await ai.chat(ask);
    expect(JSON.stringify(up.requests.at(-1))).not.toContain('jane.doe@example.com');
    await engine.tenant('acme', { id: 'user_admin', roles: ['admin'] }).governance.policies.remove('redact-all');
    await ai.chat(ask);
    expect(JSON.stringify(up.requests.at(-1))).toContain('jane.doe@example.com');
  });

  it('puts an assistant preset first and serves it by its route', async () => {
    const ai = engine.tenant('acme', { id: 'user_ed', roles: ['editor'] }).ai;
    const before = up.requests.length;
    await ai.chat({ model: 'assistant:triage', messages: [{ role: 'user', content: 'Printer on fire' }] });
    const sent = up.requests[before]!;
    expect(sent.model).toBe('small');
    expect((sent.body.messages as { role: string; content: string }[])[0]).toEqual({ role: 'system', content: 'Sort tickets by urgency.' });
    // The built-in presets are there as well.
    expect([...engine.ai.assistants.keys()]).toEqual(expect.arrayContaining(['finance', 'legal', 'technical', 'marketing', 'hr', 'sales', 'support', 'triage']));
    await expect(ai.chat({ model: 'assistant:nope', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('refuses a role without ai:use, naming the decision', async () => {
    const ai = engine.tenant('acme', { id: 'user_view', roles: ['viewer'] }).ai;
    const error = await ai.chat({ model: 'helpdesk', messages: [{ role: 'user', content: 'hi' }] }).catch((caught: unknown) => caught);
    expect(isAuterityError(error, 'forbidden')).toBe(true);
    expect(await ai.models()).toEqual([]);
  });

  const keyed = (apiKeyId: string) => engine.tenant('acme', { id: `key:${apiKeyId}`, roles: ['editor'] }, { apiKeyId }).ai;

  it('counts per-key budgets against the key the handle acts with', async () => {
    // 50 tokens per key: a prompt of ~40 tokens fits once per key, not twice.
    const prompt = 'x'.repeat(150);
    await keyed('key_a').chat({ model: 'helpdesk', messages: [{ role: 'user', content: prompt }], max_completion_tokens: 5 });
    await expect(keyed('key_a').chat({ model: 'helpdesk', messages: [{ role: 'user', content: prompt }], max_completion_tokens: 5 })).rejects.toMatchObject({ code: 'quota_exceeded' });
    await keyed('key_b').chat({ model: 'helpdesk', messages: [{ role: 'user', content: prompt }], max_completion_tokens: 5 });
  });

  it('runs an ai.chat workflow step through the tenant pipeline', async () => {
    const handle = engine.tenant('acme', { id: 'user_ed', roles: ['editor'] });
    const saved = await handle.workflows.save({ name: 'summarise', steps: [{ id: 'ask', action: 'ai.chat', input: { model: 'helpdesk', prompt: 'Summarise ticket 42' } }] });
    const run = await handle.workflows.start(saved.id);
    let current = await handle.workflows.runs.get(run.id);
    for (let i = 0; i < 200 && current.status !== 'succeeded' && current.status !== 'failed'; i++) {
      await engine.workflows.tick();
      await engine.workflows.idle();
      current = await handle.workflows.runs.get(run.id);
    }
    expect(current.status).toBe('succeeded');
    expect(current.output).toMatchObject({ ask: { content: 'echo(small): Summarise ticket 42', model: 'small', cached: false } });
  });

  it('shows models, routes and breakers at engine level', () => {
    expect(engine.ai.models().map((model) => model.id)).toEqual(expect.arrayContaining(['small', 'offline']));
    expect(engine.ai.routes()).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'helpdesk', strategy: 'fallback' })]));
    expect(engine.ai.breakers().every((breaker) => breaker.state === 'closed')).toBe(true);
    expect(engine.ai.defaultRoute).toBe('offline');
  });

  it('names bad AI options', () => {
    expect(() => createAuterity({ database: 'sqlite::memory:', ai: { defaultRoute: 'nowhere' } })).toThrow(/ai\.defaultRoute/);
    expect(() => createAuterity({ database: 'sqlite::memory:', ai: { models: [{ id: 'x', provider: 'offline', inputPerMTok: -1, outputPerMTok: 0, contextWindow: 10 }] } })).toThrow(/ai\.models\.0\.inputPerMTok/);
  });

  it('applies ISV model allowlists by plan, role and region', async () => {
    const up2 = await createChatUpstream();
    const db2 = await createTestDatabase('sqlite');
    const plans = definePlans({ features: { ai_tokens: { type: 'metered', period: 'month' } }, plans: [{ id: 'basic', name: 'Basic', monthly: 0, features: { ai_tokens: 'unlimited' } }, { id: 'premium', name: 'Premium', monthly: 0, features: { ai_tokens: 'unlimited' } }] });
    const governed = createAuterity({
      database: db2.url,
      billing: { catalog: plans },
      governance: {
        policies: [
          {
            id: 'ai-allowlist',
            rules: [
              // Premium models only on the premium plan; EU-resident data only to EU models for analysts.
              { id: 'premium-models', effect: 'deny', actions: ['ai:use'], resources: ['model:large'], condition: 'tenant.plan != "premium"' },
              { id: 'eu-only-for-analysts', effect: 'deny', actions: ['ai:use'], resources: ['model:*'], roles: ['analyst'], condition: 'resource.region != "eu"' },
              { id: 'analysts-use-ai', effect: 'allow', actions: ['ai:use'], resources: ['model:*'], roles: ['analyst'] },
            ],
          },
        ],
      },
      ai: {
        providers: [{ id: 'up', kind: 'openai', baseURL: up2.baseURL, apiKey: 'k' }],
        models: [
          { id: 'small', provider: 'up', inputPerMTok: 1, outputPerMTok: 2, contextWindow: 100_000, region: 'us' },
          { id: 'large', provider: 'up', inputPerMTok: 5, outputPerMTok: 10, contextWindow: 100_000, region: 'eu' },
        ],
        routes: [{ id: 'best', strategy: 'fallback', targets: [{ model: 'large' }, { model: 'small' }] }],
        cache: false,
      },
    });
    try {
      await governed.tenants.create({ id: 'basic-co', plan: 'basic' });
      await governed.tenants.create({ id: 'premium-co', plan: 'premium' });
      const ask = { model: 'best', messages: [{ role: 'user' as const, content: 'hello' }] };
      // The plan decides: `large` is skipped for the basic plan, so the route falls back to `small`.
      expect((await governed.tenant('basic-co', { id: 'ed', roles: ['editor'] }).ai.chat(ask)).auterity.model).toBe('small');
      expect((await governed.tenant('premium-co', { id: 'ed', roles: ['editor'] }).ai.chat(ask)).auterity.model).toBe('large');
      // Role and region: an analyst may only reach EU models; on the basic plan none is left.
      expect((await governed.tenant('premium-co', { id: 'an', roles: ['analyst'] }).ai.models()).map((model) => model.id)).toEqual(['large']);
      const refused = await governed.tenant('basic-co', { id: 'an', roles: ['analyst'] }).ai.chat(ask).catch((error: unknown) => error);
      expect(refused).toMatchObject({ code: 'forbidden' });
      expect(String((refused as Error).message)).toMatch(/premium-models|eu-only-for-analysts/);
    } finally {
      await governed.close();
      await up2.close();
      await db2.drop();
    }
  });
});
