// AI router core: routes and strategies over the catalog's models, with retries honouring
// Retry-After, timeouts, circuit breakers and streaming fallback. See DESIGN §6.
export { createRouter, type RouteSummary, type Router, type RouterDeps } from './router.js';
export { routerOptionsSchema, type RetryOptions, type RouteInput, type RouterOptions } from './schema.js';
export { compareArms, type ArmComparison, type ArmStats } from './experiment.js';
export { estimateCost } from './strategies.js';
