// Public types of tenants, members and API keys. Times are epoch milliseconds.

/** Who is acting through a tenant handle: the host's user (or service) and their roles. */
export interface Actor {
  id: string;
  roles: string[];
}

export interface Tenant {
  id: string;
  name: string;
  plan: string;
  createdAt: number;
  updatedAt: number;
}

export interface CreateTenantInput {
  /** Slug: lowercase letters, digits, "-" and "_", starting with a letter or digit, ≤ 63 characters. */
  id: string;
  /** Display name. Default: the id. */
  name?: string;
  /** Plan id. Default: "free". */
  plan?: string;
}

export interface UpdateTenantInput {
  name?: string;
  plan?: string;
}

export interface Member {
  id: string;
  tenantId: string;
  /** Stored lower-cased; unique within the tenant. */
  email: string;
  name: string | null;
  roles: string[];
  createdAt: number;
  updatedAt: number;
}

export interface AddMemberInput {
  /** The host's user id, if it has one (letters, digits and . _ : @ | + -, ≤ 128). Default: a new `mem_…` id. */
  id?: string;
  email: string;
  name?: string | null;
  roles: string[];
}

/** Who accepts an invitation: the host's signed-in user, who joins as a member with this id. */
export interface InvitationAcceptor {
  /** The host's user id (letters, digits and . _ : @ | + -, ≤ 128). */
  id: string;
  name?: string | null;
}

export interface UpdateMemberInput {
  email?: string;
  name?: string | null;
  roles?: string[];
}

export interface ApiKey {
  id: string;
  tenantId: string;
  name: string | null;
  /** What the key may do; `["*"]` is every scope. */
  scopes: string[];
  /** The actor that created it, or null when created by the engine (CLI, tenant admin). */
  createdBy: string | null;
  createdAt: number;
  /** Updated on verification, at most once a minute. */
  lastUsedAt: number | null;
  revokedAt: number | null;
}

/** A new key: the only time the secret `key` is available. Store it now; only its hash is kept. */
export interface CreatedApiKey extends ApiKey {
  key: string;
}

export interface CreateApiKeyInput {
  name?: string;
  /** Default: `["*"]` (every scope). */
  scopes?: string[];
}

export interface VerifiedApiKey {
  tenantId: string;
  keyId: string;
  scopes: string[];
}
