export { createMemoryBackend } from './memory.js';
export { createSqlBackend } from './sql.js';
export { createRedisBackend, type RedisBackendOptions } from './redis.js';
export type {
  CommitRequest,
  CommitResult,
  ConsumeRequest,
  ConsumeResult,
  CounterRef,
  QuotaBackend,
  RateRequest,
  RateResult,
  ReserveRequest,
  UsageQuery,
  UsageRecord,
} from './types.js';
