// Runs the in-code migrations with kysely's Migrator. Concurrent runs are safe: on PostgreSQL the
// migrator holds an advisory lock and creates its bookkeeping tables race-free; on SQLite the single
// connection and the file's write lock serialise them.
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { AuterityError } from '../errors.js';
import type { AuterityMigration } from './migrations/index.js';

export const MIGRATION_TABLE = 'auterity_migration';
export const MIGRATION_LOCK_TABLE = 'auterity_migration_lock';

class InCodeMigrationProvider implements MigrationProvider {
  readonly #migrations: readonly AuterityMigration[];
  constructor(migrations: readonly AuterityMigration[]) {
    this.#migrations = migrations;
  }
  async getMigrations(): Promise<Record<string, Migration>> {
    const entries: Record<string, Migration> = {};
    for (const migration of this.#migrations) {
      if (entries[migration.name]) throw new AuterityError('internal', `Duplicate migration name "${migration.name}".`);
      entries[migration.name] = {
        up: (db) => migration.up(db),
        ...(migration.down && { down: (db: Kysely<unknown>) => migration.down!(db) }),
      };
    }
    return entries;
  }
}

const SQLITE_BUSY_RETRIES = 10;
const isSqliteBusy = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === 'SQLITE_BUSY';

export async function runMigrations(db: Kysely<unknown>, migrations: readonly AuterityMigration[]): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: new InCodeMigrationProvider(migrations),
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
  });
  let { error, results = [] } = await migrator.migrateToLatest();
  // Several processes migrating one SQLite file queue on its write lock; a waiter that outlasts the
  // busy timeout gets SQLITE_BUSY with its transaction rolled back, so trying again is safe and then
  // finds the other process's work done.
  for (let attempt = 1; error && isSqliteBusy(error) && attempt <= SQLITE_BUSY_RETRIES; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    ({ error, results = [] } = await migrator.migrateToLatest());
  }
  if (error) {
    const failed = results.find((result) => result.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : String(error);
    throw new AuterityError('internal', `Database migration ${failed ? `"${failed}" ` : ''}failed: ${reason}`, { cause: error });
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
