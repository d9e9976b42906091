// Engines for the billing suites: one per quota backend (memory, SQLite, PostgreSQL, Redis), each on
// its own throwaway database (and Redis key prefix), with an injected clock.
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@auterity/testing';
import { createAuterity, definePlans, type Auterity, type Catalog, type TenantHandle } from '@auterity/core';

export type BackendCase = 'memory' | 'sqlite' | 'postgres' | 'redis';
export const backendCases: readonly BackendCase[] = ['memory', 'sqlite', 'postgres', 'redis'];

/** A catalog exercising every feature kind and overage policy, with small limits. */
export const testCatalog: Catalog = definePlans({
  annualDiscountPercent: 15,
  fallbackPlan: 'small',
  features: {
    executions: { type: 'metered', period: 'month', overage: { policy: 'block' } },
    ai_tokens: { type: 'metered', period: 'month', overage: { policy: 'bill', unitPrice: 2 } },
    alerts: { type: 'metered', period: 'day', overage: { policy: 'warn', thresholds: [0.5, 1] } },
    calls: { type: 'metered', period: 'minute' },
    integrations: { type: 'limit' },
    seats: { type: 'limit' },
    api_calls: { type: 'rate', per: 'minute', scope: 'api_key' },
    sso: { type: 'boolean' },
  },
  plans: [
    { id: 'small', name: 'Small', monthly: 0, features: { executions: 5, ai_tokens: 10, alerts: 4, calls: 3, integrations: 2, seats: 1, api_calls: 3 } },
    { id: 'large', name: 'Large', monthly: 5_000, trialDays: 7, features: { executions: 'unlimited', ai_tokens: 1_000, alerts: 100, calls: 100, integrations: 20, seats: 10, api_calls: 100, sso: true } },
  ],
});

export interface Clock {
  now(): number;
  set(ms: number): void;
  advance(ms: number): void;
}

export function createClock(start = Date.now()): Clock {
  let t = start;
  return { now: () => t, set: (ms) => void (t = ms), advance: (ms) => void (t += ms) };
}

export interface BillingFixture {
  readonly engine: Auterity;
  readonly clock: Clock;
  /** Creates a tenant on `plan`; the clock is moved just past its creation (its billing anchor). */
  tenant(id: string, plan?: string): Promise<{ handle: TenantHandle; createdAt: number }>;
}

export function useBilling(kind: BackendCase, catalog: Catalog = testCatalog): BillingFixture {
  let db: TestDatabase | undefined;
  let redis: TestRedis | undefined;
  let engine: Auterity | undefined;
  const clock = createClock();
  beforeAll(async () => {
    db = await createTestDatabase(kind === 'postgres' ? 'postgres' : 'sqlite');
    if (kind === 'redis') redis = await createTestRedis();
    engine = createAuterity({
      database: db.url,
      ...(redis && { redis: redis.url }),
      billing: { catalog, now: clock.now, backend: kind === 'memory' ? 'memory' : kind === 'redis' ? 'redis' : 'sql', ...(redis && { redisPrefix: redis.prefix }) },
    });
  });
  afterAll(async () => {
    await engine?.close();
    await redis?.cleanup();
    await db?.drop();
  });
  return {
    get engine() {
      if (!engine) throw new Error('fixture used outside a test');
      return engine;
    },
    clock,
    async tenant(id, plan = 'small') {
      if (!engine) throw new Error('fixture used outside a test');
      const created = await engine.tenants.create({ id, plan });
      clock.set(created.createdAt + 1_000);
      return { handle: engine.tenant(id, { id: 'owner', roles: ['admin'] }), createdAt: created.createdAt };
    },
  };
}
