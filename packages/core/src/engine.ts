// createAuterity(options) -> engine; engine.tenant(id, actor) -> the tenant-scoped handle.
// Domains are wired here: each gets the storage scope of its tenant (never the raw database) and
// the engine's readiness check, and talks to other domains only through what is passed in.
import { AuterityError } from './errors.js';
import { resolveOptions, type AuterityOptions, type Logger } from './config/index.js';
import { Storage, type DialectName } from './storage/index.js';
import { parseInput } from './shared/validation.js';
import { tenantIdSchema } from './shared/validation.js';
import {
  actorSchema,
  createApiKey,
  createMembersApi,
  createTenantApiKeysApi,
  createTenantsApi,
  verifyApiKey,
  type Actor,
  type CreateApiKeyInput,
  type CreatedApiKey,
  type MembersApi,
  type TenancyContext,
  type TenantApiKeysApi,
  type TenantsApi,
  type VerifiedApiKey,
} from './tenancy/index.js';

export interface MigrateResult {
  /** Names of the migrations this call applied, in order; empty when the schema was current. */
  applied: string[];
}

export interface EngineApiKeysApi {
  /** Creates a key for a tenant (`not_found` if it does not exist). The returned `key` is shown only here. */
  create(tenantId: string, input?: CreateApiKeyInput): Promise<CreatedApiKey>;
  /** The tenant and scopes of a valid key; null if it is malformed, unknown, tampered with or revoked. */
  verify(key: string): Promise<VerifiedApiKey | null>;
}

/** Everything one tenant's actor can do. Every operation is confined to `tenantId`. */
export interface TenantHandle {
  readonly tenantId: string;
  readonly actor: Actor;
  readonly members: MembersApi;
  readonly apiKeys: TenantApiKeysApi;
}

export interface Auterity {
  /** Which database the engine runs on. */
  readonly dialect: DialectName;
  /** Tenant administration (the ISV's side, not a tenant's). */
  readonly tenants: TenantsApi;
  readonly apiKeys: EngineApiKeysApi;
  /** Applies pending migrations. Idempotent; safe when several engines migrate one database at once. */
  migrate(): Promise<MigrateResult>;
  /** A handle confined to one tenant, acting as `actor`. Synchronous; the tenant is checked on use. */
  tenant(tenantId: string, actor: Actor): TenantHandle;
  /** Closes the database connections. The engine is unusable afterwards. */
  close(): Promise<void>;
}

/**
 * Creates an engine. Synchronous and free of I/O: the database is opened (and, unless
 * `migrate: false`, migrated) by the first operation. Throws AuterityError('invalid_options') naming
 * every bad option.
 */
export function createAuterity(options: AuterityOptions = {}): Auterity {
  const resolved = resolveOptions(options);
  const logger: Logger = resolved.logger;
  const storage = new Storage({ database: resolved.database, logger });

  let closed = false;
  let migrated = false;
  let pending: Promise<string[]> | undefined;

  const assertOpen = () => {
    if (closed) throw new AuterityError('unavailable', 'The Auterity engine is closed.');
  };

  const runMigrations = (): Promise<string[]> => {
    const run = (async () => {
      const applied = await storage.migrate();
      for (const name of applied) logger.info(`auterity: applied migration ${name}`, { migration: name });
      migrated = true;
      return applied;
    })();
    pending = run;
    void run.then(
      () => (pending === run ? (pending = undefined) : undefined),
      () => (pending === run ? (pending = undefined) : undefined),
    );
    return run;
  };

  const ctx: TenancyContext = {
    storage,
    now: () => Date.now(),
    async ready() {
      assertOpen();
      if (!resolved.migrate || migrated) return;
      await (pending ?? runMigrations());
    },
  };

  const tenants = createTenantsApi(ctx);

  return {
    dialect: storage.dialect,
    tenants,
    apiKeys: {
      async create(tenantId, input) {
        const id = parseInput(tenantIdSchema, tenantId, 'tenant id', 'tenantId');
        return createApiKey(ctx, storage.scope(id), input, null);
      },
      verify: (key) => verifyApiKey(ctx, key),
    },

    async migrate() {
      assertOpen();
      if (pending) await pending.catch(() => undefined);
      return { applied: await runMigrations() };
    },

    tenant(tenantId, actor) {
      const id = parseInput(tenantIdSchema, tenantId, 'tenant id', 'tenantId');
      const who = parseInput(actorSchema, actor, 'actor', 'actor');
      const scope = storage.scope(id);
      return Object.freeze({
        tenantId: id,
        actor: Object.freeze({ id: who.id, roles: Object.freeze([...who.roles]) as string[] }),
        members: createMembersApi(ctx, scope),
        apiKeys: createTenantApiKeysApi(ctx, scope, who.id),
      });
    },

    async close() {
      if (closed) return;
      closed = true;
      await pending?.catch(() => undefined);
      await storage.destroy();
    },
  };
}
