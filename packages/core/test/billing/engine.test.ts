// Billing as wired into the engine: the default catalog, plan validation on tenants, the executor's
// guard, and option errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@auterity/testing';
import { createAuterity, isAuterityError, type Auterity } from '@auterity/core';

describe('billing in the engine', () => {
  let db: TestDatabase;
  let engine: Auterity;
  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    engine = createAuterity({ database: db.url });
  });
  afterAll(async () => {
    await engine.close();
    await db.drop();
  });

  it('uses Free/Pro/Business/Enterprise by default and refuses unknown plans naming the known ids', async () => {
    expect(engine.billing.catalog.planIds).toEqual(['free', 'pro', 'business', 'enterprise']);
    expect(engine.billing.backend).toBe('sql');
    const error = await engine.tenants.create({ id: 'acme', plan: 'platinum' }).catch((e: unknown) => e);
    expect(isAuterityError(error, 'invalid_input')).toBe(true);
    expect((error as Error).message).toContain('plan');
    expect((error as Error).message).toContain('free, pro, business, enterprise');
    expect(await engine.tenants.create({ id: 'acme', plan: 'pro' })).toMatchObject({ plan: 'pro' });
    expect((await engine.tenants.update('acme', { plan: 'gold' }).catch((e: unknown) => e)) as { issues: unknown }).toMatchObject({ issues: [{ path: 'plan' }] });
  });

  it("sees a plan set with tenants.update at once (the cached plan state is dropped)", async () => {
    await engine.tenants.create({ id: 'upgrader' }); // free: 3 seats
    const billing = engine.tenant('upgrader', { id: 'u', roles: [] }).billing;
    expect(await billing.check('seats')).toMatchObject({ limit: 3 });
    await engine.tenants.update('upgrader', { plan: 'pro' });
    expect(await billing.check('seats')).toMatchObject({ limit: 10 });
    expect(await billing.subscription.get()).toMatchObject({ planId: 'pro' });
  });

  it("consumes executions through the executor's guard, once per run, naming the limit and reset when over", async () => {
    await engine.tenants.create({ id: 'runner' }); // free: 50 executions a month
    for (let i = 0; i < 50; i++) await engine.billing.beforeRun({ tenantId: 'runner', workflowId: 'wf', runId: `run-${i}` });
    await engine.billing.beforeRun({ tenantId: 'runner', workflowId: 'wf', runId: 'run-0' }); // a retried start counts once
    const error = await engine.billing.beforeRun({ tenantId: 'runner', workflowId: 'wf', runId: 'run-50' }).catch((e: unknown) => e);
    expect(isAuterityError(error, 'quota_exceeded')).toBe(true);
    expect((error as Error).message).toMatch(/"executions": limit 50 per month, 50 used; resets at \d{4}-/);
    expect(await engine.tenant('runner', { id: 'u', roles: [] }).billing.check('executions')).toMatchObject({ used: 50, remaining: 0 });
  });

  it('refuses a workflow run over the executions quota, naming the feature, limit and reset', async () => {
    await engine.tenants.create({ id: 'flows' });
    const handle = engine.tenant('flows', { id: 'u', roles: ['admin'] });
    const saved = await handle.workflows.save({ name: 'noop', steps: [{ id: 'only', action: 'transform', input: { expression: '1' } }] });
    for (let i = 0; i < 50; i++) await handle.workflows.start(saved.id);
    expect(await handle.billing.check('executions')).toMatchObject({ used: 50, remaining: 0 });
    const refused = await handle.workflows.start(saved.id).catch((e: unknown) => e);
    expect(isAuterityError(refused, 'quota_exceeded')).toBe(true);
    expect((refused as Error).message).toMatch(/"executions": limit 50 per month/);
    expect((refused as { details: Record<string, unknown> }).details).toMatchObject({ feature: 'executions', limit: 50, resetsAt: expect.any(Number) });
    expect(await handle.workflows.runs.list({ limit: 100 })).toHaveLength(50);
  });

  it('refuses bad billing options by name', () => {
    expect(() => createAuterity({ database: 'sqlite::memory:', billing: { backend: 'mongo' as 'sql' } })).toThrow(/billing\.backend/);
    expect(() => createAuterity({ database: 'sqlite::memory:', billing: { backend: 'redis' } })).toThrow(/billing\.backend: expected a Redis URL/);
    expect(() => createAuterity({ database: 'sqlite::memory:', billing: { catalog: {} as never } })).toThrow(/billing\.catalog: expected a catalog returned by definePlans/);
  });
});
