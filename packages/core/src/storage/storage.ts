// One engine's storage: the kysely instance (kept private here), scopes per tenant, migrations.
import { Kysely, type DatabaseConnection, type Dialect, type Driver, type TransactionSettings } from 'kysely';
import type { Logger } from '../config/logger.js';
import { createDialect, type DatabaseConfig, type DialectName } from './dialect.js';
import { migrations as allMigrations, type AuterityMigration } from './migrations/index.js';
import { runMigrations } from './migrator.js';
import type { Database } from './schema.js';
import { createTenantScope, type TenantScope } from './scope.js';
import { createUnscopedAccess, type UnscopedAccess } from './unscoped.js';

/** Wraps a dialect to keep a reference to the driver kysely creates, which tenant scopes share. */
class SharedDriverDialect implements Dialect {
  readonly #inner: Dialect;
  driver: Driver | undefined;
  constructor(inner: Dialect) {
    this.#inner = inner;
  }
  createDriver(): Driver {
    this.driver = this.#inner.createDriver();
    return this.driver;
  }
  createQueryCompiler() {
    return this.#inner.createQueryCompiler();
  }
  createAdapter() {
    return this.#inner.createAdapter();
  }
  createIntrospector(db: Kysely<unknown>) {
    return this.#inner.createIntrospector(db);
  }
}

/** Transaction control for scopes: delegates to the engine's driver (initialised by kysely on first use). */
class SharedDriver implements Driver {
  readonly #dialect: SharedDriverDialect;
  constructor(dialect: SharedDriverDialect) {
    this.#dialect = dialect;
  }
  get #driver(): Driver {
    if (!this.#dialect.driver) throw new Error('auterity: storage driver not created');
    return this.#dialect.driver;
  }
  async init(): Promise<void> {}
  acquireConnection(): Promise<DatabaseConnection> {
    throw new Error('auterity: tenant scopes acquire connections through the engine executor');
  }
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.#driver.beginTransaction(connection, settings);
  }
  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#driver.commitTransaction(connection);
  }
  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#driver.rollbackTransaction(connection);
  }
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

/** Per-process queues for migrations that must not overlap (see CreatedDialect.migrationMutexKey). */
const migrationQueues = new Map<string, Promise<unknown>>();

function exclusive<T>(key: string | undefined, fn: () => Promise<T>): Promise<T> {
  if (key === undefined) return fn();
  const previous = migrationQueues.get(key) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const tail = run.catch(() => undefined);
  migrationQueues.set(key, tail);
  void tail.then(() => {
    if (migrationQueues.get(key) === tail) migrationQueues.delete(key);
  });
  return run;
}

/** Tenant scopes kept for reuse; beyond it the oldest is dropped (and rebuilt when asked for again). */
const SCOPES_KEPT = 1_000;

export interface StorageOptions {
  database: DatabaseConfig;
  logger: Logger;
  migrations?: readonly AuterityMigration[];
}

export class Storage {
  readonly dialect: DialectName;
  readonly unscoped: UnscopedAccess;
  readonly #db: Kysely<Database>;
  readonly #dialect: SharedDriverDialect;
  readonly #driver: SharedDriver;
  readonly #migrations: readonly AuterityMigration[];
  readonly #migrationMutexKey: string | undefined;
  readonly #scopes = new Map<string, TenantScope>();

  constructor(options: StorageOptions) {
    const created = createDialect(options.database, options.logger);
    this.dialect = created.name;
    this.#migrationMutexKey = created.migrationMutexKey;
    this.#dialect = new SharedDriverDialect(created.dialect);
    this.#driver = new SharedDriver(this.#dialect);
    this.#db = new Kysely<Database>({ dialect: this.#dialect });
    this.#migrations = options.migrations ?? allMigrations;
    this.unscoped = createUnscopedAccess(this.#db);
  }

  /**
   * The data-access handle for one tenant: every query through it is confined to that tenant.
   * Scopes hold no state of their own, so a recent tenant's is reused rather than rebuilt (building
   * one makes a kysely instance): the domains ask for one per operation.
   */
  scope(tenantId: string): TenantScope {
    let scope = this.#scopes.get(tenantId);
    if (scope) return scope;
    scope = createTenantScope({ db: this.#db, dialect: this.#dialect, driver: this.#driver }, tenantId);
    if (this.#scopes.size >= SCOPES_KEPT) this.#scopes.delete(this.#scopes.keys().next().value as string);
    this.#scopes.set(tenantId, scope);
    return scope;
  }

  /** Applies pending migrations; returns their names (empty when the schema is current). */
  migrate(): Promise<string[]> {
    return exclusive(this.#migrationMutexKey, () => runMigrations(this.#db as Kysely<unknown>, this.#migrations));
  }

  destroy(): Promise<void> {
    return this.#db.destroy();
  }
}
