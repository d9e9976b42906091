import { afterAll, beforeAll } from 'vitest';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createTestDatabase, type TestDatabase, type TestDialect } from '@auterity/testing';
import { createAuterity, type Auterity, type AuterityError, type CreateAuterityOptions } from '@auterity/core';

export interface EngineFixture {
  readonly db: TestDatabase;
  readonly engine: Auterity;
}

/** A fresh database and an engine on it for one suite; closed and dropped after the suite. */
export function useEngine(dialect: TestDialect, options: Omit<CreateAuterityOptions, 'database'> = {}): EngineFixture {
  let db: TestDatabase | undefined;
  let engine: Auterity | undefined;
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    engine = createAuterity({ ...options, database: db.url });
  });
  afterAll(async () => {
    await engine?.close();
    await db?.drop();
  });
  return {
    get db() {
      if (!db) throw new Error('fixture used outside a test');
      return db;
    },
    get engine() {
      if (!engine) throw new Error('fixture used outside a test');
      return engine;
    },
  };
}

/** Reads rows straight from the database, bypassing the engine. */
export async function rawQuery(db: TestDatabase, query: string): Promise<Record<string, unknown>[]> {
  if (db.dialect === 'sqlite') {
    const sqlite = new Database(db.url.slice('sqlite:'.length), { readonly: true });
    try {
      return sqlite.prepare(query).all() as Record<string, unknown>[];
    } finally {
      sqlite.close();
    }
  }
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query(query)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

export const admin = { id: 'user_admin', roles: ['admin'] };

/** The rejection of `promise`, which must reject; typed as the engine's errors are (callers assert its `code`). */
export async function rejection(promise: Promise<unknown>): Promise<AuterityError> {
  try {
    await promise;
  } catch (error) {
    return error as AuterityError;
  }
  throw new Error('expected the promise to reject');
}
