// The only place that knows which database it talks to. Everything else is dialect-neutral kysely.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  PostgresDialect,
  SqliteAdapter,
  SqliteDialect,
  sql,
  type DialectAdapter,
  type Dialect,
  type Kysely,
  type MigrationLockOptions,
} from 'kysely';
import type { Logger } from '../config/logger.js';

export type DatabaseConfig =
  | { dialect: 'sqlite'; filename: string }
  | { dialect: 'postgres'; connectionString: string; pool?: { max?: number } };

export type DialectName = DatabaseConfig['dialect'];

export interface CreatedDialect {
  name: DialectName;
  dialect: Dialect;
  /**
   * Set for SQLite files: migrations of engines in one process that share it must take turns, as
   * better-sqlite3 waits for SQLite's lock synchronously and would block the holder's event loop.
   */
  migrationMutexKey?: string;
}

const INT8_OID = 20;
const SQLITE_BUSY_TIMEOUT_MS = 5_000;

/**
 * kysely's SQLite adapter assumes one connection per database, but several processes (a server and
 * `auterity migrate`) may share a file. This one runs migrations in a transaction whose first
 * statement takes SQLite's write lock, so a second migrator waits (busy_timeout) and then sees the
 * first one's work instead of repeating it.
 */
class SqliteMigrationAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
  override async acquireMigrationLock(db: Kysely<unknown>, options: MigrationLockOptions): Promise<void> {
    await sql`update ${sql.table(options.lockTable)} set ${sql.ref('is_locked')} = 1 where ${sql.ref('id')} = ${options.lockRowId}`.execute(db);
  }
  override async releaseMigrationLock(db: Kysely<unknown>, options: MigrationLockOptions): Promise<void> {
    await sql`update ${sql.table(options.lockTable)} set ${sql.ref('is_locked')} = 0 where ${sql.ref('id')} = ${options.lockRowId}`.execute(db);
  }
}

class AuteritySqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new SqliteMigrationAdapter();
  }
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * kysely prepares every query afresh; preparing costs about as much as running a short statement.
 * Statements are kept per SQL text (an LRU), and a fresh one is made while the cached one is busy
 * (being iterated). SQLite re-prepares a cached statement by itself after a schema change.
 */
function cachePreparedStatements(db: import('better-sqlite3').Database): void {
  const prepare = db.prepare.bind(db) as (source: string) => import('better-sqlite3').Statement;
  const statements = new Map<string, import('better-sqlite3').Statement>();
  (db as { prepare: (source: string) => import('better-sqlite3').Statement }).prepare = (source: string) => {
    const cached = statements.get(source);
    if (cached) {
      if (cached.busy) return prepare(source);
      statements.delete(source);
      statements.set(source, cached);
      return cached;
    }
    const statement = prepare(source);
    statements.set(source, statement);
    if (statements.size > STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value as string);
    return statement;
  };
}

export function createDialect(config: DatabaseConfig, logger: Logger): CreatedDialect {
  if (config.dialect === 'sqlite') {
    const { filename } = config;
    return {
      name: 'sqlite',
      ...(filename !== ':memory:' && { migrationMutexKey: `sqlite:${path.resolve(filename)}` }),
      dialect: new AuteritySqliteDialect({
        // Opened on first use, so createAuterity() stays synchronous and does no I/O.
        database: async () => {
          const { default: BetterSqlite3 } = await import('better-sqlite3');
          if (filename !== ':memory:') mkdirSync(path.dirname(path.resolve(filename)), { recursive: true });
          const db = new BetterSqlite3(filename, { timeout: SQLITE_BUSY_TIMEOUT_MS });
          db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
          if (filename !== ':memory:') db.pragma('journal_mode = WAL');
          db.pragma('synchronous = NORMAL');
          db.pragma('foreign_keys = ON');
          cachePreparedStatements(db);
          return db;
        },
      }),
    };
  }
  const { connectionString, pool } = config;
  return {
    name: 'postgres',
    dialect: new PostgresDialect({
      pool: async () => {
        const { default: pg } = await import('pg');
        const instance = new pg.Pool({
          connectionString,
          max: pool?.max ?? 10,
          // bigint (epoch ms, counts) as numbers, for this pool only: global parsers would change
          // the host application's own pg queries.
          types: {
            getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
              oid === INT8_OID && format !== 'binary'
                ? (value: string) => Number(value)
                : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
          },
        });
        // An idle client losing its connection must not crash the host process.
        instance.on('error', (error) => logger.error('auterity: PostgreSQL pool error', { error }));
        return instance;
      },
    }),
  };
}
