// The one bridge between Node's http objects and the web-standard handler, shared by the Node,
// Express, Fastify and Next.js (custom server) adapters. Requests stream in (the handler reads the
// body from the socket up to its own size limit) with an AbortSignal that fires when the client
// goes away; responses stream out with backpressure and stop when the client disconnects.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { jsonReplyOf, READ_NODE_BODY } from '../http/fast-path.js';

export type FetchHandler = (request: Request) => Promise<Response>;

export interface ToWebRequestOptions {
  /** The path and query to use instead of `req.url` (Express: `originalUrl`, which keeps the mount path). */
  url?: string;
  /** A body some middleware already read (Buffer or string), used when the stream has been consumed. */
  consumedBody?: Uint8Array | string;
}

/** Origins by scheme and Host header: a keep-alive client sends the same one on every request. */
const origins = new Map<string, string>();
const MAX_ORIGINS = 256;

function originOf(req: IncomingMessage): string {
  const encrypted = (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
  const host = req.headers.host;
  const key = `${encrypted ? 's' : ''}:${host ?? ''}`;
  const known = origins.get(key);
  if (known !== undefined) return known;
  let origin: string;
  try {
    origin = new URL(`${encrypted ? 'https' : 'http'}://${host ?? 'localhost'}`).origin;
  } catch {
    origin = `${encrypted ? 'https' : 'http'}://localhost`;
  }
  if (origins.size >= MAX_ORIGINS) origins.clear();
  origins.set(key, origin);
  return origin;
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

/** Reads the whole body from the socket, at most `limit` bytes (null beyond, the rest discarded). */
function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const cleanup = () => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    };
    const onData = (chunk: Buffer | string) => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      total += buffer.byteLength;
      if (total > limit) {
        // Stop keeping it; Node discards whatever the client still sends.
        cleanup();
        req.resume();
        resolve(null);
        return;
      }
      chunks.push(buffer);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => {
      if (!req.complete) onError(new Error('The client closed the connection before sending the whole body.'));
    };
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
    req.resume();
  });
}

type BodySource = { kind: 'none' } | { kind: 'consumed'; body: Uint8Array | string } | { kind: 'node' };

/**
 * A web Request over a Node request, built without undici's Request constructor (the bulk of a
 * small request's cost): method, url, headers, signal and body are its own; the handler reads the
 * body straight from the socket ([READ_NODE_BODY]); any other member builds the real Request, over
 * the same body and signal, on first use. `instanceof Request` holds.
 */
class NodeRequest {
  readonly method: string;
  readonly url: string;
  readonly signal: AbortSignal;
  readonly #req: IncomingMessage;
  #source: BodySource;
  #headers: Headers | undefined;
  #body: ReadableStream<Uint8Array> | null | undefined;
  #real: Request | undefined;
  #read = false;

  constructor(req: IncomingMessage, method: string, url: string, signal: AbortSignal, source: BodySource) {
    this.#req = req;
    this.method = method;
    this.url = url;
    this.signal = signal;
    this.#source = source;
  }

  get headers(): Headers {
    return (this.#headers ??= headersOf(this.#req));
  }

  get body(): ReadableStream<Uint8Array> | null {
    if (this.#body === undefined) {
      const source = this.#source;
      this.#body =
        source.kind === 'none'
          ? null
          : source.kind === 'node'
            ? bodyStream(this.#req)
            : new Response(source.body).body;
      this.#source = { kind: 'none' };
    }
    return this.#body;
  }

  [READ_NODE_BODY](limit: number): Promise<Uint8Array | null> {
    if (this.#body !== undefined) return Promise.reject(new TypeError('The body has already been read.'));
    const source = this.#source;
    this.#source = { kind: 'none' };
    this.#body = null;
    this.#read = source.kind !== 'none';
    if (source.kind === 'none') return Promise.resolve(new Uint8Array(0));
    if (source.kind === 'node') return readBody(this.#req, limit);
    const bytes = typeof source.body === 'string' ? new TextEncoder().encode(source.body) : source.body;
    return Promise.resolve(bytes.byteLength > limit ? null : bytes);
  }

  #request(): Request {
    if (this.#real === undefined) {
      const body = this.body;
      const init: RequestInit & { duplex?: 'half' } = { method: this.method, headers: this.headers, signal: this.signal };
      if (body !== null) {
        init.body = body;
        init.duplex = 'half';
      }
      this.#real = new Request(this.url, init);
    }
    return this.#real;
  }

  get bodyUsed() { return this.#real !== undefined ? this.#real.bodyUsed : this.#read; }
  get cache() { return this.#request().cache; }
  get credentials() { return this.#request().credentials; }
  get destination() { return this.#request().destination; }
  get integrity() { return this.#request().integrity; }
  get keepalive() { return this.#request().keepalive; }
  get mode() { return this.#request().mode; }
  get redirect() { return this.#request().redirect; }
  get referrer() { return this.#request().referrer; }
  get referrerPolicy() { return this.#request().referrerPolicy; }
  get duplex() { return 'half' as const; }
  arrayBuffer() { return this.#request().arrayBuffer(); }
  blob() { return this.#request().blob(); }
  formData() { return this.#request().formData(); }
  json() { return this.#request().json(); }
  text() { return this.#request().text(); }
  bytes() { return (this.#request() as Request & { bytes(): Promise<Uint8Array> }).bytes(); }
  clone() { return this.#request().clone(); }
}
Object.setPrototypeOf(NodeRequest.prototype, Request.prototype);

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
  let source: BodySource = { kind: 'none' };
  if (options.consumedBody !== undefined && method !== 'GET' && method !== 'HEAD') source = { kind: 'consumed', body: options.consumedBody };
  else if (hasBody(req) && !req.readableEnded) source = { kind: 'node' };
  return new NodeRequest(req, method, url, controller.signal, source) as unknown as Request;
}

/** Writes a web Response to a Node response, streaming its body and honouring backpressure. */
export async function writeWebResponse(res: ServerResponse, response: Response, request?: { method?: string | undefined }): Promise<void> {
  const reply = jsonReplyOf(response);
  if (reply !== undefined) {
    // A plain JSON answer nobody touched: headers and bytes in one write.
    res.writeHead(reply.status, reply.headers);
    res.end(request?.method === 'HEAD' ? undefined : reply.bytes);
    return;
  }
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
  if (!response.headers.has('content-length')) res.flushHeaders();
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
