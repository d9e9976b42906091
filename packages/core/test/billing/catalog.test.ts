import { describe, expect, it } from 'vitest';
import { addonPresets, autoPlans, definePlans, isAuterityError, saasTiers, type AuterityError, type CatalogInput } from '@auterity/core';

function invalid(input: unknown): AuterityError {
  try {
    definePlans(input as CatalogInput);
  } catch (error) {
    if (isAuterityError(error, 'invalid_input')) return error;
    throw error;
  }
  throw new Error('expected definePlans to refuse the catalog');
}

describe('plan catalog', () => {
  it('ships Free / Pro / Business / Enterprise with annual prices computed at 15% off', () => {
    expect(autoPlans.planIds).toEqual(['free', 'pro', 'business', 'enterprise']);
    expect(autoPlans.plan('pro')?.prices).toEqual({ currency: 'usd', monthly: 2_900, annual: 29_580 });
    expect(autoPlans.plan('business')?.prices).toEqual({ currency: 'usd', monthly: 9_900, annual: 100_980 });
    expect(autoPlans.plan('enterprise')?.prices).toEqual({ currency: 'usd', monthly: null, annual: null });
    const free = autoPlans.resolve('free', undefined);
    expect(free.get('workflows')).toMatchObject({ limit: 3 });
    expect(free.get('executions')).toMatchObject({ limit: 50 });
    expect(free.get('integrations')).toMatchObject({ limit: 10 });
    expect(autoPlans.resolve('business', undefined).get('integrations')).toMatchObject({ limit: null });
    expect(autoPlans.resolve('pro', undefined).get('executions')).toMatchObject({ limit: 5_000 });
    expect(autoPlans.resolve('enterprise', undefined).get('executions')).toMatchObject({ limit: null });
  });

  it('ships the 5-tier SaaS set with its limits and 14-day trials', () => {
    expect(saasTiers.planIds).toEqual(['free', 'starter', 'professional', 'enterprise', 'white_label']);
    const users = saasTiers.planIds.map((id) => (saasTiers.resolve(id, undefined).get('users') as { limit: number | null }).limit);
    expect(users).toEqual([5, 10, 50, 500, null]);
    const calls = saasTiers.planIds.map((id) => (saasTiers.resolve(id, undefined).get('api_calls') as { limit: number | null }).limit);
    expect(calls).toEqual([1_000, 10_000, 100_000, 1_000_000, null]);
    expect(saasTiers.plan('starter')?.trialDays).toBe(14);
  });

  it('prices add-ons per plan and bundles from their discounts', () => {
    expect(addonPresets.map((addon) => addon.monthly)).toEqual([29_900, 39_900, 39_900, 19_900]);
    expect(autoPlans.addonMonthly('process_automation', 'pro')).toBe(29_900);
    expect(autoPlans.addonMonthly('process_automation', 'enterprise')).toBe(44_900);
    // (299 + 399) × 0.85 = 593.30; (299 + 399 + 399 + 199) × 0.70 = 907.20
    expect(autoPlans.bundle('automation_ai')?.monthly).toBe(59_330);
    expect(autoPlans.bundle('operations_suite')?.monthly).toBe(71_760);
    expect(autoPlans.bundle('complete')?.monthly).toBe(90_720);
    expect(autoPlans.bundle('complete')?.monthlyFor('enterprise')).toBe(Math.round((44_900 + 59_900 + 59_900 + 29_900) * 0.7));
    expect(autoPlans.bundle('complete')?.annual).toBe(Math.round(90_720 * 12 * 0.85));
  });

  it('adds add-on grants on top of the plan', () => {
    const catalog = definePlans({
      features: { runs: { type: 'metered', period: 'month' }, sso: { type: 'boolean' } },
      plans: [{ id: 'base', name: 'Base', monthly: 0, features: { runs: 10 } }],
      addons: [
        { id: 'more', name: 'More runs', monthly: 500, features: { runs: 90, sso: true } },
        { id: 'all', name: 'All runs', monthly: 900, features: { runs: 'unlimited' } },
      ],
    });
    expect(catalog.resolve('base', undefined, ['more']).get('runs')).toMatchObject({ limit: 100 });
    expect(catalog.resolve('base', undefined, ['more']).get('sso')).toMatchObject({ enabled: true });
    expect(catalog.resolve('base', undefined, ['more', 'all']).get('runs')).toMatchObject({ limit: null });
  });

  it('keeps plan versions apart: the latest for new subscribers, the old one for the grandfathered', () => {
    const catalog = definePlans({
      features: { runs: { type: 'metered', period: 'month' } },
      plans: [
        { id: 'pro', name: 'Pro', version: 1, monthly: 1_000, features: { runs: 100 } },
        { id: 'pro', name: 'Pro', version: 2, monthly: 1_500, features: { runs: 200 } },
      ],
    });
    expect(catalog.plan('pro')?.version).toBe(2);
    expect(catalog.plan('pro', 1)?.latest).toBe(false);
    expect(catalog.resolve('pro', 1).get('runs')).toMatchObject({ limit: 100 });
    expect(catalog.resolve('pro', undefined).get('runs')).toMatchObject({ limit: 200 });
  });

  it('names the field and what was expected when a catalog is wrong', () => {
    const base = { features: { runs: { type: 'metered', period: 'month' } }, plans: [{ id: 'p', name: 'P', monthly: 0, features: { runs: 1 } }] };
    expect(invalid({ ...base, plans: [{ id: 'p', name: 'P', monthly: 9.99 }] }).issues).toEqual([
      { path: 'plans.0.monthly', message: 'expected an integer amount in minor units (cents), not a fraction' },
    ]);
    expect(invalid({ ...base, plans: [{ id: 'p', name: 'P', monthly: 0, features: { rnus: 1 } }] }).issues[0]).toEqual({
      path: 'plans.0.features.rnus',
      message: 'unknown feature; expected one of runs',
    });
    expect(invalid({ ...base, features: { runs: { type: 'metered', period: 'fortnight' } } }).issues[0]?.path).toBe('features.runs.period');
    expect(invalid({ ...base, plans: [...base.plans, { id: 'p', name: 'P', monthly: 0 }] }).issues[0]?.message).toContain('duplicate version 1');
    expect(invalid({ ...base, bundles: [{ id: 'b', name: 'B', addons: ['x', 'y'], discountPercent: 10 }] }).issues[0]?.path).toBe('bundles.0.addons.0');
    expect(invalid({ ...base, plans: [{ id: 'p', name: 'P', monthly: 0, features: { runs: true } }] }).issues[0]?.message).toContain('number or "unlimited"');
  });
});
