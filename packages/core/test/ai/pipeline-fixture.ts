// The tenant AI pipeline on real parts, wired as the engine wires domains: one Storage on a
// throwaway SQLite or PostgreSQL database shared by tenancy, billing (counters in SQL or Redis) and
// governance, the real router and openai client against a local chat-completions upstream, and the
// pipeline's deps adapted from those domains.
import { afterAll, beforeAll } from 'vitest';
import { createChatUpstream, createTestDatabase, createTestRedis, type ChatUpstream, type TestDatabase, type TestDialect, type TestRedis } from '@auterity/testing';
import { definePlans, type Catalog } from '@auterity/core';
import { createBillingEngine, type BillingEngine } from '../../src/billing/billing-engine.js';
import { silentLogger } from '../../src/config/logger.js';
import { createGovernanceEngine, type GovernanceEngine } from '../../src/governance/engine-surface.js';
import type { PolicyInput } from '../../src/governance/policies/index.js';
import { Storage } from '../../src/storage/index.js';
import { createTenantsApi, type TenantsApi } from '../../src/tenancy/index.js';
import { createAiEngine, type AiEngine, type AiEngineDeps, type AiOptions, type AiPrincipal } from '../../src/ai/index.js';

export { rejection } from '../helpers.js';

/** Prices in USD per 1M tokens = micro-USD per token. */
export const models = [
  { id: 'cheap', provider: 'up', inputPerMTok: 1, outputPerMTok: 2, contextWindow: 100_000, capabilities: ['json' as const] },
  { id: 'dear', provider: 'up', inputPerMTok: 10, outputPerMTok: 20, contextWindow: 100_000, capabilities: ['json' as const, 'tools' as const], region: 'eu' },
];

export const routes: NonNullable<AiOptions['routes']> = [
  { id: 'smart', strategy: 'fallback', targets: [{ model: 'dear' }, { model: 'cheap' }] },
  { id: 'ab', strategy: 'experiment', arms: [{ id: 'control', model: 'cheap' }, { id: 'treatment', model: 'dear' }], sticky: 'user' },
];

export const aiCatalog: Catalog = definePlans({
  features: {
    ai_tokens: { type: 'metered', period: 'month' },
    key_tokens: { type: 'metered', period: 'month', scope: 'api_key' },
    ai_spend: { type: 'metered', period: 'month' },
  },
  plans: [
    { id: 'small', name: 'Small', monthly: 0, features: { ai_tokens: 100, key_tokens: 60, ai_spend: 1_000 } },
    { id: 'large', name: 'Large', monthly: 0, features: { ai_tokens: 'unlimited', key_tokens: 'unlimited', ai_spend: 'unlimited' } },
  ],
});

/** ISV policies: editors may not use `dear`; `analyst`s may use AI without redaction; editors get redaction. */
export const policies: PolicyInput[] = [
  {
    id: 'ai-models',
    rules: [
      { id: 'no-dear-for-editors', effect: 'deny', actions: ['ai:use'], resources: ['model:dear'], roles: ['editor'] },
      { id: 'analysts-use-ai', effect: 'allow', actions: ['ai:use'], resources: ['model:*'], roles: ['analyst'] },
      { id: 'redact-for-editors', effect: 'allow', actions: ['ai:redact'], resources: ['model:*'], roles: ['editor'] },
    ],
  },
];

export const editor: AiPrincipal = { id: 'user_editor', roles: ['editor'] };
export const admin: AiPrincipal = { id: 'user_admin', roles: ['admin'] };
export const analyst: AiPrincipal = { id: 'user_analyst', roles: ['analyst'] };
export const guest: AiPrincipal = { id: 'user_guest', roles: ['guest'] };

export interface PipelineFixture {
  readonly storage: Storage;
  readonly billing: BillingEngine;
  readonly governance: GovernanceEngine;
  readonly up: ChatUpstream;
  readonly db: TestDatabase;
  readonly redis: TestRedis | undefined;
  /** A tenant on `plan`. */
  tenant(id: string, plan?: string): Promise<string>;
  /** The tenant's entitlements (check, consume, …). */
  tenantBilling(tenantId: string): ReturnType<BillingEngine['forTenant']>;
  /** An AI engine over the fixture's parts; closed after the suite. */
  ai(options?: AiOptions, deps?: Partial<AiEngineDeps>): AiEngine;
  /** Waits until every engine's after-answer writes (cost records, audit entries) are done. */
  flushed(): Promise<void>;
}

const ready = async () => undefined;

export function usePipeline(dialect: TestDialect, setup: { quota?: 'sql' | 'redis'; redis?: boolean } = {}): PipelineFixture {
  let db: TestDatabase | undefined;
  let redis: TestRedis | undefined;
  let storage: Storage | undefined;
  let billing: BillingEngine | undefined;
  let governance: GovernanceEngine | undefined;
  let tenants: TenantsApi | undefined;
  let up: ChatUpstream | undefined;
  const engines: AiEngine[] = [];
  const scopeFor = (tenantId: string) => need(storage).scope(tenantId);
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    if (setup.quota === 'redis' || setup.redis) redis = await createTestRedis();
    storage = new Storage({ database: dialect === 'sqlite' ? { dialect: 'sqlite', filename: db.url.slice('sqlite:'.length) } : { dialect: 'postgres', connectionString: db.url }, logger: silentLogger });
    await storage.migrate();
    billing = createBillingEngine(
      { catalog: aiCatalog, backend: setup.quota ?? 'sql', ...(redis && { redisPrefix: redis.prefix }) },
      { scopeFor, ready, redisUrl: redis?.url, now: Date.now, tenantIds: async () => [], env: {} },
    );
    governance = createGovernanceEngine({ policies }, { scopeFor, secret: undefined, now: Date.now });
    tenants = createTenantsApi({ storage, ready, now: Date.now, validatePlan: (plan) => billing!.validatePlan(plan) });
    up = await createChatUpstream({ models: ['cheap', 'dear'] });
  });
  afterAll(async () => {
    for (const ai of engines) await ai.close();
    await up?.close();
    await billing?.close();
    await storage?.destroy();
    await redis?.cleanup();
    await db?.drop();
  });
  return {
    get storage() {
      return need(storage);
    },
    get billing() {
      return need(billing);
    },
    get governance() {
      return need(governance);
    },
    get up() {
      return need(up);
    },
    get db() {
      return need(db);
    },
    get redis() {
      return redis;
    },
    async tenant(id, plan = 'small') {
      await need(tenants).create({ id, plan });
      return id;
    },
    tenantBilling: (tenantId) => need(billing).forTenant(scopeFor(tenantId), ready),
    async flushed() {
      for (const ai of engines) await ai.flush();
    },
    ai(options = {}, overrides = {}) {
      const ai = createAiEngine(
        { providers: [{ id: 'up', kind: 'openai', baseURL: need(up).baseURL, apiKey: 'test-key' }], models, routes, retry: { maxAttempts: 1, baseDelayMs: 0 }, ...options },
        {
          billingFor: (tenantId) => need(billing).forTenant(scopeFor(tenantId), ready),
          billingCatalog: aiCatalog,
          authorize: (tenantId, principal, action, resource, context) =>
            need(governance)
              .forTenant(scopeFor(tenantId), principal, ready)
              .authorize({ principal: { id: principal.id, roles: [...principal.roles] }, action, resource, ...(context && { context }) }),
          audit: (tenantId, entry) => need(governance).audit.append(tenantId, entry),
          scopeFor,
          ...(redis && { redisUrl: redis.url }),
          logger: silentLogger,
          env: {},
          ...overrides,
        },
      );
      engines.push(ai);
      return ai;
    },
  };
}

function need<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('fixture used outside a test');
  return value;
}

/** Drains a stream, returning the text and the error it ended with, if any. */
export async function drain(stream: AsyncIterable<{ choices: { delta?: { content?: string | null } }[] }>): Promise<{ text: string; error: unknown }> {
  let text = '';
  try {
    for await (const chunk of stream) for (const choice of chunk.choices) text += choice.delta?.content ?? '';
    return { text, error: undefined };
  } catch (error) {
    return { text, error };
  }
}
