export { toHono } from '../adapters/hono.js';
export type { FetchHandler } from '../adapters/hono.js';
