// Direct SQL access to a test database, bypassing the engine: used to tamper with stored rows.
import Database from 'better-sqlite3';
import pg from 'pg';
import type { TestDatabase } from '@auterity/testing';

/** Runs one statement with positional parameters (`?` placeholders; rewritten to $n for PostgreSQL). */
export async function rawExecute(db: TestDatabase, statement: string, params: unknown[] = []): Promise<void> {
  if (db.dialect === 'sqlite') {
    const sqlite = new Database(db.url.slice('sqlite:'.length));
    try {
      sqlite.prepare(statement).run(...params);
    } finally {
      sqlite.close();
    }
    return;
  }
  let index = 0;
  const text = statement.replace(/\?/g, () => `$${++index}`);
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    await client.query(text, params);
  } finally {
    await client.end();
  }
}
