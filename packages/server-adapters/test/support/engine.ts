// A migrated engine on a throwaway database, with tenants and keys for HTTP suites.
import { createAuterity, type Auterity, type CreateAuterityOptions, type CreatedApiKey } from '@auterity/core';
import { createTestDatabase, type TestDatabase, type TestDialect } from '@auterity/testing';

export interface TestEngine {
  engine: Auterity;
  db: TestDatabase;
  /** Creates a tenant and a key for it (`*` unless scopes are given). */
  tenantWithKey(id: string, scopes?: string[]): Promise<CreatedApiKey>;
  close(): Promise<void>;
}

export async function createTestEngine(dialect: TestDialect = 'sqlite', options: Omit<CreateAuterityOptions, 'database'> = {}): Promise<TestEngine> {
  const db = await createTestDatabase(dialect);
  const engine = createAuterity({ ...options, database: db.url });
  await engine.migrate();
  return {
    engine,
    db,
    async tenantWithKey(id, scopes) {
      if (!(await engine.tenants.list()).some((tenant) => tenant.id === id)) await engine.tenants.create({ id });
      return engine.apiKeys.create(id, scopes ? { scopes } : {});
    },
    async close() {
      await engine.close();
      await db.drop();
    },
  };
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
