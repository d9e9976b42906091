// A fetch over node:http(s) for the openai client. The global fetch keeps reading a response body
// after its request is aborted (the socket stays busy until the upstream finishes, and a streaming
// upstream goes on generating tokens); this one destroys the socket at once, and `close()` drops
// the keep-alive pool.
//
// It answers with an `UpstreamResponse`, not a web `Response`: building one (and its `Headers`)
// costs more CPU than the rest of a call's plumbing. `UpstreamResponse` has what the openai client
// reads (`status`, `ok`, `url`, `headers.get`/`entries`, `json()`, `text()`, and `body` for
// streams, made on first access), and `toResponse()` gives a real `Response` when one is needed.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { urlToHttpOptions } from 'node:url';

export interface HttpFetch {
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  close(): void;
}

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
/** Methods node sends without a length or chunked framing when they carry no body. */
const BODILESS_METHODS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);

function requestBody(body: RequestInit['body']): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError('this fetch sends string or byte bodies only');
}

/**
 * The request's header lines as node's flat `[name, value, ...]` list, which `http.request` writes as
 * they are (it skips its per-header `setHeader` bookkeeping for a list). What node adds itself for
 * a header object, it is told here: `Host`, `Content-Length` of the body, and `Authorization` from
 * credentials in the URL, each unless the caller set it.
 */
function requestHeaders(init: RequestInit['headers'], target: Target, method: string, body: string | Uint8Array | undefined): string[] {
  const lines: string[] = [];
  let host = false;
  let length = false;
  let authorization = false;
  // The openai client hands over a `Headers`: read it as it is instead of copying it into another.
  (init instanceof Headers ? init : new Headers(init)).forEach((value, name) => {
    if (name === 'host') host = true;
    else if (name === 'content-length' || name === 'transfer-encoding') length = true;
    else if (name === 'authorization') authorization = true;
    lines.push(name, value);
  });
  if (!host) lines.push('host', target.host);
  // A bodiless POST says so too: node would otherwise send it as an empty chunked body.
  if (!length && (body !== undefined || !BODILESS_METHODS.has(method))) {
    lines.push('content-length', String(body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength));
  }
  if (!authorization && target.auth) lines.push('authorization', `Basic ${Buffer.from(target.auth).toString('base64')}`);
  return lines;
}

interface Target {
  secure: boolean;
  protocol: string | null | undefined;
  hostname: string | null | undefined;
  port: number | string | null | undefined;
  auth: string | null | undefined;
  /** The `Host` header: the host name, with the port when it is not the scheme's default. */
  host: string;
}

function targetOfUrl(url: URL): Target {
  const { protocol, hostname, port, auth } = urlToHttpOptions(url);
  return { secure: url.protocol === 'https:', protocol, hostname, port, auth, host: url.host };
}

/**
 * Where `href` goes: its origin (parsed once per origin, as every call of a provider goes to the
 * same one) and its path.
 */
function targetOf(href: string, origins: Map<string, Target>): { target: Target; path: string } {
  const slash = href.indexOf('/', href.indexOf('//') + 2);
  const origin = slash === -1 ? href : href.slice(0, slash);
  const path = slash === -1 ? '/' : href.slice(slash);
  if (path.includes('#')) {
    const url = new URL(href);
    return { target: targetOfUrl(url), path: url.pathname + url.search };
  }
  let target = origins.get(origin);
  if (!target) {
    target = targetOfUrl(new URL(href));
    origins.set(origin, target);
  }
  return { target, path };
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** Read-only response headers over node's (already lower-cased) header object, as `Headers` reads them. */
class UpstreamHeaders {
  readonly #raw: IncomingHttpHeaders;
  constructor(raw: IncomingHttpHeaders) {
    this.#raw = raw;
  }
  get(name: string): string | null {
    const value = this.#raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }
  has(name: string): boolean {
    return this.#raw[name.toLowerCase()] !== undefined;
  }
  getSetCookie(): string[] {
    return this.#raw['set-cookie'] ?? [];
  }
  forEach(callback: (value: string, name: string, headers: UpstreamHeaders) => void): void {
    for (const [name, value] of this.#list()) callback(value, name, this);
  }
  /** In the order received (the client reads every response's entries, so they are not sorted). */
  entries(): IterableIterator<[string, string]> {
    return this.#list().values();
  }
  keys(): IterableIterator<string> {
    return this.#list().map(([name]) => name).values();
  }
  values(): IterableIterator<string> {
    return this.#list().map(([, value]) => value).values();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
  #list(): [string, string][] {
    const list: [string, string][] = [];
    for (const name in this.#raw) {
      const value = this.get(name);
      if (value !== null) list.push([name, value]);
    }
    return list;
  }
  /** A real `Headers` with the same entries. */
  toHeaders(): Headers {
    const headers = new Headers();
    for (const [name, value] of Object.entries(this.#raw)) {
      if (Array.isArray(value)) for (const item of value) headers.append(name, item);
      else if (value !== undefined) headers.set(name, value);
    }
    return headers;
  }
}

/** The response of one request; its body is read once, as text, JSON, bytes or a web stream. */
class UpstreamResponse {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly url: string;
  readonly headers: UpstreamHeaders;
  readonly redirected = false;
  readonly type = 'basic';
  readonly #message: IncomingMessage | null;
  readonly #signal: AbortSignal | undefined;
  #body: ReadableStream<Uint8Array> | null | undefined;
  #used = false;

  constructor(message: IncomingMessage, url: string, signal: AbortSignal | undefined) {
    this.status = message.statusCode ?? 502;
    this.statusText = message.statusMessage ?? '';
    this.ok = this.status >= 200 && this.status <= 299;
    this.url = url;
    this.headers = new UpstreamHeaders(message.headers);
    this.#signal = signal;
    if (NULL_BODY_STATUSES.has(this.status)) {
      message.resume();
      this.#message = null;
      this.#body = null;
    } else if (message.headers['content-length'] === '0') {
      // The client may not read an empty body at all; drain it so the socket goes back to the pool.
      message.resume();
      this.#message = null;
    } else {
      this.#message = message;
    }
  }

  get bodyUsed(): boolean {
    return this.#used;
  }

  get body(): ReadableStream<Uint8Array> | null {
    if (this.#body === undefined) {
      this.#body = this.#message ? (Readable.toWeb(this.#message) as ReadableStream<Uint8Array>) : new Blob([]).stream();
    }
    return this.#body;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.#bytes();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  async text(): Promise<string> {
    return (await this.#bytes()).toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  /** A web `Response` over the same (unread) body. */
  toResponse(): Response {
    return new Response(this.body, { status: this.status, statusText: this.statusText, headers: this.headers.toHeaders() });
  }

  async #bytes(): Promise<Buffer> {
    if (this.#used) throw new TypeError('Body is unusable: Body has already been read');
    this.#used = true;
    // Once `body` was asked for, the web stream owns the bytes.
    if (this.#body) return Buffer.from(await new Response(this.#body).arrayBuffer());
    const message = this.#message;
    if (!message) return Buffer.alloc(0);
    const signal = this.#signal;
    if (message.destroyed) throw signal?.aborted ? abortError(signal) : new Error('The upstream closed the response before its end');
    return new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let ended = false;
      message.on('data', (chunk: Buffer) => chunks.push(chunk));
      message.once('end', () => {
        ended = true;
        resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
      });
      message.once('error', (error) => reject(signal?.aborted ? abortError(signal) : error));
      message.once('close', () => {
        if (!ended) reject(signal?.aborted ? abortError(signal) : new Error('The upstream closed the response before its end'));
      });
    });
  }
}

export function createHttpFetch(): HttpFetch {
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  const origins = new Map<string, Target>();
  const fetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> =>
    new Promise<Response>((resolve, reject) => {
      const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const signal = init.signal ?? undefined;
      if (signal?.aborted) {
        reject(abortError(signal));
        return;
      }
      let body: string | Uint8Array | undefined;
      let headers: string[];
      let method: string;
      let target: Target;
      let path: string;
      try {
        ({ target, path } = targetOf(href, origins));
        body = requestBody(init.body);
        method = (init.method ?? 'GET').toUpperCase();
        headers = requestHeaders(init.headers, target, method, body);
      } catch (error) {
        reject(error);
        return;
      }
      const { secure } = target;
      const request = (secure ? https : http).request({
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        path,
        method,
        headers,
        agent: secure ? agents.https : agents.http,
      });
      const onAbort = signal ? () => request.destroy(abortError(signal) as Error) : undefined;
      if (onAbort) signal!.addEventListener('abort', onAbort);
      const unlink = () => {
        if (onAbort) signal!.removeEventListener('abort', onAbort);
      };
      request.once('error', (error) => {
        unlink();
        reject(signal?.aborted ? abortError(signal) : error);
      });
      request.once('response', (message) => {
        message.once('close', unlink);
        // The openai client reads only the subset of `Response` that UpstreamResponse implements.
        resolve(new UpstreamResponse(message, href, signal) as unknown as Response);
      });
      request.end(body);
    });
  return {
    fetch,
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
