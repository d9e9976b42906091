// The one bridge between Node's http objects and the web-standard handler, shared by the Node,
// Express, Fastify and Next.js (custom server) adapters. Requests stream in (nothing is buffered
// here; the handler enforces its own size limit) with an AbortSignal that fires when the client
// goes away; responses stream out with backpressure and stop when the client disconnects.
import type { IncomingMessage, ServerResponse } from 'node:http';

export type FetchHandler = (request: Request) => Promise<Response>;

export interface ToWebRequestOptions {
  /** The path and query to use instead of `req.url` (Express: `originalUrl`, which keeps the mount path). */
  url?: string;
  /** A body some middleware already read (Buffer or string), used when the stream has been consumed. */
  consumedBody?: Uint8Array | string;
}

function originOf(req: IncomingMessage): string {
  const encrypted = (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
  const host = req.headers.host;
  const origin = `${encrypted ? 'https' : 'http'}://${host ?? 'localhost'}`;
  try {
    return new URL(origin).origin;
  } catch {
    return `${encrypted ? 'https' : 'http'}://localhost`;
  }
}

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.startsWith(':')) continue; // HTTP/2 pseudo-headers
    try {
      headers.append(name, raw[i + 1]!);
    } catch {
      // A header Node accepted but fetch's Headers refuses is dropped rather than failing the request.
    }
  }
  return headers;
}

/** A web ReadableStream over the request body that pulls only as fast as the handler reads. */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let settled = false;
  const cleanup = () => {
    settled = true;
    req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
  };
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const onData = (chunk: Buffer | string) => {
    controller.enqueue(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if ((controller.desiredSize ?? 0) <= 0) req.pause();
  };
  const onEnd = () => {
    cleanup();
    controller.close();
  };
  const onError = (error: Error) => {
    cleanup();
    controller.error(error);
  };
  const onClose = () => {
    if (!settled && !req.complete) onError(new Error('The client closed the connection before sending the whole body.'));
  };
  return new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
        req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
        req.pause();
      },
      pull() {
        req.resume();
      },
      cancel() {
        // Stop listening; Node discards whatever the client still sends once the response ends.
        cleanup();
        req.resume();
      },
    },
    { highWaterMark: 1 },
  );
}

function hasBody(req: IncomingMessage): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return false;
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Converts a Node request into a web Request. `res` supplies the disconnect signal: it aborts when
 * the connection closes before the response has been fully written.
 */
export function toWebRequest(req: IncomingMessage, res: ServerResponse, options: ToWebRequestOptions = {}): Request {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  const path = options.url ?? req.url ?? '/';
  let url: string;
  try {
    // Concatenation, not `new URL(path, base)`: a path starting with "//" must stay a path.
    url = new URL(`${originOf(req)}${path.startsWith('/') ? path : `/${path}`}`).href;
  } catch {
    url = `${originOf(req)}/`;
  }
  const method = req.method ?? 'GET';
  let body: ReadableStream<Uint8Array> | Uint8Array | string | null = null;
  if (options.consumedBody !== undefined && method !== 'GET' && method !== 'HEAD') body = options.consumedBody;
  else if (hasBody(req) && !req.readableEnded) body = bodyStream(req);
  const init: RequestInit & { duplex?: 'half' } = { method, headers: headersOf(req), signal: controller.signal };
  if (body !== null) {
    init.body = body;
    init.duplex = 'half';
  }
  return new Request(url, init);
}

/** Writes a web Response to a Node response, streaming its body and honouring backpressure. */
export async function writeWebResponse(res: ServerResponse, response: Response, request?: { method?: string | undefined }): Promise<void> {
  res.statusCode = response.status;
  const cookies = response.headers.getSetCookie();
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') res.setHeader(name, value);
  }
  if (cookies.length) res.setHeader('set-cookie', cookies);
  if (!response.body || request?.method === 'HEAD') {
    await response.body?.cancel().catch(() => undefined);
    res.end();
    return;
  }
  // Headers go out at once, so a stream (SSE) is visible to the client before its first event.
  res.flushHeaders();
  const reader = response.body.getReader();
  const onClose = () => void reader.cancel().catch(() => undefined);
  res.once('close', onClose);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (res.destroyed) break;
      if (!res.write(value)) {
        await new Promise<void>((resolve) => {
          const resume = () => {
            res.off('drain', resume).off('close', resume);
            resolve();
          };
          res.on('drain', resume).on('close', resume);
        });
      }
    }
  } catch {
    // The body failed mid-stream: end the connection abruptly so the client sees an incomplete
    // response instead of a clean end.
    res.destroy();
    return;
  } finally {
    res.off('close', onClose);
  }
  res.end();
}

/**
 * Runs `handler` for a Node request/response pair. Never rejects (Node ignores a listener's
 * promise, so a rejection would be unhandled): a handler that throws gets a bare 500, and a
 * response that cannot be written ends the connection.
 */
export async function handleNode(handler: FetchHandler, req: IncomingMessage, res: ServerResponse, options?: ToWebRequestOptions): Promise<void> {
  try {
    let response: Response;
    try {
      response = await handler(toWebRequest(req, res, options));
    } catch {
      response = new Response(JSON.stringify({ error: { code: 'internal', message: 'Internal server error.' } }), {
        status: 500,
        headers: { 'content-type': 'application/json; charset=utf-8' },
      });
    }
    await writeWebResponse(res, response, req);
  } catch {
    res.destroy();
  }
}
