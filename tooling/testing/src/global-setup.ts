// vitest globalSetup for suites that need PostgreSQL and Redis. It runs in vitest's main process
// before any worker starts, so the URLs it exports through the environment reach every test file.
import { ensurePostgres, ensureRedis, POSTGRES_URL_ENV, REDIS_URL_ENV } from './services.js';

export default async function setup(): Promise<() => Promise<void>> {
  const [postgres, redis] = await Promise.all([ensurePostgres(), ensureRedis()]);
  process.env[POSTGRES_URL_ENV] = postgres.url;
  process.env[REDIS_URL_ENV] = redis.url;
  return async () => {
    await Promise.all([postgres.stop(), redis.stop()]);
  };
}
