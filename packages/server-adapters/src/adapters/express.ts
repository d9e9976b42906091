// Express 5: `app.use('/api', toExpress(handler))` with `createHandler(engine, { basePath: '/api' })`.
// The full `originalUrl` is passed on, so the handler's basePath names the mount point. Mount it
// before any body parser: the handler reads the raw body itself (webhooks verify signatures on the
// raw bytes). If a parser ran first anyway, a Buffer or string body it left (express.raw/text) is
// passed on as is, and a parsed JSON object is re-serialised (its raw bytes are gone by then).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleNode, type FetchHandler } from './node-bridge.js';

/** The parts of Express's request this adapter reads (so the types need no @types/express). */
export interface ExpressLikeRequest extends IncomingMessage {
  originalUrl?: string;
  body?: unknown;
}

export type ExpressMiddleware = (req: ExpressLikeRequest, res: ServerResponse, next: (error?: unknown) => void) => void;

export function toExpress(handler: FetchHandler): ExpressMiddleware {
  return (req, res, next) => {
    let consumed: string | Uint8Array | undefined;
    if (req.readableEnded && req.body !== undefined) {
      consumed = typeof req.body === 'string' || req.body instanceof Uint8Array ? req.body : JSON.stringify(req.body);
    }
    handleNode(handler, req, res, { url: req.originalUrl ?? req.url ?? '/', ...(consumed !== undefined && { consumedBody: consumed }) }).catch(next);
  };
}
