import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDialects, type TestDatabase } from '@auterity/testing';
import { createAuterity, isAuterityError } from '@auterity/core';
import pg from 'pg';
import { rawQuery } from './helpers.js';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { migrations } from '../src/storage/index.js';
import { runMigrations } from '../src/storage/migrator.js';

const allMigrations = migrations.map((migration) => migration.name);
const bookkeeping = ['auterity_migration', 'auterity_migration_lock'];
const tenantIdColumnQuery = {
  sqlite: (table: string) => `select name from pragma_table_info('${table}') where name = 'tenant_id'`,
  postgres: (table: string) =>
    `select column_name as name from information_schema.columns where table_schema = 'public' and table_name = '${table}' and column_name = 'tenant_id'`,
};

const tablesQuery = {
  sqlite: "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name",
  postgres: "select table_name as name from information_schema.tables where table_schema = 'public' order by table_name",
};

describe.each(testDialects)('migrations on %s', (dialect) => {
  const databases: TestDatabase[] = [];
  const fresh = async () => {
    const db = await createTestDatabase(dialect);
    databases.push(db);
    return db;
  };
  afterAll(async () => {
    await Promise.all(databases.map((db) => db.drop()));
  });

  it('creates the schema on a fresh database, then applies nothing new', async () => {
    const db = await fresh();
    const engine = createAuterity({ database: db.url });
    try {
      expect(await engine.migrate()).toEqual({ applied: allMigrations });
      expect(await engine.migrate()).toEqual({ applied: [] });
      const tables = (await rawQuery(db, tablesQuery[dialect])).map((row) => String(row.name));
      expect(tables).toEqual(expect.arrayContaining([...bookkeeping, 'api_keys', 'members', 'tenants']));
      // DESIGN §2: every row of every table carries tenant_id.
      for (const table of tables.filter((name) => !bookkeeping.includes(name))) {
        expect(await rawQuery(db, tenantIdColumnQuery[dialect](table)), `${table}.tenant_id`).toHaveLength(1);
      }
    } finally {
      await engine.close();
    }
    const again = createAuterity({ database: db.url });
    try {
      expect(await again.migrate()).toEqual({ applied: [] });
    } finally {
      await again.close();
    }
  });

  it('migrates before the first operation by default', async () => {
    const db = await fresh();
    const engine = createAuterity({ database: db.url });
    try {
      expect(await engine.tenants.list()).toEqual([]);
      expect(await engine.migrate()).toEqual({ applied: [] });
    } finally {
      await engine.close();
    }
  });

  it('leaves the schema alone with migrate: false until migrate() is called', async () => {
    const db = await fresh();
    const engine = createAuterity({ database: db.url, migrate: false });
    try {
      await expect(engine.tenants.list()).rejects.toThrow(/tenants/);
      expect(await engine.migrate()).toEqual({ applied: allMigrations });
      expect(await engine.tenants.list()).toEqual([]);
    } finally {
      await engine.close();
    }
  });

  it('lets several engines migrate the same database concurrently', async () => {
    const db = await fresh();
    const engines = Array.from({ length: 4 }, () => createAuterity({ database: db.url }));
    try {
      const results = await Promise.all(engines.map((engine) => engine.migrate()));
      expect(results.flatMap((result) => result.applied)).toEqual(allMigrations);
      await engines[0]!.tenants.create({ id: 'acme' });
      expect((await engines[3]!.tenants.get('acme')).id).toBe('acme');
    } finally {
      await Promise.all(engines.map((engine) => engine.close()));
    }
  });

  it('0007 keys the approvals made before it by the step key in their subject', async () => {
    const db = await fresh();
    const kysely = new Kysely<unknown>({
      dialect: dialect === 'sqlite' ? new SqliteDialect({ database: new Database(db.url.slice('sqlite:'.length)) }) : new PostgresDialect({ pool: new pg.Pool({ connectionString: db.url }) }),
    });
    const previous = migrations.slice(0, migrations.findIndex((migration) => migration.name === '0007_approval_key_and_delivery'));
    try {
      await runMigrations(kysely, previous);
      await sql`insert into tenants (tenant_id, name, plan, created_at, updated_at) values ('acme', 'Acme', 'free', 1, 1)`.execute(kysely);
      const approval = (id: string, subject: string) =>
        sql`insert into approvals (tenant_id, id, chain_id, status, requester_id, subject, snapshot, next_timer_at, version, created_at, updated_at)
            values ('acme', ${id}, 'c', 'pending', 'u1', ${subject}, '{}', null, 1, 1, 1)`.execute(kysely);
      await approval('apr_step', JSON.stringify({ workflowStep: 'run_1:approve', runId: 'run_1' }));
      await approval('apr_policy', JSON.stringify({ action: 'billing:refund' }));
      await approval('apr_odd', JSON.stringify({ workflowStep: 7 }));
    } finally {
      await kysely.destroy();
    }
    const engine = createAuterity({ database: db.url });
    try {
      expect(await engine.migrate()).toEqual({ applied: ['0007_approval_key_and_delivery'] });
    } finally {
      await engine.close();
    }
    const keys = await rawQuery(db, 'select id, request_key from approvals order by id');
    expect(keys).toEqual([
      { id: 'apr_odd', request_key: null },
      { id: 'apr_policy', request_key: null },
      { id: 'apr_step', request_key: 'run_1:approve' },
    ]);
  });

  it('refuses to work after close()', async () => {
    const db = await fresh();
    const engine = createAuterity({ database: db.url });
    await engine.migrate();
    await engine.close();
    await engine.close();
    const error = await engine.tenants.list().catch((caught: unknown) => caught);
    expect(isAuterityError(error, 'unavailable')).toBe(true);
  });
});

describe('migrations on an in-memory SQLite database', () => {
  let engine: ReturnType<typeof createAuterity>;
  beforeAll(() => {
    engine = createAuterity({ database: 'sqlite::memory:' });
  });
  afterAll(() => engine.close());

  it('keeps one database for the life of the engine', async () => {
    await engine.tenants.create({ id: 'mem' });
    expect((await engine.tenants.list()).map((tenant) => tenant.id)).toEqual(['mem']);
  });
});

describe('PostgreSQL type parsing', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('postgres');
  });
  afterAll(() => db.drop());

  it("reads bigint times as numbers without changing the host's global pg parsers", async () => {
    const engine = createAuterity({ database: db.url });
    try {
      const tenant = await engine.tenants.create({ id: 'acme' });
      expect(typeof (await engine.tenants.get('acme')).createdAt).toBe('number');
      expect((await engine.tenants.get('acme')).createdAt).toBe(tenant.createdAt);
    } finally {
      await engine.close();
    }
    expect(pg.types.getTypeParser(20)('9007199254740993')).toBe('9007199254740993');
  });
});
