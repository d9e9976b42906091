export { toNodeHandler } from '../adapters/node.js';
export { handleNode, toWebRequest, writeWebResponse } from '../adapters/node-bridge.js';
export type { FetchHandler, ToWebRequestOptions } from '../adapters/node-bridge.js';
