// A fetch for the openai client over the HTTP/1.1 client in http1-client.ts. The global fetch keeps
// reading a response body after its request is aborted (the socket stays busy until the upstream
// finishes, and a streaming upstream goes on generating tokens); this one destroys the socket at
// once, and `close()` drops the keep-alive pool.
//
// It answers with an `UpstreamResponse`, not a web `Response`: building one (and its `Headers`)
// costs more CPU than the rest of a call's plumbing. `UpstreamResponse` has what the openai client
// reads (`status`, `ok`, `url`, `headers.get`/`entries`, `json()`, `text()`, and `body` for
// streams, made on first access).
import { urlToHttpOptions } from 'node:url';
import { createHttp1Client, type Http1Origin, type Http1Response, type ResponseBody } from './http1-client.js';

export interface HttpFetch {
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  close(): void;
}

/** Methods node sends without a length or chunked framing when they carry no body. */
const BODILESS_METHODS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);

function requestBody(body: RequestInit['body']): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError('this fetch sends string or byte bodies only');
}

/**
 * The request's header lines as a flat `[name, value, ...]` list, with what an HTTP client adds
 * itself: `Host`, `Content-Length` of the body, and `Authorization` from credentials in the URL,
 * each unless the caller set it.
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
  // A bodiless POST says so too, as node's client does.
  if (!length && (body !== undefined || !BODILESS_METHODS.has(method))) {
    lines.push('content-length', String(body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength));
  }
  if (!authorization && target.auth) lines.push('authorization', `Basic ${Buffer.from(target.auth).toString('base64')}`);
  return lines;
}

interface Target extends Http1Origin {
  auth: string | null | undefined;
  /** The `Host` header: the host name, with the port when it is not the scheme's default. */
  host: string;
}

function targetOfUrl(url: URL): Target {
  const secure = url.protocol === 'https:';
  if (!secure && url.protocol !== 'http:') throw new TypeError(`this fetch speaks http and https only, not ${url.protocol}`);
  // urlToHttpOptions gives an IPv6 host without its brackets, as a socket wants it.
  const { hostname, auth } = urlToHttpOptions(url);
  return { secure, hostname: hostname ?? url.hostname, port: url.port === '' ? (secure ? 443 : 80) : Number(url.port), auth, host: url.host };
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

type RawHeaders = Http1Response['headers'];

/** Read-only response headers over the client's (already lower-cased) header object, as `Headers` reads them. */
class UpstreamHeaders {
  readonly #raw: RawHeaders;
  constructor(raw: RawHeaders) {
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
    const cookies = this.#raw['set-cookie'];
    return cookies === undefined ? [] : Array.isArray(cookies) ? [...cookies] : [cookies];
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
  readonly #source: ResponseBody;
  #body: ReadableStream<Uint8Array> | undefined;

  constructor(response: Http1Response, url: string) {
    this.status = response.status;
    this.statusText = response.statusText;
    this.ok = this.status >= 200 && this.status <= 299;
    this.url = url;
    this.headers = new UpstreamHeaders(response.headers);
    this.#source = response.body;
  }

  get bodyUsed(): boolean {
    return this.#source.used;
  }

  get body(): ReadableStream<Uint8Array> {
    return (this.#body ??= this.#source.stream());
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

  async #bytes(): Promise<Buffer> {
    // Once `body` was asked for, the web stream owns the bytes.
    if (this.#body) {
      if (this.#body.locked) throw new TypeError('Body is unusable: Body has already been read');
      return Buffer.from(await new Response(this.#body).arrayBuffer());
    }
    return this.#source.readAll();
  }
}

export function createHttpFetch(): HttpFetch {
  const client = createHttp1Client();
  const origins = new Map<string, Target>();
  const fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const signal = init.signal ?? undefined;
    const { target, path } = targetOf(href, origins);
    const body = requestBody(init.body);
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = requestHeaders(init.headers, target, method, body);
    const response = await client.request(target, { method, path, headers, body, signal });
    // The openai client reads only the subset of `Response` that UpstreamResponse implements.
    return new UpstreamResponse(response, href) as unknown as Response;
  };
  return { fetch, close: () => client.close() };
}
