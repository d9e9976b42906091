// The database schema as TypeScript types, one interface per table. Conventions (both dialects):
// every table has `tenant_id` and a primary key starting with it; times are epoch milliseconds in
// `bigint` columns (read back as numbers); JSON is stored as text; booleans as 0/1 integers.
// A domain adds its tables here (or in its own folder, extending `Database`) with a migration.
import type { ColumnType } from 'kysely';

export interface TenantsTable {
  tenant_id: string;
  name: string;
  plan: string;
  created_at: number;
  updated_at: number;
}

export interface MembersTable {
  tenant_id: string;
  id: string;
  email: string;
  name: string | null;
  /** JSON array of role names. */
  roles: string;
  created_at: number;
  updated_at: number;
}

export interface ApiKeysTable {
  tenant_id: string;
  id: string;
  name: string | null;
  /** JSON array of scopes. */
  scopes: string;
  /** SHA-256 of the whole key, hex. The key itself is never stored. */
  key_hash: string;
  created_by: string | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface GovernancePoliciesTable {
  tenant_id: string;
  id: string;
  /** The validated policy document, JSON. */
  document: string;
  created_at: number;
  updated_at: number;
}

export interface AuditEntriesTable {
  tenant_id: string;
  seq: number;
  /** ISO-8601, as hashed. */
  at: string;
  actor_id: string;
  action: string;
  resource: string | null;
  /** JSON object. */
  data: string;
  prev_hash: string;
  hash: string;
}

/** One row per tenant: the chain's head and, after pruning, its anchor. */
export interface AuditChainsTable {
  tenant_id: string;
  head_seq: number;
  head_hash: string;
  anchor_seq: number | null;
  anchor_hash: string | null;
}

export interface InvitationsTable {
  tenant_id: string;
  id: string;
  email: string;
  /** JSON array of role names. */
  roles: string;
  invited_by: string;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
  accepted_by: string | null;
  revoked_at: number | null;
}

export interface ApprovalsTable {
  tenant_id: string;
  id: string;
  chain_id: string;
  status: string;
  requester_id: string;
  /** JSON object. */
  subject: string;
  /** JSON: the xstate persisted snapshot. */
  snapshot: string;
  next_timer_at: number | null;
  version: number;
  created_at: number;
  updated_at: number;
  /** The requester's own key for the request (an `approval.request` step's `<runId>:<stepId>`). */
  request_key: string | null;
  /** When the final decision was made, until every `onDecided` listener heard of it. */
  undelivered_since: number | null;
}

/** Billing: one usage counter per tenant, feature and window (window_start 0: never resets). */
export interface BillingCountersTable {
  tenant_id: string;
  feature: string;
  window_start: number;
  window_end: number;
  used: number;
}

/** Billing: the usage ledger — every admitted consume and commit. */
export interface BillingUsageTable {
  tenant_id: string;
  id: string;
  feature: string;
  amount: number;
  at: number;
  /** Unique per tenant when set: a replay counts once. */
  idempotency_key: string | null;
  kind: string;
  /** When the usage was acknowledged by the payment provider's meter. */
  reported_at: number | null;
}

/** Billing: amounts held by `reserve` until commit, release or expiry. */
export interface BillingReservationsTable {
  tenant_id: string;
  id: string;
  feature: string;
  window_start: number;
  window_end: number;
  amount: number;
  expires_at: number;
}

/** Billing: GCRA state (theoretical arrival time) per rate-limited subject. */
export interface BillingRatesTable {
  tenant_id: string;
  key: string;
  tat: number;
}

/** Billing: the tenant's subscription (one row per tenant). */
export interface BillingSubscriptionsTable {
  tenant_id: string;
  plan_id: string;
  plan_version: number;
  status: string;
  interval: string;
  /** Usage windows align to this instant. */
  anchor_at: number;
  current_period_start: number;
  current_period_end: number;
  trial_ends_at: number | null;
  cancel_at_period_end: number;
  /** Scheduled downgrade, applied at period end. */
  pending_plan_id: string | null;
  pending_interval: string | null;
  /** JSON array of add-on ids. */
  addons: string;
  provider: string;
  customer_ref: string | null;
  subscription_ref: string | null;
  /** Provider time of the last applied subscription event: older events are ignored. */
  provider_updated_at: number | null;
  /** Provider time of the last applied status change (subscription or invoice event). */
  status_updated_at: number | null;
  created_at: number;
  updated_at: number;
}

/** Billing: provider webhook events already applied (idempotency by event id). */
export interface BillingEventsTable {
  tenant_id: string;
  event_id: string;
  type: string;
  received_at: number;
}

/** Workflows: one row per workflow; its definitions are in workflow_versions. */
export interface WorkflowsTable {
  tenant_id: string;
  id: string;
  name: string;
  latest_version: number;
  /** The secret part of the webhook token. */
  webhook_secret: string;
  created_at: number;
  updated_at: number;
}

/** Workflows: every stored version of a definition (JSON); runs are pinned to one. */
export interface WorkflowVersionsTable {
  tenant_id: string;
  workflow_id: string;
  version: number;
  name: string;
  definition: string;
  created_at: number;
}

/** Workflows: a run — its persisted machine snapshot (JSON), its lease and its durable timer. */
export interface WorkflowRunsTable {
  tenant_id: string;
  id: string;
  workflow_id: string;
  version: number;
  status: string;
  priority: number;
  snapshot: string;
  seq: number;
  dead_lettered: number;
  parent_run_id: string | null;
  /** The actor who started the run through a tenant handle; null for trigger-started runs (0005). */
  started_by: string | null;
  /** When an engine must next look at the run; null when nothing is due. */
  due_at: number | null;
  /** `|name|name|`: events its event.wait steps wait for. */
  wait_events: string | null;
  /** A pause or cancel asked of the engine holding the run. */
  control: string | null;
  lease_owner: string | null;
  lease_until: number | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
}

/** Workflows: the append-only event log of every run. */
export interface WorkflowRunEventsTable {
  tenant_id: string;
  run_id: string;
  seq: number;
  type: string;
  step_id: string | null;
  /** JSON object or null. */
  data: string | null;
  at: number;
}

/** Workflows: emitted events, kept for a window so an event.wait that starts late still sees them. */
export interface WorkflowEventsTable {
  tenant_id: string;
  id: string;
  name: string;
  payload: string;
  at: number;
}

/** Workflows: cron ticks fired (the primary key makes each tick fire once across engines). */
export interface WorkflowCronTicksTable {
  tenant_id: string;
  workflow_id: string;
  trigger_index: number;
  tick_at: number;
}

/** AI: one row per chat call. Cost in integer micro-USD; `uncounted_tokens`: actual usage the budget could not count (see ai/budgets). */
export interface AiCallsTable {
  tenant_id: string;
  id: string;
  at: number;
  route: string;
  strategy: string | null;
  model: string | null;
  provider: string | null;
  arm: string | null;
  api_key_id: string | null;
  user_id: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  cost: number;
  latency_ms: number;
  ttft_ms: number | null;
  status: string;
  error_code: string | null;
  cached: number;
  redactions: number;
  outcome: number | null;
  streamed: number;
  uncounted_tokens: number;
}

export interface Database {
  tenants: TenantsTable;
  members: MembersTable;
  api_keys: ApiKeysTable;
  governance_policies: GovernancePoliciesTable;
  audit_entries: AuditEntriesTable;
  audit_chains: AuditChainsTable;
  invitations: InvitationsTable;
  approvals: ApprovalsTable;
  workflows: WorkflowsTable;
  workflow_versions: WorkflowVersionsTable;
  workflow_runs: WorkflowRunsTable;
  workflow_run_events: WorkflowRunEventsTable;
  workflow_events: WorkflowEventsTable;
  workflow_cron_ticks: WorkflowCronTicksTable;
  billing_counters: BillingCountersTable;
  billing_usage: BillingUsageTable;
  billing_reservations: BillingReservationsTable;
  billing_rates: BillingRatesTable;
  billing_subscriptions: BillingSubscriptionsTable;
  billing_events: BillingEventsTable;
  ai_calls: AiCallsTable;
}

/**
 * The schema as a tenant scope sees it: `tenant_id` can be read but never written (the scope sets
 * it on inserts and refuses it in updates), so passing it is a type error as well.
 */
export type ScopedTable<T> = { [C in keyof T]: C extends 'tenant_id' ? ColumnType<string, never, never> : T[C] };
export type ScopedDatabase = { [T in keyof Database]: ScopedTable<Database[T]> };

/** JSON columns: values go in as text and come back parsed. */
export const json = {
  stringify: (value: unknown): string => JSON.stringify(value),
  parse: <T>(text: string): T => JSON.parse(text) as T,
};

/** Boolean columns are 0/1 integers on both dialects. */
export const bool = {
  toColumn: (value: boolean): number => (value ? 1 : 0),
  fromColumn: (value: number | boolean): boolean => value === true || value === 1,
};
