import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuterityError, createAuterity, isAuterityError } from '@auterity/core';

function optionsError(options: unknown): AuterityError {
  try {
    createAuterity(options as never);
  } catch (error) {
    if (isAuterityError(error, 'invalid_options')) return error;
    throw error;
  }
  throw new Error('expected createAuterity to throw');
}

describe('createAuterity options', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('names the database option and the accepted forms', () => {
    const error = optionsError({ database: 'mysql://x' });
    expect(error.code).toBe('invalid_options');
    expect(error.status).toBe(500);
    expect(error.issues).toEqual([
      { path: 'options.database', message: 'expected "sqlite:<path>", "sqlite::memory:" or a "postgres://" URL, got "mysql://x"' },
    ]);
    expect(error.message).toContain('options.database: expected "sqlite:<path>", "sqlite::memory:" or a "postgres://" URL, got "mysql://x"');
  });

  it('never prints a database password', () => {
    const error = optionsError({ database: { dialect: 'postgres', connectionString: 'mysql://u:hunter2@h/db' } });
    expect(error.issues).toEqual([
      { path: 'options.database.connectionString', message: 'expected a "postgres://" or "postgresql://" URL, got "mysql://u:***@h/db"' },
    ]);
    expect(error.message).not.toContain('hunter2');
  });

  it.each([
    [{ database: 42 }, 'options.database', /expected "sqlite:<path>".*got number 42/],
    [{ database: 'sqlite:' }, 'options.database', /got "sqlite:"/],
    [{ database: { dialect: 'mysql' } }, 'options.database.dialect', /expected "sqlite" or "postgres", got "mysql"/],
    [{ database: { dialect: 'sqlite', filename: '' } }, 'options.database.filename', /expected a file path or ":memory:"/],
    [{ database: { dialect: 'sqlite', filename: 'a.db', mode: 'wal' } }, 'options.database.mode', /unknown option/],
    [{ database: { dialect: 'postgres', connectionString: 'postgres://h/db', pool: { max: 0 } } }, 'options.database.pool.max', /expected an integer from 1 to 1000, got number 0/],
    [{ redis: 'http://localhost:6379' }, 'options.redis', /expected a "redis:\/\/" or "rediss:\/\/" URL, got "http:\/\/localhost:6379"/],
    [{ secret: 'too-short' }, 'options.secret', /expected a string of at least 32 characters, got 9 characters/],
    [{ secret: 12345 }, 'options.secret', /expected a string of at least 32 characters, got number 12345/],
    [{ migrate: 'yes' }, 'options.migrate', /expected true or false, got "yes"/],
    [{ logger: { info: () => undefined } }, 'options.logger', /missing debug, warn, error/],
    [{ databse: 'sqlite::memory:' }, 'options.databse', /unknown option \(did you mean "database"\?\); expected one of database, redis, secret, migrate, logger/],
  ])('%j -> %s', (options, field, message) => {
    const error = optionsError({ database: 'sqlite::memory:', ...options });
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]!.path).toBe(field);
    expect(error.issues[0]!.message).toMatch(message);
    expect(error.message).toContain(field);
  });

  it('does not echo a short secret', () => {
    const error = optionsError({ secret: 'p4ssw0rd' });
    expect(error.message).not.toContain('p4ssw0rd');
  });

  it('reports every bad option at once', () => {
    const error = optionsError({ database: 'mysql://x', redis: 'nope', secret: 'short', migrate: 1, extra: true });
    expect(error.issues.map((issue) => issue.path).sort()).toEqual([
      'options.database',
      'options.extra',
      'options.migrate',
      'options.redis',
      'options.secret',
    ]);
    for (const issue of error.issues) expect(error.message).toContain(`${issue.path}: ${issue.message}`);
  });

  it('rejects options that are not an object', () => {
    expect(optionsError('sqlite::memory:').issues).toEqual([{ path: 'options', message: 'expected an options object, got "sqlite::memory:"' }]);
  });

  it('reads defaults from the environment and says so when they are wrong', () => {
    vi.stubEnv('AUTERITY_DATABASE_URL', 'mongodb://db');
    vi.stubEnv('AUTERITY_SECRET', 'short');
    const error = optionsError({});
    expect(error.issues).toEqual([
      { path: 'options.database', message: 'expected "sqlite:<path>", "sqlite::memory:" or a "postgres://" URL, got "mongodb://db" (from AUTERITY_DATABASE_URL)' },
      { path: 'options.secret', message: 'expected a string of at least 32 characters, got 5 characters (from AUTERITY_SECRET)' },
    ]);
  });

  it('lets explicit options win over the environment', async () => {
    vi.stubEnv('AUTERITY_DATABASE_URL', 'mongodb://db');
    vi.stubEnv('AUTERITY_REDIS_URL', 'redis://127.0.0.1:6379');
    const engine = createAuterity({ database: 'sqlite::memory:', secret: 'x'.repeat(32) });
    expect(engine.dialect).toBe('sqlite');
    await engine.close();
  });

  it('accepts every database form without touching the database', async () => {
    const forms = [
      'sqlite::memory:',
      'sqlite:./relative.db',
      { dialect: 'sqlite', filename: ':memory:' },
      'postgres://user:pw@127.0.0.1:1/none',
      'postgresql://127.0.0.1:1/none',
      { dialect: 'postgres', connectionString: 'postgres://127.0.0.1:1/none', pool: { max: 3 } },
    ] as const;
    for (const database of forms) {
      const engine = createAuterity({ database, redis: 'rediss://cache.example:6380', logger: console });
      expect(engine.dialect).toBe(typeof database === 'string' ? (database.startsWith('sqlite') ? 'sqlite' : 'postgres') : database.dialect);
      await engine.close();
    }
  });

  it('defaults to a SQLite file under .auterity/ in the working directory, created on first use', async () => {
    vi.stubEnv('AUTERITY_DATABASE_URL', '');
    const dir = mkdtempSync(path.join(tmpdir(), 'auterity-default-'));
    const previous = process.cwd();
    process.chdir(dir);
    try {
      const engine = createAuterity();
      expect(engine.dialect).toBe('sqlite');
      expect(existsSync(path.join(dir, '.auterity'))).toBe(false);
      expect(await engine.tenants.list()).toEqual([]);
      await engine.close();
      expect(existsSync(path.join(dir, '.auterity', 'auterity.db'))).toBe(true);
    } finally {
      process.chdir(previous);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names bad workflows options, each at its own path', () => {
    const error = optionsError({
      database: 'sqlite::memory:',
      workflows: { pollIntervalMs: 0, maxConcurrentSteps: 1.5, code: { workers: 100 }, actions: [{ name: 'x' }], guards: [{ beforeRun: 'yes' }], pollIntervalMS: 5 },
    });
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(
      ['workflows.pollIntervalMS', 'workflows.actions.0', 'workflows.code.workers', 'workflows.guards.0', 'workflows.maxConcurrentSteps', 'workflows.pollIntervalMs'].sort(),
    );
    expect(error.message).toContain('workflows.pollIntervalMs: expected milliseconds from 1 to 3600000, got number 0');
    expect(error.message).toContain('workflows.actions.0: expected an action made with defineAction()');
  });
});
