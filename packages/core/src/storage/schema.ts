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
