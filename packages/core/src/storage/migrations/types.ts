import type { Kysely } from 'kysely';

/**
 * One schema change. `name` orders migrations ("0001_tenancy", "0002_workflows", …) and is what
 * `engine.migrate()` reports; never rename or edit a migration once released — add a new one.
 */
export interface AuterityMigration {
  name: string;
  up(db: Kysely<unknown>): Promise<void>;
  down?(db: Kysely<unknown>): Promise<void>;
}
