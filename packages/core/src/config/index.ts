export { resolveOptions, describeValue, DEFAULT_DATABASE_URL, type AuterityOptions, type ResolvedOptions } from './options.js';
export { silentLogger, type Logger } from './logger.js';
