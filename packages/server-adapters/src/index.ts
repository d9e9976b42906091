export { runCli } from './cli/index.js';
export type { CliIo } from './cli/index.js';
