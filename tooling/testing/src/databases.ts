// Throwaway databases for one suite: a real SQLite file in a temp directory, or a fresh PostgreSQL
// database on the test server. Each suite creates its own and drops it afterwards.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { POSTGRES_URL_ENV, REDIS_URL_ENV } from './services.js';

export type TestDialect = 'sqlite' | 'postgres';
/** Every storage suite runs once per dialect: `describe.each(testDialects)`. */
export const testDialects: readonly TestDialect[] = ['sqlite', 'postgres'];

export interface TestDatabase {
  dialect: TestDialect;
  /** `sqlite:<file>` or `postgres://…/<fresh database>`, the form AUTERITY_DATABASE_URL takes. */
  url: string;
  drop(): Promise<void>;
}

function requireEnv(name: string, what: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: this suite needs ${what}. Add '@auterity/testing/global-setup' to the project's globalSetup.`);
  }
  return value;
}

const uniqueName = (prefix: string) => `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;

export async function createTestDatabase(dialect: TestDialect): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'auterity-sqlite-'));
    return {
      dialect,
      url: `sqlite:${path.join(dir, 'auterity.db')}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const adminUrl = requireEnv(POSTGRES_URL_ENV, 'a PostgreSQL server');
  const name = uniqueName('auterity_test');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    dialect,
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export interface TestRedis {
  url: string;
  /** A key prefix no other suite uses; `cleanup()` deletes every key under it. */
  prefix: string;
  cleanup(): Promise<void>;
}

export async function createTestRedis(): Promise<TestRedis> {
  const url = requireEnv(REDIS_URL_ENV, 'a Redis server');
  const prefix = `${uniqueName('auterity-test')}:`;
  return {
    url,
    prefix,
    cleanup: async () => {
      const redis = new Redis(url);
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
          cursor = next;
          if (keys.length) await redis.del(...keys);
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}
