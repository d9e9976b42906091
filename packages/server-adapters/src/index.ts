// @auterity/server-adapters: the HTTP API as one web-standard handler, and the `auterity` CLI.
// Framework adapters live in their own subpaths: ./node, ./express, ./fastify, ./hono, ./next.
export { createHandler, formatSseEvent, lastEventIdOf, sseResponse } from './http/index.js';
export type {
  AuthCallback,
  AuthResult,
  CorsOptions,
  ErrorLogger,
  FetchHandler,
  HandlerLimits,
  HandlerOptions,
  Principal,
  RateLimitOptions,
  SseEvent,
  SseOptions,
  SseSource,
  SseSourceContext,
} from './http/index.js';
export type { OpenApiDocument } from './openapi/index.js';
export { runCli } from './cli/index.js';
export type { CliIo } from './cli/index.js';
