export { createHandler } from './handler.js';
export type { FetchHandler, HandlerLimits, HandlerOptions } from './handler.js';
export type { AuthCallback, AuthResult, Principal } from './auth.js';
export type { CorsOptions } from './cors.js';
export type { ErrorLogger } from './errors.js';
export type { RateLimitOptions } from './rate-limit.js';
export { formatSseEvent, lastEventIdOf, sseResponse } from './sse.js';
export type { SseEvent, SseOptions, SseSource, SseSourceContext } from './sse.js';
