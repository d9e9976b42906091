// Real PostgreSQL and Redis for the test suites. CI (.ci/run) starts the Debian services first; on a
// developer machine without them running, the servers are started from the binaries on PATH (or
// Debian's /usr/lib/postgresql/*/bin) in a throwaway directory. A missing server is an error that
// says how to install it, never a silent skip.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { Redis } from 'ioredis';

export const POSTGRES_URL_ENV = 'AUTERITY_TEST_POSTGRES_URL';
export const REDIS_URL_ENV = 'AUTERITY_TEST_REDIS_URL';
const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export interface RunningService {
  url: string;
  /** Stops the server if this process started it; a no-op for a server that was already running. */
  stop(): Promise<void>;
}

export async function postgresReachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function redisReachable(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function findBinary(name: string, extraDirs: string[] = []): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), ...extraDirs];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

function debianPostgresDirs(): string[] {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => path.join(root, version, 'bin'));
}

async function waitFor(check: () => Promise<boolean>, what: string, child: ChildProcess, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode} while starting`);
    await sleep(200);
  }
  throw new Error(`${what} did not become ready within ${timeoutMs} ms`);
}

const INSTALL_POSTGRES =
  'Install PostgreSQL (Debian/Ubuntu: `apt-get install postgresql`; macOS: `brew install postgresql@16`) and start it, ' +
  `or point ${POSTGRES_URL_ENV} at a server with trust authentication.`;
const INSTALL_REDIS =
  'Install Redis (Debian/Ubuntu: `apt-get install redis-server`; macOS: `brew install redis`) and start it, ' +
  `or point ${REDIS_URL_ENV} at a running server.`;

export async function ensurePostgres(): Promise<RunningService> {
  const url = process.env[POSTGRES_URL_ENV] ?? DEFAULT_POSTGRES_URL;
  if (await postgresReachable(url)) return { url, stop: async () => undefined };
  if (process.env[POSTGRES_URL_ENV]) {
    throw new Error(`PostgreSQL is not reachable at ${POSTGRES_URL_ENV}=${url}. ${INSTALL_POSTGRES}`);
  }
  const extra = debianPostgresDirs();
  const initdb = findBinary('initdb', extra);
  const postgres = findBinary('postgres', extra);
  if (!initdb || !postgres) {
    throw new Error(`PostgreSQL is not reachable at ${url} and no initdb/postgres binaries were found to start one. ${INSTALL_POSTGRES}`);
  }
  // PostgreSQL refuses to run as root: run it as the `postgres` system user there.
  const asRoot = process.getuid?.() === 0;
  const wrap = (cmd: string, args: string[]): [string, string[]] => (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'auterity-pg-'));
  if (asRoot) {
    const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    chownSync(dataDir, Number(ids.stdout.trim()), Number(gid.stdout.trim()));
    chmodSync(dataDir, 0o700);
  }
  const [initCmd, initArgs] = wrap(initdb, ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync']);
  const init = spawnSync(initCmd, initArgs, { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}. ${INSTALL_POSTGRES}`);
  const port = await freePort();
  const [cmd, args] = wrap(postgres, ['-D', dataDir, '-p', String(port), '-k', dataDir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off']);
  const child = spawn(cmd, args, { stdio: 'ignore' });
  const startedUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await waitFor(() => postgresReachable(startedUrl), 'PostgreSQL', child);
  return {
    url: startedUrl,
    stop: async () => {
      child.kill('SIGINT');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function ensureRedis(): Promise<RunningService> {
  const url = process.env[REDIS_URL_ENV] ?? DEFAULT_REDIS_URL;
  if (await redisReachable(url)) return { url, stop: async () => undefined };
  if (process.env[REDIS_URL_ENV]) {
    throw new Error(`Redis is not reachable at ${REDIS_URL_ENV}=${url}. ${INSTALL_REDIS}`);
  }
  const binary = findBinary('redis-server');
  if (!binary) throw new Error(`Redis is not reachable at ${url} and no redis-server binary was found to start one. ${INSTALL_REDIS}`);
  const port = await freePort();
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const startedUrl = `redis://127.0.0.1:${port}`;
  await waitFor(() => redisReachable(startedUrl), 'Redis', child);
  return {
    url: startedUrl,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
