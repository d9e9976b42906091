// What entitlements need to know about a tenant's plan: which plan version and add-ons it has, and
// the anchor its usage windows align to.
export interface PlanState {
  planId: string;
  planVersion: number | undefined;
  addons: readonly string[];
  /** Epoch ms the usage windows align to (subscription start, else tenant creation). */
  anchor: number;
  interval: 'month' | 'year';
  status: 'trialing' | 'active' | 'past_due' | 'canceled' | 'none';
  /** Epoch ms of the next due transition (trial or period end): a cached state is stale from then. */
  validUntil: number;
}
