// Loads what entitlements need from the tenant row and its subscription, with the subscription's
// due transitions (trial end, period end) applied in memory. A tenant with no subscription row is on
// `tenants.plan` at the plan's latest version, anchored at its creation. If the tenant's plan was
// changed outside billing (tenants.update), that plan wins.
import { AuterityError } from '../../errors.js';
import type { TenantScope } from '../../storage/index.js';
import type { Catalog } from '../catalog/catalog.js';
import type { PlanState } from '../entitlements/plan-state.js';
import { advance } from './subscriptions.js';

export async function loadPlanState(scope: TenantScope, catalog: Catalog, now: number): Promise<PlanState> {
  const tenant = await scope.selectFrom('tenants').select(['plan', 'created_at']).executeTakeFirst();
  if (!tenant) throw new AuterityError('not_found', `Tenant "${scope.tenantId}" not found.`, { details: { tenantId: scope.tenantId } });
  const stored = await scope.selectFrom('billing_subscriptions').selectAll().executeTakeFirst();
  if (!stored || stored.plan_id !== tenant.plan) {
    return { planId: tenant.plan, planVersion: undefined, addons: [], anchor: Number(tenant.created_at), interval: 'month', status: 'none', validUntil: Number.POSITIVE_INFINITY };
  }
  const row = advance(catalog, stored, now);
  return {
    planId: row.plan_id,
    planVersion: Number(row.plan_version),
    addons: JSON.parse(row.addons) as string[],
    anchor: Number(row.anchor_at),
    interval: row.interval === 'year' ? 'year' : 'month',
    status: row.status as PlanState['status'],
    validUntil: Math.min(Number(row.current_period_end), row.status === 'trialing' && row.trial_ends_at !== null ? Number(row.trial_ends_at) : Number.POSITIVE_INFINITY),
  };
}
