// The examples of packages/core/README.md, run as written: each `#region readme:<name>` is a code
// block of the README (copied verbatim), so the guide cannot drift from the engine. One engine on a
// real SQLite file; AI through the real openai client against a local chat-completions server.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Stripe } from 'stripe';
import { z } from 'zod';
import { createChatUpstream, createTestDatabase, type ChatUpstream, type TestDatabase } from '@auterity/testing';
import {
  AuterityError,
  createAuterity,
  createRedactor,
  customRolesPolicy,
  defineAction,
  definePlans,
  errorCodes,
  isAuterityError,
  parseCustomRole,
  type AddMemberInput,
  type Auterity,
} from '@auterity/core';
import { createClient, isAuterityApiError } from '@auterity/core/client';

/** Polls `probe` until it gives a value (a condition, not a timed wait). */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 2000; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// The host's own CRM client, which the custom action calls.
const crm = { createLead: async (lead: { email: string; score: number }, _options: { idempotencyKey: string }) => `lead_${lead.email.split('@')[0]}` };

// #region readme:plans
const plans = definePlans({
  currency: 'usd',
  annualDiscountPercent: 15,
  fallbackPlan: 'free',
  features: {
    seats: { type: 'limit' },
    workflows: { type: 'limit' },
    executions: { type: 'metered', period: 'month' },
    exports: { type: 'metered', period: 'day', overage: { policy: 'warn', thresholds: [0.8, 1] } },
    ai_tokens: { type: 'metered', period: 'month' },
    key_tokens: { type: 'metered', period: 'day', scope: 'api_key' },
    api_calls: { type: 'rate', per: 'minute', scope: 'api_key' },
    sso: { type: 'boolean' },
  },
  plans: [
    { id: 'free', name: 'Free', monthly: 0, features: { seats: 3, workflows: 3, executions: 50, exports: 5, ai_tokens: 10_000, key_tokens: 2_000, api_calls: 2 } },
    { id: 'pro', name: 'Pro', monthly: 2_900, trialDays: 14, features: { seats: 10, workflows: 100, executions: 5_000, exports: 1_000, ai_tokens: 500_000, key_tokens: 50_000, api_calls: 600, sso: true } },
  ],
});
// #endregion

// #region readme:action
const createLead = defineAction({
  name: 'crm.createLead',
  input: z.object({ email: z.email(), score: z.number() }),
  output: z.object({ leadId: z.string() }),
  async run({ input, idempotencyKey }) {
    // idempotencyKey is `<runId>:<stepId>`, the same on every attempt: pass it on to make retries safe.
    return { leadId: await crm.createLead(input, { idempotencyKey }) };
  },
});
// #endregion

/** The engine of the examples (README: `createAuterity(options)`). */
function createEngine(databaseUrl: string, authSecret: string, llmBaseUrl: string, llmApiKey: string): Auterity {
  // #region readme:engine
  const engine = createAuterity({
    database: databaseUrl, // "sqlite:./data/app.db" or "postgres://…"
    secret: authSecret, // ≥ 32 characters; signs invitation tokens
    billing: { catalog: plans },
    governance: {
      approvalChains: [{ id: 'big-deal', levels: [{ role: 'editor' }] }],
      policies: [{ id: 'no-guest-ai', rules: [{ effect: 'deny', actions: ['ai:*'], roles: ['guest'] }] }],
    },
    workflows: { actions: [createLead], tenantConcurrency: 20 },
    ai: {
      providers: [{ id: 'llm', kind: 'openai', baseURL: llmBaseUrl, apiKey: llmApiKey }],
      models: [
        { id: 'small', provider: 'llm', upstreamModel: 'gpt-4o-mini', inputPerMTok: 0.15, outputPerMTok: 0.6, contextWindow: 128_000, capabilities: ['json'] },
        { id: 'large', provider: 'llm', upstreamModel: 'gpt-4o', inputPerMTok: 2.5, outputPerMTok: 10, contextWindow: 128_000, capabilities: ['json', 'tools'] },
      ],
      routes: [
        { id: 'support-chat', strategy: 'fallback', targets: [{ model: 'small' }, { model: 'offline' }] },
        { id: 'cheap-json', strategy: 'cheapest', targets: [{ model: 'small' }, { model: 'large' }], constraints: { capabilities: ['json'] } },
      ],
      defaultRoute: 'support-chat',
      retry: { maxAttempts: 2 },
      breaker: { failureThreshold: 5, cooldownMs: 30_000 },
      budgets: { tokens: 'ai_tokens', keyTokens: 'key_tokens' },
    },
  });
  // #endregion
  return engine;
}

/** The Stripe example: its own engine (same database) with the Stripe provider. */
function stripeExample(databaseUrl: string, stripeSecretKey: string, stripeWebhookSecret: string) {
  // #region readme:stripe
  const engine = createAuterity({
    database: databaseUrl,
    billing: { catalog: plans, provider: 'stripe', stripe: { secretKey: stripeSecretKey, webhookSecret: stripeWebhookSecret } },
  });

  // POST /v1/billing/stripe/webhook does this for you; in your own route, hand over the raw bytes.
  async function stripeWebhook(request: Request): Promise<Response> {
    const rawBody = new Uint8Array(await request.arrayBuffer()); // never JSON.parse and re-serialise first
    const result = await engine.billing.provider.handleWebhook(rawBody, request.headers.get('stripe-signature') ?? undefined);
    return Response.json(result); // { eventId, type, duplicate, handled }
  }
  // #endregion
  return { engine, stripeWebhook };
}

describe('README examples', () => {
  let db: TestDatabase;
  let upstream: ChatUpstream;
  let engine: Auterity;
  let apiKeyId: string;
  let databaseUrl: string;
  let llmBaseUrl: string;
  const llmApiKey = 'upstream-key';
  const authSecret = 'a-secret-of-at-least-32-characters!!';

  beforeAll(async () => {
    // The examples print what they show; the test keeps its output quiet.
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    db = await createTestDatabase('sqlite');
    upstream = await createChatUpstream();
    databaseUrl = db.url;
    llmBaseUrl = upstream.baseURL;
    engine = createEngine(databaseUrl, authSecret, llmBaseUrl, llmApiKey);
  });

  afterAll(async () => {
    await engine?.close();
    await upstream?.close();
    await db?.drop();
  });

  it('tenancy and API keys', async () => {
    // #region readme:tenancy
    await engine.tenants.create({ id: 'acme', name: 'Acme Inc.', plan: 'pro' });
    const acme = engine.tenant('acme', { id: 'user_1', roles: ['admin'] });
    await acme.members.add({ id: 'user_2', email: 'eve@acme.test', roles: ['editor'] });

    const created = await acme.apiKeys.create({ name: 'CI', scopes: ['workflow:run'] });
    // created.key ("au_…") is shown once; only its hash is stored.
    const verified = await engine.apiKeys.verify(created.key); // { tenantId: 'acme', keyId, scopes } or null
    const asKey = engine.tenant(verified!.tenantId, { id: `api-key:${verified!.keyId}`, roles: ['editor'] }, { apiKeyId: verified!.keyId });
    // #endregion
    expect(verified).toEqual({ tenantId: 'acme', keyId: created.id, scopes: ['workflow:run'] });
    expect(asKey.tenantId).toBe('acme');
    expect((await acme.members.list()).map((m) => m.id)).toContain('user_2');
    apiKeyId = created.id;

    // #region readme:revoke
    await acme.apiKeys.revoke(created.id);
    await engine.apiKeys.verify(created.key); // null from now on
    // #endregion
    expect(await engine.apiKeys.verify(created.key)).toBeNull();

    const error = await engine.tenant('nope', { id: 'u', roles: ['admin'] }).members.list().catch((caught: unknown) => caught);
    expect(isAuterityError(error, 'not_found')).toBe(true);
  });

  it('workflows: a definition with ai.chat, approval.request, a durable delay, event.wait and a custom action', async () => {
    const acme = engine.tenant('acme', { id: 'user_1', roles: ['admin'] });
    // #region readme:workflow
    const workflow = await acme.workflows.save({
      name: 'qualify-lead',
      triggers: [{ type: 'webhook' }, { type: 'event', event: 'lead.created', filter: 'event.payload.size > 10' }],
      steps: [
        { id: 'score', action: 'transform', input: { expression: 'input.size * 2' } },
        { id: 'summary', action: 'ai.chat', dependsOn: ['score'], input: { model: 'assistant:sales', prompt: { $expr: '"Summarise the lead " & input.email' } } },
        { id: 'approval', action: 'approval.request', dependsOn: ['score'], when: 'steps.score.output > 50', input: { chain: 'big-deal', subject: { email: { $expr: 'input.email' } } } },
        { id: 'cool_off', action: 'delay', dependsOn: ['approval'], input: { ms: 50 } },
        { id: 'paid', action: 'event.wait', dependsOn: ['cool_off'], input: { event: 'invoice.paid', filter: 'event.payload.email == input.email', timeoutMs: 86_400_000 } },
        {
          id: 'create',
          action: 'crm.createLead',
          dependsOn: ['summary', 'paid'],
          retry: { maxAttempts: 5, backoff: 'exponential', initialMs: 500, maxMs: 60_000 },
          timeoutMs: 10_000,
          input: { email: { $expr: 'input.email' }, score: { $expr: 'steps.score.output' } },
        },
      ],
    });
    const run = await acme.workflows.start(workflow.id, { input: { email: 'lee@globex.test', size: 40 }, idempotencyKey: 'lead-lee' });
    // #endregion
    expect(run.status).toMatch(/queued|running/);

    const eve = engine.tenant('acme', { id: 'user_2', roles: ['editor'] });
    await eventually('the approval', async () => ((await eve.governance.approvals.list({ status: 'pending' })).length > 0 ? true : undefined));
    // #region readme:approve
    // Another member (the starter cannot approve their own request) decides; the run wakes up.
    const [pending] = await eve.governance.approvals.list({ status: 'pending' });
    await eve.governance.approvals.approve(pending!.id, 'good fit');
    // An event the run waits for; one emitted shortly before the wait begins is buffered, not lost.
    await acme.events.emit('invoice.paid', { email: 'lee@globex.test' });
    const done = await acme.workflows.runs.wait(run.id); // status 'succeeded'; steps[i].output per step
    // #endregion
    expect(done.status).toBe('succeeded');
    expect(done.startedBy).toBe('user_1');
    expect(done.steps.find((s) => s.id === 'create')?.output).toEqual({ leadId: 'lead_lee' });
    expect(done.steps.find((s) => s.id === 'approval')?.output).toMatchObject({ status: 'approved', decidedBy: 'user_2' });
    const summary = done.steps.find((s) => s.id === 'summary')?.output as { content: string; model: string };
    expect(summary.model).toBe('small');
    expect(summary.content).toMatch(/^echo\(gpt-4o-mini\): Summarise the lead lee@globex.test/);

    // #region readme:triggers
    // Webhook trigger: the token is the secret path segment (POST /v1/hooks/:workflowId/:token over HTTP).
    const { webhookToken } = (await acme.workflows.list()).find((w) => w.id === workflow.id)!;
    const hooked = await engine.workflows.webhook(webhookToken!, { email: 'ann@initech.test', size: 3 });
    // Event trigger: starts every workflow whose event trigger matches (CEL filter over `event`).
    const { runs } = await acme.events.emit('lead.created', { email: 'bob@initech.test', size: 30 });
    // #endregion
    expect(runs).toHaveLength(1);
    expect(hooked.startedBy).toBeNull();
    await acme.workflows.runs.cancel(runs[0]!);
    await acme.workflows.runs.cancel(hooked.id);
    expect((await acme.workflows.runs.wait(hooked.id)).status).toMatch(/cancelled|succeeded/);

    // #region readme:events
    for await (const event of acme.workflows.runs.events(run.id)) {
      console.log(event.type, event.stepId); // run.started, step.started, step.completed, …, run.completed
    }
    // #endregion
  });

  it('starts and stops the executor loops', async () => {
    const acme = engine.tenant('acme', { id: 'user_1', roles: ['admin'] });
    // #region readme:executor
    engine.workflows.start(); // in every process that should execute runs (idempotent)
    process.once('SIGTERM', async () => {
      engine.workflows.stop(); // runs held are picked up by another process when their lease ends
      await engine.close();
    });
    // #endregion
    engine.workflows.stop();
    engine.workflows.start();
    await engine.workflows.idle();
    expect((await acme.workflows.runs.list({ status: 'running' })).length).toBe(0);
  });

  it('billing: check, consume, reserve -> commit, rate limits, plan changes', async () => {
    const acme = engine.tenant('acme', { id: 'user_1', roles: ['admin'] });
    const tokensBefore = (await acme.billing.check('ai_tokens')).used;
    // #region readme:billing
    const check = await acme.billing.check('exports'); // { allowed, limit, used, remaining, resetsAt, reason }
    if (check.allowed) await acme.billing.consume('exports', 1, { idempotencyKey: 'export-2025-06-01' });

    // Long work: hold an estimate, then count what was really used (or release it).
    const hold = await acme.billing.reserve('ai_tokens', 2_000, { ttlMs: 60_000 });
    await hold.commit(1_234);

    // A rate feature: throws AuterityError('rate_limited') with details.retryAfterMs when over.
    await acme.billing.rateLimit('api_calls', { apiKeyId });
    // #endregion
    expect(check).toMatchObject({ allowed: true, limit: 1_000, used: 0 });
    expect((await acme.billing.check('ai_tokens')).used).toBe(tokensBefore + 1_234);
    expect((await acme.billing.usage({ feature: 'exports' })).length).toBe(1);

    await engine.tenants.create({ id: 'globex', plan: 'free' });
    const globex = engine.tenant('globex', { id: 'owner', roles: ['admin'] });
    for (let i = 0; i < 5; i++) await globex.billing.consume('exports');
    // #region readme:quota
    try {
      await globex.billing.consume('executions', 51);
    } catch (error) {
      if (isAuterityError(error, 'quota_exceeded')) {
        console.log(error.status, error.details); // 429 { feature, limit, used, requested, resetsAt, … }
      }
    }
    // #endregion
    const over = await globex.billing.consume('executions', 51).catch((caught: unknown) => caught);
    expect(isAuterityError(over, 'quota_exceeded') && over.status).toBe(429);
    // Warn overage admits the sixth export and reports the thresholds crossed.
    expect((await globex.billing.consume('exports')).overage).toBe(1);
    await globex.billing.rateLimit('api_calls', { apiKeyId: 'k1' });
    await globex.billing.rateLimit('api_calls', { apiKeyId: 'k1' });
    const limited = await globex.billing.rateLimit('api_calls', { apiKeyId: 'k1' }).catch((caught: unknown) => caught);
    expect(isAuterityError(limited, 'rate_limited')).toBe(true);
    expect((limited as AuterityError).details.retryAfterMs).toBeGreaterThan(0);

    // #region readme:subscription
    const change = await globex.billing.subscription.changePlan('pro'); // upgrades now, downgrades at period end
    // #endregion
    expect(change).toBeDefined();
    expect((await globex.billing.check('sso')).allowed).toBe(true);
  });

  it('billing: the Stripe provider and its webhook', async () => {
    const stripeSecretKey = 'sk_test_readme';
    const stripeWebhookSecret = 'whsec_readme';
    const stripe = stripeExample(databaseUrl, stripeSecretKey, stripeWebhookSecret);
    try {
      const payload = JSON.stringify({
        id: 'evt_readme_1', object: 'event', type: 'customer.subscription.updated', created: 1_780_000_100, livemode: false, pending_webhooks: 0, request: null,
        data: {
          object: {
            id: 'sub_acme', object: 'subscription', customer: 'cus_acme', status: 'active', metadata: { tenant_id: 'acme' }, cancel_at_period_end: false, trial_end: null,
            billing_cycle_anchor: 1_780_000_000, start_date: 1_780_000_000,
            items: { object: 'list', data: [{ id: 'si_1', object: 'subscription_item', price: { id: 'price_x', object: 'price', lookup_key: 'auterity:pro:v1:month', recurring: { interval: 'month' } }, current_period_start: 1_780_000_000, current_period_end: 1_782_592_000 }] },
          },
        },
      });
      const signature = new Stripe('sk_test_signer').webhooks.generateTestHeaderString({ payload, secret: stripeWebhookSecret });
      const send = (sig: string) => stripe.stripeWebhook(new Request('http://host/webhook', { method: 'POST', body: payload, headers: { 'stripe-signature': sig } }));
      expect(await (await send(signature)).json()).toMatchObject({ eventId: 'evt_readme_1', duplicate: false, handled: true });
      expect(await (await send(signature)).json()).toMatchObject({ duplicate: true });
      const forged = await send('t=1,v1=00').catch((caught: unknown) => caught);
      expect(isAuterityError(forged, 'unauthorized')).toBe(true);
      expect(stripe.engine.billing.provider.name).toBe('stripe');
    } finally {
      await stripe.engine.close();
    }
  });

  it('governance: roles, policies, approvals, redaction, audit, invitations', async () => {
    const acme = engine.tenant('acme', { id: 'user_1', roles: ['admin'] });
    // #region readme:policies
    await acme.governance.policies.put({
      id: 'refunds',
      rules: [
        { id: 'large-refunds', effect: 'require_approval', actions: ['refund:create'], condition: 'resource.amount > 1000', approvalChain: 'big-deal' },
        { id: 'no-weekend-refunds', effect: 'deny', actions: ['refund:*'], roles: ['editor'], condition: 'context.weekday in ["Sat", "Sun"]' },
      ],
    });
    const decision = await acme.governance.authorize({ action: 'refund:create', resource: { id: 'refund:r_1', amount: 5_000 } });
    // decision: { effect: 'require_approval', allowed: false, decidedBy: { policyId: 'refunds', ruleId: 'large-refunds', … }, matched, errors }
    if (decision.effect === 'require_approval') {
      await acme.governance.approvals.create({ chain: decision.decidedBy!.approvalChain!, subject: { refundId: 'r_1' } });
    }
    // #endregion
    expect(decision).toMatchObject({ effect: 'require_approval', allowed: false, decidedBy: { policyId: 'refunds', ruleId: 'large-refunds', approvalChain: 'big-deal' } });
    const weekend = await engine.tenant('acme', { id: 'user_2', roles: ['editor'] }).governance.check({ action: 'refund:create', resource: { id: 'refund:r_2', amount: 5 }, context: { weekday: 'Sun' } });
    expect(weekend).toMatchObject({ effect: 'deny', decidedBy: { ruleId: 'no-weekend-refunds' } });

    // #region readme:roles
    // Built-in roles: admin, editor, viewer, guest. A tenant's custom roles are a policy of allow rules.
    await acme.governance.policies.put(customRolesPolicy([parseCustomRole({ name: 'analyst', permissions: ['analytics:read', 'run:read'] })])!);
    const analyst = engine.tenant('acme', { id: 'user_3', roles: ['analyst'] });
    await analyst.governance.assertAllowed({ action: 'run:read', resource: { id: 'run:any' } }); // passes
    const refused = await analyst.governance.check({ action: 'workflow:run', resource: { id: 'workflow:qualify-lead' } }); // allowed: false (default deny)
    // #endregion
    expect(refused).toMatchObject({ allowed: false, decidedBy: null });
    const forbidden = await analyst.governance.assertAllowed({ action: 'workflow:run', resource: { id: 'workflow:qualify-lead' } }).catch((error: unknown) => error);
    expect(isAuterityError(forbidden, 'forbidden')).toBe(true);

    // #region readme:redaction
    const redactor = createRedactor({ mode: 'mask' });
    const redacted = redactor.redact('Call +49 30 1234567 or mail eve@acme.test'); // { text, findings: [{ detector, start, end }] }
    // #endregion
    expect(redacted.text).not.toContain('eve@acme.test');
    expect(redacted.findings.map((finding) => finding.detector)).toEqual(expect.arrayContaining(['email', 'phone']));

    // #region readme:audit
    const verification = await acme.governance.audit.verify(); // { ok: true, checked, head, anchor } or { ok: false, kind, seq, message }
    let jsonl = '';
    for await (const line of acme.governance.audit.export('jsonl')) jsonl += line;
    // #endregion
    expect(verification.ok).toBe(true);
    expect(jsonl).toContain('policy');

    // #region readme:invitations
    const { token } = await acme.governance.invitations.create({ email: 'new@acme.test', roles: ['viewer'] });
    // …send `token` in a link; when the invitee signs in:
    // joins the token's tenant as member `user_9` with the invited roles (a seat); a failed join leaves the token usable
    const { invitation, member } = await engine.acceptInvitation(token, { id: 'user_9', name: 'Grace' });
    // #endregion
    expect(invitation).toMatchObject({ tenantId: 'acme', email: 'new@acme.test', roles: ['viewer'], acceptedBy: 'user_9' });
    expect(await acme.members.get('user_9')).toEqual(member);
    expect(member).toMatchObject({ email: 'new@acme.test', name: 'Grace', roles: ['viewer'] });
  });

  it('AI routing: routes, assistants, budgets, policies, redaction, cache, breakers', async () => {
    const acme = engine.tenant('acme', { id: 'user_1', roles: ['admin'] });
    // #region readme:ai-chat
    const answer = await acme.ai.chat({ model: 'support-chat', messages: [{ role: 'user', content: 'Where is my invoice?' }] });
    const content = answer.choices[0]?.message.content; // OpenAI's ChatCompletion…
    const { model, costUsd, cached } = answer.auterity; // …plus { callId, route, strategy, model, provider, attempts, usage, costUsd, latencyMs, cached }

    const stream = acme.ai.stream({ model: 'assistant:support', messages: [{ role: 'user', content: 'Reset my password' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    const meta = await stream.meta; // settles when the stream ends; a stream that fails mid-way throws, never ends "cleanly"
    // #endregion
    expect(answer.auterity).toMatchObject({ route: 'support-chat', model: 'small', provider: 'llm', cached: false });
    expect([content, model, costUsd > 0, cached]).toEqual(['echo(gpt-4o-mini): Where is my invoice?', 'small', true, false]);
    expect(meta.route).toBe('support-chat');
    expect(text).toContain('Reset my password');

    // #region readme:ai-offline
    const offline = await acme.ai.chat({ model: 'offline', messages: [{ role: 'user', content: 'Hello' }] });
    // "[offline model] …": deterministic, in-process, no API key; what `auterity serve` uses by default
    // #endregion
    expect(offline.choices[0]?.message.content).toMatch(/^\[offline model\]/);

    const again = await acme.ai.chat({ model: 'support-chat', messages: [{ role: 'user', content: 'Where is my invoice?' }] });
    expect(again.auterity.cached).toBe(true);

    // #region readme:ai-policies
    await acme.governance.policies.put({
      id: 'ai',
      rules: [
        // Viewers may use the small model only: `ai:use` is checked on `model:<id>` for every candidate.
        { id: 'viewers-small', effect: 'allow', actions: ['ai:use'], resources: ['model:small', 'model:offline'], roles: ['viewer'] },
        { id: 'no-large-for-editors', effect: 'deny', actions: ['ai:use'], resources: ['model:large'], roles: ['editor'] },
        // Switches redaction on: personal data is masked before a prompt leaves for a provider.
        { id: 'redact', effect: 'allow', actions: ['ai:redact'], resources: ['model:*'] },
      ],
    });
    // #endregion
    const viewer = engine.tenant('acme', { id: 'user_9', roles: ['viewer'] });
    expect((await viewer.ai.models()).map((entry) => entry.id).sort()).toEqual(['offline', 'small']);
    const before = upstream.requests.length;
    await viewer.ai.chat({ model: 'support-chat', messages: [{ role: 'user', content: 'Mail eve@acme.test please' }] });
    expect(upstream.requests[before]?.lastUserMessage).not.toContain('eve@acme.test');
    const editor = engine.tenant('acme', { id: 'user_2', roles: ['editor'] });
    const denied = await editor.ai.chat({ model: 'large', messages: [{ role: 'user', content: 'hi' }] }).catch((caught: unknown) => caught);
    expect(isAuterityError(denied, 'forbidden')).toBe(true);

    // #region readme:ai-budgets
    // Calls made with an API key also count against that key's `key_tokens` (scope: 'api_key').
    const keyed = engine.tenant('acme', { id: `api-key:${apiKeyId}`, roles: ['editor'] }, { apiKeyId });
    await keyed.ai.chat({ model: 'support-chat', messages: [{ role: 'user', content: 'Summarise ticket 42' }] });
    await acme.billing.check('key_tokens', 1, { apiKeyId }); // this key's usage today
    // #endregion
    expect((await acme.billing.check('key_tokens', 1, { apiKeyId })).used).toBeGreaterThan(0);

    // #region readme:ai-engine
    engine.ai.models(); // the catalog: built-in models (offline, …) plus yours, with prices
    engine.ai.routes(); // [{ id: 'support-chat', strategy: 'fallback', models: ['small', 'offline'] }, …]
    engine.ai.breakers(); // [{ provider: 'llm', model: 'small', state: 'closed' | 'open' | 'half_open', failures, since, retryAt? }]
    const unsubscribe = engine.ai.onBreaker((transition) => console.warn('breaker', transition.provider, transition.from, '->', transition.to));
    engine.ai.cacheStats(); // { hits, misses, hitRate }
    await acme.ai.usage(); // per-model calls, tokens and cost for the tenant
    // #endregion
    unsubscribe();
    expect(engine.ai.routes().find((route) => route.id === 'support-chat')).toMatchObject({ strategy: 'fallback', models: ['small', 'offline'] });
    expect(engine.ai.breakers().some((breaker) => breaker.model === 'small' && breaker.state === 'closed')).toBe(true);
    expect(engine.ai.cacheStats().hits).toBeGreaterThan(0);
  });

  it('errors and the typed client', async () => {
    const acme = engine.tenant('acme', { id: 'user_1', roles: ['admin'] });
    // #region readme:errors
    async function addMember(request: Request): Promise<Response> {
      try {
        return Response.json(await acme.members.add((await request.json()) as AddMemberInput), { status: 201 });
      } catch (error) {
        if (error instanceof AuterityError) {
          // code 'invalid_input', status 400 (errorCodes), issues [{ path: 'email', message: 'expected an email address' }]
          console.log(error.code, error.status, error.issues);
          return Response.json({ error }, { status: error.status }); // { error: { code, message, issues? } }
        }
        throw error;
      }
    }
    // #endregion
    const response = await addMember(new Request('http://host/members', { method: 'POST', body: JSON.stringify({ email: 'not-an-email', roles: ['viewer'] }) }));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { code: 'invalid_input', message: expect.stringContaining('email'), issues: [{ path: 'email', message: 'expected an email address' }] } });
    const invalid = await acme.members.add({ email: 'not-an-email', roles: ['viewer'] }).catch((caught: unknown) => caught);
    expect(invalid).toMatchObject({ code: 'invalid_input', status: 400, issues: [{ path: 'email', message: 'expected an email address' }] });
    expect(errorCodes).toMatchObject({ invalid_input: 400, unauthorized: 401, forbidden: 403, not_found: 404, conflict: 409, quota_exceeded: 429, rate_limited: 429, upstream_error: 502, unavailable: 503, upstream_timeout: 504 });

    // The client against a stand-in for the HTTP API that answers one route.
    vi.stubGlobal('fetch', async (input: string | URL | Request) =>
      String(input).endsWith('/v1/usage')
        ? Response.json({ error: { code: 'quota_exceeded', message: 'Quota exceeded for "exports".' } }, { status: 429, headers: { 'retry-after': '60' } })
        : Response.json({ status: 'ok' }),
    );
    const session = { token: 'au_example' };
    // #region readme:client
    const client = createClient({ baseUrl: 'https://app.example.com/api', getToken: () => session.token });
    try {
      await client.usage.record({ feature: 'exports', idempotencyKey: 'export-42' });
    } catch (error) {
      if (isAuterityApiError(error, 'quota_exceeded')) console.log(error.status, error.retryAfter); // 429 60
    }
    // #endregion
    await expect(client.health()).resolves.toEqual({ status: 'ok' });
    const apiError = await client.usage.record({ feature: 'exports' }).catch((caught: unknown) => caught);
    expect(isAuterityApiError(apiError, 'quota_exceeded') && [apiError.status, apiError.retryAfter]).toEqual([429, 60]);
    vi.unstubAllGlobals();
  });
});
