// Node `http` (and anything with the same (req, res) signature, e.g. connect).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleNode, type FetchHandler } from './node-bridge.js';

/** `http.createServer(toNodeHandler(handler))`. */
export function toNodeHandler(handler: FetchHandler): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return (req, res) => handleNode(handler, req, res);
}
