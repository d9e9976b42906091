export { assembleCompletion, createResponseCache, isComplete, replayChunks } from './cache.js';
export type { CachedAnswer, CacheStats, ResponseCache } from './cache.js';
export { createMemoryStore, createRedisStore } from './stores.js';
export type { CacheStore } from './stores.js';
