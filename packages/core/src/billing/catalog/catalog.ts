// definePlans(): validates a catalog (shape with zod, then the references between its parts) and
// returns it with every derived price computed — annual and bundle prices are never typed in.
import { z } from 'zod';
import { parseInput } from '../../shared/validation.js';
import { AuterityError } from '../../errors.js';
import {
  catalogSchema,
  type AddonDefinition,
  type BundleDefinition,
  type CatalogDefinition,
  type CatalogInput,
  type FeatureDefinition,
  type Grant,
  type PlanDefinition,
} from './schema.js';

export interface PlanPrices {
  currency: string;
  /** Minor units; null for plans priced per contract. */
  monthly: number | null;
  annual: number | null;
}

export interface Plan extends PlanDefinition {
  prices: PlanPrices;
  /** True for the newest version of this plan id: what new subscribers get. */
  latest: boolean;
}

export interface Bundle extends BundleDefinition {
  currency: string;
  /** Sum of the add-ons' monthly prices on the given plan, less the bundle discount. */
  monthlyFor(planId?: string): number;
  annualFor(planId?: string): number;
  /** Monthly price on plans without a plan-specific add-on price. */
  monthly: number;
  annual: number;
}

/** What a tenant is entitled to for one feature, after plan and add-ons. */
export type ResolvedGrant =
  | { feature: string; type: 'boolean'; enabled: boolean }
  | { feature: string; type: 'limit' | 'metered' | 'rate'; enabled: boolean; limit: number | null; definition: FeatureDefinition };

export interface Catalog {
  readonly currency: string;
  readonly annualDiscountPercent: number;
  readonly fallbackPlan: string;
  readonly features: Readonly<Record<string, FeatureDefinition>>;
  /** Every plan version, in definition order. */
  readonly plans: readonly Plan[];
  readonly addons: readonly AddonDefinition[];
  readonly bundles: readonly Bundle[];
  /** Distinct plan ids. */
  readonly planIds: readonly string[];
  /** A plan by id: the given version, or the latest. Undefined when unknown. */
  plan(id: string, version?: number): Plan | undefined;
  addon(id: string): AddonDefinition | undefined;
  bundle(id: string): Bundle | undefined;
  addonMonthly(addonId: string, planId?: string): number;
  addonAnnual(addonId: string, planId?: string): number;
  /** The grants of a plan version plus add-ons, one per catalog feature. */
  resolve(planId: string, version: number | undefined, addonIds?: readonly string[]): ReadonlyMap<string, ResolvedGrant>;
  /** The validated definition (for serialisation, e.g. `plans push`). */
  readonly definition: CatalogDefinition;
}

const defined = new WeakSet<object>();

/** True for catalogs returned by definePlans() (validated, prices computed). */
export function isCatalog(value: unknown): value is Catalog {
  return typeof value === 'object' && value !== null && defined.has(value);
}

/** 12 × monthly, less the discount, rounded to the minor unit. */
export function annualPrice(monthly: number, discountPercent: number): number {
  return Math.round((monthly * 12 * (100 - discountPercent)) / 100);
}

export function discounted(amount: number, discountPercent: number): number {
  return Math.round((amount * (100 - discountPercent)) / 100);
}

function crossCheck(def: CatalogDefinition, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const featureIds = Object.keys(def.features);
  const checkGrants = (grants: Record<string, Grant>, path: (string | number)[]) => {
    for (const [feature, grant] of Object.entries(grants)) {
      const definition = def.features[feature];
      if (!definition) {
        issue([...path, feature], `unknown feature; expected one of ${featureIds.join(', ')}`);
      } else if (definition.type === 'boolean' && typeof grant !== 'boolean') {
        issue([...path, feature], 'expected true or false for a boolean feature');
      } else if (definition.type !== 'boolean' && typeof grant === 'boolean') {
        issue([...path, feature], `expected a number or "unlimited" for a ${definition.type} feature`);
      }
    }
  };
  const seen = new Set<string>();
  def.plans.forEach((plan, index) => {
    const key = `${plan.id}@${plan.version}`;
    if (seen.has(key)) issue(['plans', index, 'version'], `duplicate version ${plan.version} of plan "${plan.id}"`);
    seen.add(key);
    checkGrants(plan.features, ['plans', index, 'features']);
  });
  const planIds = new Set(def.plans.map((plan) => plan.id));
  if (def.fallbackPlan !== undefined && !planIds.has(def.fallbackPlan)) {
    issue(['fallbackPlan'], `unknown plan; expected one of ${[...planIds].join(', ')}`);
  }
  const addonIds = new Set<string>();
  def.addons.forEach((addon, index) => {
    if (addonIds.has(addon.id)) issue(['addons', index, 'id'], `duplicate add-on "${addon.id}"`);
    addonIds.add(addon.id);
    checkGrants(addon.features, ['addons', index, 'features']);
    for (const planId of Object.keys(addon.monthlyByPlan)) {
      if (!planIds.has(planId)) issue(['addons', index, 'monthlyByPlan', planId], `unknown plan; expected one of ${[...planIds].join(', ')}`);
    }
  });
  def.bundles.forEach((bundle, index) => {
    bundle.addons.forEach((addonId, j) => {
      if (!addonIds.has(addonId)) issue(['bundles', index, 'addons', j], `unknown add-on; expected one of ${[...addonIds].join(', ')}`);
    });
  });
}

const checkedCatalogSchema = catalogSchema.superRefine(crossCheck);

/** Validates a catalog and computes its prices. Throws invalid_input naming each bad field. */
export function definePlans(input: CatalogInput): Catalog {
  const def = parseInput(checkedCatalogSchema, input, 'plan catalog');
  const latestVersion = new Map<string, number>();
  for (const plan of def.plans) latestVersion.set(plan.id, Math.max(plan.version, latestVersion.get(plan.id) ?? 0));

  const plans: Plan[] = def.plans.map((plan) => ({
    ...plan,
    latest: latestVersion.get(plan.id) === plan.version,
    prices: {
      currency: def.currency,
      monthly: plan.monthly,
      annual: plan.monthly === null ? null : annualPrice(plan.monthly, plan.annualDiscountPercent ?? def.annualDiscountPercent),
    },
  }));
  const addonById = new Map(def.addons.map((addon) => [addon.id, addon]));
  const addonMonthly = (addonId: string, planId?: string): number => {
    const addon = addonById.get(addonId);
    if (!addon) throw new AuterityError('invalid_input', `Unknown add-on "${addonId}"; expected one of ${[...addonById.keys()].join(', ')}.`, { issues: [{ path: 'addon', message: 'unknown add-on' }] });
    return (planId !== undefined ? addon.monthlyByPlan[planId] : undefined) ?? addon.monthly;
  };
  const bundles: Bundle[] = def.bundles.map((bundle) => {
    const monthlyFor = (planId?: string) => discounted(bundle.addons.reduce((sum, id) => sum + addonMonthly(id, planId), 0), bundle.discountPercent);
    const annualFor = (planId?: string) => annualPrice(monthlyFor(planId), def.annualDiscountPercent);
    return { ...bundle, currency: def.currency, monthlyFor, annualFor, monthly: monthlyFor(), annual: annualFor() };
  });
  const planIds = [...latestVersion.keys()];
  const fallbackPlan = def.fallbackPlan ?? plans.find((plan) => plan.monthly === 0)?.id ?? planIds[0]!;

  // The catalog is immutable, so resolved grants are memoised (they are asked for on every check).
  const resolved = new Map<string, ReadonlyMap<string, ResolvedGrant>>();
  const catalog: Catalog = {
    currency: def.currency,
    annualDiscountPercent: def.annualDiscountPercent,
    fallbackPlan,
    features: def.features,
    plans,
    addons: def.addons,
    bundles,
    planIds,
    definition: def,
    plan(id, version) {
      const wanted = version ?? latestVersion.get(id);
      return plans.find((plan) => plan.id === id && plan.version === wanted);
    },
    addon: (id) => addonById.get(id),
    bundle: (id) => bundles.find((bundle) => bundle.id === id),
    addonMonthly,
    addonAnnual: (addonId, planId) => annualPrice(addonMonthly(addonId, planId), def.annualDiscountPercent),
    resolve(planId, version, addonIds = []) {
      const key = `${planId}@${version ?? ''}|${addonIds.join(',')}`;
      const hit = resolved.get(key);
      if (hit) return hit;
      const plan = catalog.plan(planId, version) ?? catalog.plan(planId);
      const out = new Map<string, ResolvedGrant>();
      for (const [feature, definition] of Object.entries(def.features)) {
        const grants: Grant[] = [];
        const base = plan?.features[feature];
        if (base !== undefined) grants.push(base);
        for (const addonId of addonIds) {
          const extra = addonById.get(addonId)?.features[feature];
          if (extra !== undefined) grants.push(extra);
        }
        if (definition.type === 'boolean') {
          out.set(feature, { feature, type: 'boolean', enabled: grants.some((grant) => grant === true) });
          continue;
        }
        // Numbers add up across plan and add-ons; any "unlimited" lifts the limit.
        let limit: number | null = 0;
        for (const grant of grants) {
          if (grant === 'unlimited') limit = null;
          else if (typeof grant === 'number' && limit !== null) limit += grant;
        }
        out.set(feature, { feature, type: definition.type, enabled: grants.length > 0 && limit !== 0, limit, definition });
      }
      if (resolved.size < 10_000) resolved.set(key, out);
      return out;
    },
  };
  defined.add(catalog);
  return Object.freeze(catalog);
}
