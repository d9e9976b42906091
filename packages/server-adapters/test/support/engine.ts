// A migrated engine on a throwaway database, with tenants and keys for HTTP suites. Tenants are on
// `enterprise` unless a suite asks otherwise: every authenticated request counts against the plan's
// `api_calls` rate, and suites that are not about limits must not trip it.
import { createAuterity, type Auterity, type CreateAuterityOptions, type CreatedApiKey } from '@auterity/core';
import { createTestDatabase, type TestDatabase, type TestDialect } from '@auterity/testing';

export interface TestEngine {
  engine: Auterity;
  db: TestDatabase;
  /** Creates a tenant (on `plan`, default `enterprise`) unless it exists, and a key for it (`*` unless scopes are given). */
  tenantWithKey(id: string, scopes?: string[], plan?: string): Promise<CreatedApiKey>;
  close(): Promise<void>;
}

export const TEST_SECRET = 'test-secret-of-the-http-suites-0123456789';

export async function createTestEngine(dialect: TestDialect = 'sqlite', options: Omit<CreateAuterityOptions, 'database'> = {}): Promise<TestEngine> {
  const db = await createTestDatabase(dialect);
  // Invitations are signed with the engine secret.
  const engine = createAuterity({ secret: TEST_SECRET, ...options, database: db.url });
  await engine.migrate();
  return {
    engine,
    db,
    async tenantWithKey(id, scopes, plan = 'enterprise') {
      if (!(await engine.tenants.list()).some((tenant) => tenant.id === id)) await engine.tenants.create({ id, plan });
      return engine.apiKeys.create(id, scopes ? { scopes } : {});
    },
    async close() {
      await engine.close();
      await db.drop();
    },
  };
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
