export { definePlans, isCatalog, type Bundle, type Catalog, type Plan, type PlanPrices, type ResolvedGrant } from './catalog.js';
export { addonPresets, autoPlans, autoPlansInput, bundlePresets, saasTiers, saasTiersInput } from './presets.js';
export type {
  AddonDefinition,
  BundleDefinition,
  CatalogDefinition,
  CatalogInput,
  FeatureDefinition,
  Grant,
  OveragePolicy,
  Period,
  PlanDefinition,
} from './schema.js';
