export { createTestDatabase, createTestRedis, testDialects } from './databases.js';
export type { TestDatabase, TestDialect, TestRedis } from './databases.js';
export { ensurePostgres, ensureRedis, POSTGRES_URL_ENV, REDIS_URL_ENV } from './services.js';
export { workspaceAliases } from './workspace-aliases.js';
export { countUpstreamTokens, createChatUpstream } from './chat-upstream.js';
export type { ChatUpstream, ChatUpstreamBehaviour, ChatUpstreamOptions, RecordedChatRequest } from './chat-upstream.js';
