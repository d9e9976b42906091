import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createAuterity } from '@auterity/core';
import { createTestDatabase, testDialects, type TestDatabase } from '@auterity/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/index.js';
import { loadEngineOptions, SECRET_FILE } from '../src/cli/config.js';

const packageDir = path.resolve(import.meta.dirname, '..');

async function cli(argv: string[], env: Record<string, string | undefined>, cwd = tmpdir()) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { stdout: (line) => out.push(line), stderr: (line) => err.push(line), env, cwd });
  return { code, stdout: out.join('\n'), stderr: err.join('\n'), lastLine: out.at(-1) ?? '' };
}

describe.each(testDialects)('auterity CLI on %s', (dialect) => {
  let db: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    env = { AUTERITY_DATABASE_URL: db.url };
  });
  afterAll(async () => {
    await db.drop();
  });

  it('migrates once, then reports the schema up to date', async () => {
    const first = await cli(['migrate'], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Applied migration /);
    const second = await cli(['migrate'], env);
    expect(second).toMatchObject({ code: 0, stdout: 'Database is up to date.' });
  });

  it('creates a tenant with a plan and a name', async () => {
    const result = await cli(['tenant', 'create', 'acme', '--plan', 'pro', '--name', 'Acme Corp'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Created tenant acme "Acme Corp" on plan pro');
    const engine = createAuterity({ database: db.url });
    try {
      expect(await engine.tenants.get('acme')).toMatchObject({ id: 'acme', name: 'Acme Corp', plan: 'pro' });
    } finally {
      await engine.close();
    }
  });

  it('refuses a duplicate tenant with a conflict and exit code 1', async () => {
    const result = await cli(['tenant', 'create', 'acme'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/acme/);
  });

  it('creates an API key and prints it as the last line; the key verifies with its scopes', async () => {
    const result = await cli(['key', 'create', 'acme', '--scopes', 'workflows:read, runs:write', '--name', 'ci'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/shown only once/);
    const engine = createAuterity({ database: db.url });
    try {
      const verified = await engine.apiKeys.verify(result.lastLine);
      expect(verified).toMatchObject({ tenantId: 'acme', scopes: ['workflows:read', 'runs:write'] });
    } finally {
      await engine.close();
    }
  });

  it('refuses a key for a tenant that does not exist', async () => {
    const result = await cli(['key', 'create', 'nobody'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/nobody/);
  });
});

describe('auterity CLI argument errors name the argument and what was expected', () => {
  const env = { AUTERITY_DATABASE_URL: 'sqlite::memory:' };

  it.each([
    [['tenant', 'create'], /missing argument <id>/],
    [['key', 'create'], /missing argument <tenantId>/],
    [['tenant', 'create', 'a', 'b'], /unexpected argument "b"/],
    [['tenant', 'create', 'acme', '--plann', 'pro'], /--plann/],
    [['tenant', 'create', 'acme', '--plan'], /--plan/],
    [['tenant', 'create', 'acme', '--name', ''], /--name: expected a value/],
    [['key', 'create', 'acme', '--scopes', 'a,,b'], /--scopes: expected a comma-separated list/],
    [['tenant', 'remove', 'acme'], /unknown command "tenant remove": expected "tenant create"/],
    [['frobnicate'], /unknown command "frobnicate": expected one of "migrate"/],
  ])('%j', async (argv, message) => {
    const result = await cli(argv, env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/Usage: auterity/);
  });

  it('an invalid tenant id names the field', async () => {
    const result = await cli(['tenant', 'create', 'Not A Slug!'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/id/);
  });

  it('an invalid AUTERITY_DATABASE_URL names the option and what was expected', async () => {
    const result = await cli(['migrate'], { AUTERITY_DATABASE_URL: 'mysql://localhost/app' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/database/);
    expect(result.stderr).toMatch(/mysql:\/\/localhost\/app/);
  });

  it('reads options from auterity.config.json in the working directory, the environment winning', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'auterity-cli-'));
    try {
      writeFileSync(path.join(dir, 'auterity.config.json'), JSON.stringify({ database: 'sqlite:./from-config.db' }));
      expect((await cli(['migrate'], {}, dir)).code).toBe(0);
      expect(existsSync(path.join(dir, 'from-config.db'))).toBe(true);
      writeFileSync(path.join(dir, 'auterity.config.json'), JSON.stringify({ database: 'sqlite:./from-config.db', colour: 'blue' }));
      const unknown = await cli(['migrate'], {}, dir);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/colour/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints help with every command', async () => {
    const result = await cli(['--help'], env);
    expect(result.code).toBe(0);
    for (const usage of ['auterity migrate', 'auterity tenant create <id>', 'auterity key create <tenantId>']) {
      expect(result.stdout).toContain(usage);
    }
  });
});

describe('the published auterity binary', () => {
  it('runs migrate, tenant create and key create in child processes', async () => {
    const bin = path.join(packageDir, 'bin', 'auterity.js');
    expect(existsSync(path.join(packageDir, 'dist', 'index.js')), 'build the packages first: pnpm build').toBe(true);
    const dir = mkdtempSync(path.join(tmpdir(), 'auterity-bin-'));
    const run = promisify(execFile);
    const env = { ...process.env, AUTERITY_DATABASE_URL: `sqlite:${path.join(dir, 'db.sqlite')}` };
    try {
      await run(process.execPath, [bin, 'migrate'], { env });
      await run(process.execPath, [bin, 'tenant', 'create', 'globex'], { env });
      const { stdout } = await run(process.execPath, [bin, 'key', 'create', 'globex'], { env });
      const key = stdout.trim().split('\n').at(-1) ?? '';
      const engine = createAuterity({ database: env.AUTERITY_DATABASE_URL });
      try {
        expect(await engine.apiKeys.verify(key)).toMatchObject({ tenantId: 'globex' });
      } finally {
        await engine.close();
      }
      const failed = await run(process.execPath, [bin, 'tenant', 'create'], { env }).catch((error: { code: number; stderr: string }) => error);
      expect(failed).toMatchObject({ code: 2, stderr: expect.stringMatching(/missing argument <id>/) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the engine secret of an embedded database', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'auterity-secret-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('is made once beside the SQLite file, readable by its owner only, and read by every later run', async () => {
    const dir = fresh();
    const first = await loadEngineOptions(dir, {}, undefined);
    const file = path.join(dir, '.auterity', SECRET_FILE);
    expect(first.options.secret).toMatch(/^[\w-]{43}$/);
    expect(first.sources.secret).toBe(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await loadEngineOptions(dir, {}, undefined)).options.secret).toBe(first.options.secret);
    // Only the secret is left in the directory (no drafts).
    expect(readdirSync(path.join(dir, '.auterity'))).toEqual([SECRET_FILE]);
    // Another database file elsewhere has its own.
    const other = await loadEngineOptions(dir, { AUTERITY_DATABASE_URL: 'sqlite:./data/other.db' }, undefined);
    expect(other.sources.secret).toBe(path.join(dir, 'data', SECRET_FILE));
    expect(other.options.secret).not.toBe(first.options.secret);
  });

  it('is not made when one is configured, nor for PostgreSQL; in memory it lasts the process', async () => {
    const dir = fresh();
    const configured = await loadEngineOptions(dir, { AUTERITY_SECRET: 's'.repeat(40) }, undefined);
    expect(configured.options.secret).toBe('s'.repeat(40));
    expect(existsSync(path.join(dir, '.auterity', SECRET_FILE))).toBe(false);
    const postgres = await loadEngineOptions(dir, { AUTERITY_DATABASE_URL: 'postgres://127.0.0.1:5432/app' }, undefined);
    expect(postgres.options.secret).toBeUndefined();
    const memory = await loadEngineOptions(dir, { AUTERITY_DATABASE_URL: 'sqlite::memory:' }, undefined);
    expect(memory.options.secret).toMatch(/^[\w-]{43}$/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a secret file too short to sign with, naming it', async () => {
    const dir = fresh();
    mkdirSync(path.join(dir, '.auterity'));
    writeFileSync(path.join(dir, '.auterity', SECRET_FILE), 'short\n');
    const result = await cli(['migrate'], {}, dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${path.join(dir, '.auterity', SECRET_FILE)}: expected a secret of at least 32 characters`);
  });

  it('signs invitations from the CLI engine with no configuration', async () => {
    const dir = fresh();
    expect((await cli(['tenant', 'create', 'acme'], {}, dir)).code).toBe(0);
    const { options } = await loadEngineOptions(dir, {}, undefined);
    const engine = createAuterity(options);
    try {
      const created = await engine.tenant('acme', { id: 'owner', roles: ['admin'] }).governance.invitations.create({ email: 'ada@example.com', roles: ['viewer'] });
      // A later engine on the same database (a restarted server) accepts the token.
      const later = createAuterity((await loadEngineOptions(dir, {}, undefined)).options);
      try {
        expect((await later.acceptInvitation(created.token, { id: 'user-ada' })).member).toMatchObject({ tenantId: 'acme', email: 'ada@example.com' });
      } finally {
        await later.close();
      }
    } finally {
      await engine.close();
    }
  });
});
