import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDialects, type TestDatabase } from '@auterity/testing';
import { createAuterity, definePlans, type Auterity, type CatalogInput } from '@auterity/core';
import { addMonths } from '../../src/billing/entitlements/index.js';
import { createClock } from './fixtures.js';

const DAY = 86_400_000;
const v1: CatalogInput = {
  fallbackPlan: 'free',
  features: { runs: { type: 'metered', period: 'billing_cycle' }, sso: { type: 'boolean' } },
  plans: [
    { id: 'free', name: 'Free', monthly: 0, features: { runs: 10 } },
    { id: 'basic', name: 'Basic', monthly: 1_000, trialDays: 14, features: { runs: 100 } },
    { id: 'plus', name: 'Plus', monthly: 3_000, features: { runs: 1_000, sso: true } },
  ],
  addons: [{ id: 'boost', name: 'Boost', monthly: 500, features: { runs: 50 } }],
};
const v2: CatalogInput = { ...v1, plans: [...v1.plans!, { id: 'basic', name: 'Basic', version: 2, monthly: 1_200, trialDays: 14, features: { runs: 150 } }] };

describe.each(testDialects)('subscriptions on %s', (dialect) => {
  let db: TestDatabase;
  let engine: Auterity;
  const clock = createClock();
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    engine = createAuterity({ database: db.url, billing: { catalog: definePlans(v1), now: clock.now } });
  });
  afterAll(async () => {
    await engine.close();
    await db.drop();
  });
  const tenant = async (id: string) => {
    const created = await engine.tenants.create({ id, plan: 'free' });
    clock.set(created.createdAt + 1_000);
    return engine.tenant(id, { id: 'owner', roles: ['admin'] }).billing;
  };

  it('starts with the trial, converts at trial end, and re-anchors usage windows', async () => {
    const billing = await tenant('trial');
    expect(await billing.subscription.get()).toMatchObject({ planId: 'free', status: 'active', trialEndsAt: null });
    const start = clock.now();
    const sub = await billing.subscription.subscribe('basic');
    expect(sub).toMatchObject({ planId: 'basic', status: 'trialing', trialEndsAt: start + 14 * DAY, anchorAt: start, currentPeriodEnd: addMonths(start, 1) });
    expect(await billing.check('runs')).toMatchObject({ limit: 100, resetsAt: addMonths(start, 1) });
    expect((await engine.tenants.get('trial')).plan).toBe('basic');
    clock.set(start + 14 * DAY);
    expect(await billing.subscription.get()).toMatchObject({ status: 'active', planId: 'basic' });
    // A second subscription gets no second trial.
    expect(await billing.subscription.subscribe('basic')).toMatchObject({ status: 'active' });
  });

  it('falls back to the free plan when a trial is canceled', async () => {
    const billing = await tenant('trial-cancel');
    const sub = await billing.subscription.subscribe('basic');
    await billing.subscription.cancel();
    clock.set(sub.trialEndsAt! - 1);
    expect(await billing.check('runs')).toMatchObject({ limit: 100 });
    clock.set(sub.trialEndsAt!);
    expect(await billing.subscription.get()).toMatchObject({ planId: 'free', status: 'canceled' });
    expect(await billing.check('runs')).toMatchObject({ limit: 10 });
  });

  it('upgrades at once with the prorated amount and downgrades at period end', async () => {
    const billing = await tenant('changes');
    const sub = await billing.subscription.subscribe('basic', { trial: false });
    const quarter = sub.currentPeriodStart + Math.round((sub.currentPeriodEnd - sub.currentPeriodStart) / 4);
    clock.set(quarter);
    const up = await billing.subscription.changePlan('plus');
    const expected = Math.round((2_000 * (sub.currentPeriodEnd - quarter)) / (sub.currentPeriodEnd - sub.currentPeriodStart));
    expect(up).toMatchObject({ effective: 'immediate', prorationAmount: expected, currency: 'usd', subscription: { planId: 'plus', status: 'active' } });
    expect(expected).toBe(1_500);
    expect(await billing.check('sso')).toMatchObject({ allowed: true });

    const down = await billing.subscription.changePlan('basic');
    expect(down).toMatchObject({ effective: 'period_end', prorationAmount: 0, subscription: { planId: 'plus', pendingPlanId: 'basic' } });
    expect(await billing.check('runs')).toMatchObject({ limit: 1_000 });
    clock.set(sub.currentPeriodEnd);
    expect(await billing.subscription.get()).toMatchObject({ planId: 'basic', pendingPlanId: null, currentPeriodStart: sub.currentPeriodEnd });
    expect(await billing.check('runs')).toMatchObject({ limit: 100 });
  });

  it('cancels at period end, resumes, and adds add-ons on top', async () => {
    const billing = await tenant('cancel');
    const sub = await billing.subscription.subscribe('plus');
    expect(await billing.subscription.cancel()).toMatchObject({ cancelAtPeriodEnd: true, planId: 'plus' });
    expect(await billing.subscription.resume()).toMatchObject({ cancelAtPeriodEnd: false });
    expect(await billing.subscription.addAddon('boost')).toMatchObject({ addons: ['boost'] });
    expect(await billing.check('runs')).toMatchObject({ limit: 1_050 });
    await billing.subscription.cancel();
    clock.set(sub.currentPeriodEnd);
    expect(await billing.subscription.get()).toMatchObject({ planId: 'free', status: 'canceled', addons: [] });
    expect(await billing.check('runs')).toMatchObject({ limit: 10 });
    await expect(billing.subscription.addAddon('nitro')).rejects.toMatchObject({ code: 'invalid_input', issues: [{ path: 'addon', message: 'unknown add-on' }] });
  });

  it('keeps subscribers on their plan version until migrated (grandfathering)', async () => {
    const billing = await tenant('grandfathered');
    await billing.subscription.subscribe('basic', { trial: false });
    const next = createAuterity({ database: db.url, billing: { catalog: definePlans(v2), now: clock.now } });
    try {
      await next.tenants.create({ id: 'newcomer', plan: 'free' });
      const newcomer = next.tenant('newcomer', { id: 'o', roles: [] }).billing;
      expect(await newcomer.subscription.subscribe('basic', { trial: false })).toMatchObject({ planVersion: 2 });
      expect(await newcomer.check('runs')).toMatchObject({ limit: 150 });
      const old = next.tenant('grandfathered', { id: 'o', roles: [] }).billing;
      expect(await old.subscription.get()).toMatchObject({ planId: 'basic', planVersion: 1 });
      expect(await old.check('runs')).toMatchObject({ limit: 100 });
      expect(await old.subscription.migrateToLatest()).toMatchObject({ planVersion: 2 });
      expect(await old.check('runs')).toMatchObject({ limit: 150 });
    } finally {
      await next.close();
    }
  });
});
