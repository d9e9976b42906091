// The tenant-scoped data-access layer: the only database handle a domain ever receives.
//
//   const rows = await scope.selectFrom('members').selectAll().execute();       // only this tenant's
//   await scope.insertInto('members').values({ id, email, ... }).execute();      // tenant_id set here
//   await scope.transaction(async (tx) => { ... tx is scoped too ... });
//
// The filter is applied by an executor wrapped around the engine's own (see tenant-filter.ts); it
// survives `withPlugin`, `withoutPlugins` and transactions, so a query built from a scope cannot
// run unfiltered, and a caller's own `where('tenant_id', '=', other)` only narrows it further.
import {
  Kysely,
  type CompiledQuery,
  type ConnectionProvider,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type KyselyPlugin,
  type QueryExecutor,
  type QueryId,
  type QueryResult,
  type RootOperationNode,
} from 'kysely';
import type { Database, ScopedDatabase } from './schema.js';
import { TenantFilterPlugin } from './tenant-filter.js';

/** A query executor that always applies the tenant filter last, whatever plugins are added or removed. */
class TenantQueryExecutor implements QueryExecutor {
  readonly #inner: QueryExecutor;
  readonly #filter: TenantFilterPlugin;

  constructor(inner: QueryExecutor, filter: TenantFilterPlugin) {
    this.#inner = inner;
    this.#filter = filter;
  }

  get adapter() {
    return this.#inner.adapter;
  }
  get plugins(): ReadonlyArray<KyselyPlugin> {
    return [...this.#inner.plugins, this.#filter];
  }
  transformQuery<T extends RootOperationNode>(node: T, queryId: QueryId): T {
    const transformed = this.#inner.transformQuery(node, queryId);
    return this.#filter.transformQuery({ node: transformed, queryId }) as T;
  }
  compileQuery<R = unknown>(node: RootOperationNode, queryId: QueryId): CompiledQuery<R> {
    return this.#inner.compileQuery(node, queryId);
  }
  executeQuery<R>(compiledQuery: CompiledQuery<R>): Promise<QueryResult<R>> {
    return this.#inner.executeQuery(compiledQuery);
  }
  stream<R>(compiledQuery: CompiledQuery<R>, chunkSize: number): AsyncIterableIterator<QueryResult<R>> {
    return this.#inner.stream(compiledQuery, chunkSize);
  }
  provideConnection<T>(consumer: (connection: DatabaseConnection) => Promise<T>): Promise<T> {
    return this.#inner.provideConnection(consumer);
  }
  withConnectionProvider(connectionProvider: ConnectionProvider): QueryExecutor {
    return new TenantQueryExecutor(this.#inner.withConnectionProvider(connectionProvider), this.#filter);
  }
  withPlugin(plugin: KyselyPlugin): QueryExecutor {
    return new TenantQueryExecutor(this.#inner.withPlugin(plugin), this.#filter);
  }
  withPlugins(plugins: ReadonlyArray<KyselyPlugin>): QueryExecutor {
    return new TenantQueryExecutor(this.#inner.withPlugins(plugins), this.#filter);
  }
  withPluginAtFront(plugin: KyselyPlugin): QueryExecutor {
    return new TenantQueryExecutor(this.#inner.withPluginAtFront(plugin), this.#filter);
  }
  withoutPlugins(): QueryExecutor {
    return new TenantQueryExecutor(this.#inner.withoutPlugins(), this.#filter);
  }
}

/** What a scope needs from the storage that owns it. */
export interface ScopeSource {
  db: Kysely<Database>;
  dialect: Dialect;
  driver: Driver;
}

type ScopedKysely = Kysely<ScopedDatabase>;

/**
 * One tenant's view of the database. Every query built from it is confined to `tenantId`: reads and
 * writes are filtered, inserts get the tenant id, and `tenant_id` can never be changed.
 */
export class TenantScope {
  readonly tenantId: string;
  readonly #db: ScopedKysely;
  readonly #inTransaction: boolean;

  readonly selectFrom: ScopedKysely['selectFrom'];
  readonly insertInto: ScopedKysely['insertInto'];
  readonly updateTable: ScopedKysely['updateTable'];
  readonly deleteFrom: ScopedKysely['deleteFrom'];

  /** @internal Use `Storage.scope(tenantId)`. */
  constructor(tenantId: string, db: ScopedKysely, inTransaction = false) {
    this.tenantId = tenantId;
    this.#db = db;
    this.#inTransaction = inTransaction;
    this.selectFrom = db.selectFrom.bind(db);
    this.insertInto = db.insertInto.bind(db);
    this.updateTable = db.updateTable.bind(db);
    this.deleteFrom = db.deleteFrom.bind(db);
  }

  get isTransaction(): boolean {
    return this.#inTransaction;
  }

  /**
   * Runs `fn` in a transaction with a scope of the same tenant; commits when it resolves, rolls back
   * when it throws. Inside a transaction, joins the current one. Inside `fn`, use only the scope it
   * receives (on SQLite the transaction holds the one connection).
   */
  async transaction<T>(fn: (scope: TenantScope) => Promise<T>): Promise<T> {
    if (this.#inTransaction) return fn(this);
    return this.#db.transaction().execute((trx) => fn(new TenantScope(this.tenantId, trx, true)));
  }
}

/** Builds the scoped kysely instance for one tenant, sharing the engine's driver and pool. */
export function createTenantScope(source: ScopeSource, tenantId: string): TenantScope {
  const executor = new TenantQueryExecutor(source.db.getExecutor(), new TenantFilterPlugin(tenantId));
  const db = new Kysely<ScopedDatabase>({
    config: { dialect: source.dialect },
    dialect: source.dialect,
    driver: source.driver,
    executor,
  });
  return new TenantScope(tenantId, db);
}
