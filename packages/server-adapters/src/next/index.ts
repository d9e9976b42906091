export { toNextRouteHandlers } from '../adapters/next.js';
export type { FetchHandler, NextRouteHandler, NextRouteHandlers } from '../adapters/next.js';
