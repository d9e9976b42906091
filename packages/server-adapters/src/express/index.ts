export { toExpress } from '../adapters/express.js';
export type { ExpressLikeRequest, ExpressMiddleware } from '../adapters/express.js';
