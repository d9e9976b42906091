// A keep-alive HTTP/1.1 client over net/tls for the providers' upstream calls. Node's http client
// costs about twice the CPU of the socket work a call needs (its Agent, ClientRequest and
// IncomingMessage streams and its header bookkeeping: measured at 230 µs against 110 µs a call on a
// local upstream), and the upstream call is the gateway's own hop on every AI request. This does what
// a call needs and no more: the request in one write; a response parser for the three framings of
// HTTP/1.1 (a length, chunked, until close), interim 1xx answers skipped; idle connections kept per
// origin, for as long as the server's `Keep-Alive: timeout` hint allows (4 s without one).
import net from 'node:net';
import tls from 'node:tls';
import { abortReason } from '../../shared/abort.js';

export interface Http1Origin {
  secure: boolean;
  hostname: string;
  port: number;
}

export interface Http1Request {
  method: string;
  /** The request target: the path and query. */
  path: string;
  /** Header lines as a flat `[name, value, ...]` list, sent as they are (the caller adds Host and the body's length). */
  headers: readonly string[];
  body: string | Uint8Array | undefined;
  signal: AbortSignal | undefined;
}

export interface Http1Response {
  status: number;
  statusText: string;
  /** Lower-cased names; repeated headers joined with ", ", except `set-cookie` (a list). */
  headers: Record<string, string | string[]>;
  body: ResponseBody;
}

export interface Http1ClientOptions {
  /** Extra TLS options for https origins (a private CA, for one). */
  tls?: Pick<tls.ConnectionOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized'>;
}

export interface Http1Client {
  request(origin: Http1Origin, request: Http1Request): Promise<Http1Response>;
  /** Destroys every connection, idle or busy; later requests are refused. */
  close(): void;
}

/** The largest status line plus header block accepted (node's own limit is 16 KiB). */
const MAX_HEAD_BYTES = 64 * 1024;
/** The longest chunk-size line (with extensions) or trailer line accepted. */
const MAX_LINE_BYTES = 8 * 1024;
const DEFAULT_IDLE_MS = 4_000;
const MAX_IDLE_MS = 600_000;
/** Idle connections kept per origin. */
const MAX_IDLE_PER_ORIGIN = 256;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** What node accepts in a header value: tab, visible ASCII, space and obs-text. */
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
const INVALID_PATH = /[^\x21-\x7e\x80-\xff]/;
/** `close` among a Connection header's options. */
const CLOSE_OPTION = /(?:^|,)\s*close\s*(?:,|$)/i;

/** Flow control the body asks of its connection. */
interface BodyFlow {
  pause(): void;
  resume(): void;
  cancel(): void;
}

/**
 * A response body arriving from its connection: read whole (`readAll`) or as a web stream
 * (`stream`, with backpressure on the socket), once.
 */
export class ResponseBody {
  readonly #flow: BodyFlow;
  #chunks: Buffer[] = [];
  #ended = false;
  #failed = false;
  #error: unknown;
  #mode: 'none' | 'all' | 'stream' = 'none';
  #settle: (() => void) | undefined;
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined;

  constructor(flow: BodyFlow) {
    this.#flow = flow;
  }

  get used(): boolean {
    return this.#mode !== 'none';
  }

  /** The whole body. */
  readAll(): Promise<Buffer> {
    if (this.#mode !== 'none') return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
    this.#mode = 'all';
    const done = () => (this.#failed ? Promise.reject(this.#error) : Promise.resolve(this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks)));
    if (this.#ended || this.#failed) return done();
    return new Promise<Buffer>((resolve, reject) => {
      this.#settle = () => {
        this.#settle = undefined;
        done().then(resolve, reject);
      };
    });
  }

  /** The body as a web stream; cancelling it drops the connection. */
  stream(): ReadableStream<Uint8Array> {
    if (this.#mode !== 'none') throw new TypeError('Body is unusable: Body has already been read');
    this.#mode = 'stream';
    return new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          for (const chunk of this.#chunks) controller.enqueue(chunk);
          this.#chunks = [];
          if (this.#failed) controller.error(this.#error);
          else if (this.#ended) controller.close();
          else {
            this.#controller = controller;
            if ((controller.desiredSize ?? 1) <= 0) this.#flow.pause();
          }
        },
        pull: () => this.#flow.resume(),
        cancel: () => {
          this.#controller = undefined;
          if (!this.#ended && !this.#failed) this.#flow.cancel();
        },
      },
      { highWaterMark: 4 },
    );
  }

  /** @internal From the connection. */
  push(chunk: Buffer): void {
    const controller = this.#controller;
    if (controller) {
      controller.enqueue(chunk);
      if ((controller.desiredSize ?? 1) <= 0) this.#flow.pause();
    } else this.#chunks.push(chunk);
  }

  /** @internal */
  end(): void {
    if (this.#ended || this.#failed) return;
    this.#ended = true;
    this.#controller?.close();
    this.#controller = undefined;
    this.#settle?.();
  }

  /** @internal */
  fail(error: unknown): void {
    if (this.#ended || this.#failed) return;
    this.#failed = true;
    this.#error = error;
    this.#controller?.error(error);
    this.#controller = undefined;
    this.#settle?.();
  }
}

/** One request's wire bytes: the request line and header lines (latin1, as node writes them) and the body. */
function encodeRequest(request: Http1Request): { bytes: Buffer; closes: boolean } {
  const { method, path, headers, body } = request;
  if (!TOKEN.test(method)) throw new TypeError(`Invalid HTTP method "${method}"`);
  if (path.length === 0 || INVALID_PATH.test(path)) throw new TypeError(`Invalid request path "${path}": it may not contain spaces or control characters`);
  let head = `${method} ${path} HTTP/1.1\r\n`;
  let closes = false;
  let connection = false;
  for (let index = 0; index < headers.length; index += 2) {
    const name = headers[index]!;
    const value = headers[index + 1]!;
    if (!TOKEN.test(name)) throw new TypeError(`Invalid header name "${name}"`);
    if (INVALID_VALUE.test(value)) throw new TypeError(`Invalid character in the value of header "${name}"`);
    if (name.length === 10 && name.toLowerCase() === 'connection') {
      connection = true;
      if (CLOSE_OPTION.test(value)) closes = true;
    }
    head += `${name}: ${value}\r\n`;
  }
  if (!connection) head += 'connection: keep-alive\r\n';
  head += '\r\n';
  const headLength = Buffer.byteLength(head, 'latin1');
  const bodyLength = body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  const bytes = Buffer.allocUnsafe(headLength + bodyLength);
  bytes.write(head, 0, 'latin1');
  if (typeof body === 'string') bytes.write(body, headLength, 'utf8');
  else if (body !== undefined) bytes.set(body, headLength);
  return { bytes, closes };
}

/** An upstream that broke HTTP/1.1: the connection is dropped. */
class ProtocolError extends Error {
  readonly code = 'HPE_INVALID_RESPONSE';
  constructor(message: string) {
    super(`Invalid response from the upstream: ${message}`);
    this.name = 'ProtocolError';
  }
}

const closedBeforeAnswer = () => Object.assign(new Error('The upstream closed the connection before answering'), { code: 'ECONNRESET' });
const closedBeforeEnd = () => Object.assign(new Error('The upstream closed the response before its end'), { code: 'ECONNRESET' });

interface Exchange {
  method: string;
  closes: boolean;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  resolve(response: Http1Response): void;
  reject(error: unknown): void;
  response: Http1Response | undefined;
}

type ParseState = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers' | 'until-close' | 'done';

/** One socket and the exchange on it; the parser's state is the response being read. */
class Connection {
  readonly socket: net.Socket;
  readonly #pool: OriginPool;
  #exchange: Exchange | undefined;
  #state: ParseState = 'head';
  /** Bytes of an unfinished head or line. */
  #pending: Buffer | undefined;
  #remaining = 0;
  #reusable = true;
  #idleMs = DEFAULT_IDLE_MS;
  #destroyed = false;

  constructor(socket: net.Socket, pool: OriginPool) {
    this.socket = socket;
    this.#pool = pool;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('end', () => this.#onEnd());
    socket.on('error', (error) => this.destroy(error));
    socket.on('close', () => this.destroy());
    socket.on('timeout', () => this.destroy());
  }

  get idle(): boolean {
    return this.#exchange === undefined && !this.#destroyed;
  }

  start(exchange: Exchange, bytes: Buffer): void {
    this.#exchange = exchange;
    this.#state = 'head';
    this.#reusable = !exchange.closes;
    this.socket.setTimeout(0);
    this.socket.write(bytes);
  }

  /**
   * Drops the connection. An exchange on it fails with `error` (by default: the upstream closed
   * it): before its head the request rejects, after it the body errors.
   */
  destroy(error?: unknown): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#pool.forget(this);
    const exchange = this.#release();
    if (exchange) {
      const reason = error ?? (exchange.response ? closedBeforeEnd() : closedBeforeAnswer());
      if (exchange.response) exchange.response.body.fail(reason);
      else exchange.reject(reason);
    }
    this.#state = 'done';
    this.socket.destroy();
  }

  /** Ends the connection's hold on its exchange (and the exchange's on the caller's signal); returns it. */
  #release(): Exchange | undefined {
    const exchange = this.#exchange;
    this.#exchange = undefined;
    if (exchange?.onAbort) exchange.signal!.removeEventListener('abort', exchange.onAbort);
    return exchange;
  }

  #onEnd(): void {
    if (this.#exchange && this.#state === 'until-close') this.#complete();
    else this.destroy();
  }

  #onData(chunk: Buffer): void {
    if (!this.#exchange) {
      // Bytes nobody asked for: the connection's framing can no longer be trusted.
      this.destroy();
      return;
    }
    try {
      this.#parse(chunk);
    } catch (error) {
      this.destroy(error);
    }
  }

  #parse(input: Buffer): void {
    let data = input;
    let offset = 0;
    if (this.#pending) {
      data = Buffer.concat([this.#pending, input]);
      this.#pending = undefined;
    }
    while (offset < data.length) {
      const exchange = this.#exchange;
      if (!exchange) throw new ProtocolError('bytes after the response');
      switch (this.#state) {
        case 'head': {
          const end = headEnd(data, offset);
          if ((end === -1 ? data.length : end) - offset > MAX_HEAD_BYTES) throw new ProtocolError('the header block is too large');
          if (end === -1) {
            this.#pending = data.subarray(offset);
            return;
          }
          const head = data.toString('latin1', offset, end);
          offset = end + (data[end] === 0x0d ? 4 : 2);
          this.#onHead(exchange, head);
          break;
        }
        case 'length':
          offset = this.#passBody(exchange, data, offset);
          if (this.#remaining === 0) this.#complete();
          break;
        case 'until-close':
          exchange.response!.body.push(offset === 0 ? data : data.subarray(offset));
          return;
        case 'chunk-size':
        case 'chunk-end':
        case 'trailers': {
          const newline = data.indexOf(0x0a, offset);
          if (newline === -1) {
            if (data.length - offset > MAX_LINE_BYTES) throw new ProtocolError('a chunk line is too long');
            this.#pending = data.subarray(offset);
            return;
          }
          const line = data.toString('latin1', offset, newline > offset && data[newline - 1] === 0x0d ? newline - 1 : newline);
          offset = newline + 1;
          this.#onLine(line);
          break;
        }
        case 'chunk-data':
          offset = this.#passBody(exchange, data, offset);
          if (this.#remaining === 0) this.#state = 'chunk-end';
          break;
        case 'done':
          throw new ProtocolError('bytes after the response');
      }
    }
  }

  /** Hands the body bytes at `offset` (at most `#remaining`) to the response; returns where they end. */
  #passBody(exchange: Exchange, data: Buffer, offset: number): number {
    const take = Math.min(this.#remaining, data.length - offset);
    exchange.response!.body.push(data.subarray(offset, offset + take));
    this.#remaining -= take;
    return offset + take;
  }

  #onLine(line: string): void {
    if (this.#state === 'chunk-size') {
      const size = line.split(';', 1)[0]!.trim();
      if (!/^[0-9a-fA-F]{1,12}$/.test(size)) throw new ProtocolError(`bad chunk size "${size.slice(0, 20)}"`);
      this.#remaining = Number.parseInt(size, 16);
      this.#state = this.#remaining === 0 ? 'trailers' : 'chunk-data';
    } else if (this.#state === 'chunk-end') {
      if (line !== '') throw new ProtocolError('a chunk does not end with CRLF');
      this.#state = 'chunk-size';
    } else if (line === '') {
      // The empty line after the trailers (ignored) ends the body.
      this.#complete();
    }
  }

  #onHead(exchange: Exchange, head: string): void {
    const lines = head.split('\n');
    const statusLine = lines[0]!.endsWith('\r') ? lines[0]!.slice(0, -1) : lines[0]!;
    const match = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: (.*))?$/.exec(statusLine);
    if (!match) throw new ProtocolError(`bad status line "${statusLine.slice(0, 40)}"`);
    const minor = match[1]!;
    const status = Number(match[2]);
    const headers: Record<string, string | string[]> = {};
    for (let index = 1; index < lines.length; index += 1) {
      const line = lines[index]!.endsWith('\r') ? lines[index]!.slice(0, -1) : lines[index]!;
      const colon = line.indexOf(':');
      const name = colon > 0 ? line.slice(0, colon) : '';
      if (!TOKEN.test(name)) throw new ProtocolError(`bad header line "${line.slice(0, 40)}"`);
      const key = name.toLowerCase();
      const value = line.slice(colon + 1).trim();
      const existing = headers[key];
      if (key === 'set-cookie') headers[key] = existing === undefined ? [value] : [...(existing as string[]), value];
      else headers[key] = existing === undefined ? value : `${existing as string}, ${value}`;
    }
    if (status < 200) {
      if (status === 101) throw new ProtocolError('an unexpected protocol switch');
      // 100 Continue, 103 Early Hints: the final response follows on the same connection.
      return;
    }
    const connection = typeof headers.connection === 'string' ? headers.connection : '';
    const keepAlive = minor === '1' ? !CLOSE_OPTION.test(connection) : /(?:^|,)\s*keep-alive\s*(?:,|$)/i.test(connection);
    if (!keepAlive) this.#reusable = false;
    const hint = typeof headers['keep-alive'] === 'string' ? /(?:^|[,;\s])timeout=(\d+)/i.exec(headers['keep-alive']) : null;
    this.#idleMs = hint ? Math.min(Number(hint[1]) * 1000 - 1000, MAX_IDLE_MS) : DEFAULT_IDLE_MS;

    const response: Http1Response = {
      status,
      statusText: match[3] ?? '',
      headers,
      body: new ResponseBody({
        pause: () => this.socket.pause(),
        resume: () => this.socket.resume(),
        cancel: () => this.destroy(),
      }),
    };
    const transferEncoding = headers['transfer-encoding'];
    const contentLength = headers['content-length'];
    if (exchange.method === 'HEAD' || status === 204 || status === 304) {
      this.#state = 'done';
    } else if (typeof transferEncoding === 'string') {
      // A length beside a transfer coding is ignored, and the connection not trusted again.
      if (contentLength !== undefined) this.#reusable = false;
      if (/(?:^|,)\s*chunked\s*$/i.test(transferEncoding)) this.#state = 'chunk-size';
      else {
        this.#state = 'until-close';
        this.#reusable = false;
      }
    } else if (typeof contentLength === 'string') {
      const lengths = new Set(contentLength.split(',').map((item) => item.trim()));
      const [length] = lengths;
      if (lengths.size !== 1 || !/^\d{1,15}$/.test(length!)) throw new ProtocolError(`bad Content-Length "${contentLength.slice(0, 40)}"`);
      this.#remaining = Number(length);
      this.#state = this.#remaining === 0 ? 'done' : 'length';
    } else {
      this.#state = 'until-close';
      this.#reusable = false;
    }
    exchange.response = response;
    exchange.resolve(response);
    if (this.#state === 'done') this.#complete();
  }

  /** The response ended: its body ends, and the connection goes back to the pool if it can. */
  #complete(): void {
    const exchange = this.#release()!;
    this.#state = 'done';
    exchange.response!.body.end();
    if (this.#reusable && this.#idleMs > 0 && !this.#pending) {
      this.socket.resume();
      this.socket.setTimeout(this.#idleMs);
      this.#pool.release(this);
    } else this.destroy();
  }
}

/** Where the header block ends: the index of its empty line's terminator (CRLFCRLF or LFLF), or -1. */
function headEnd(data: Buffer, from: number): number {
  const crlf = data.indexOf('\r\n\r\n', from, 'latin1');
  const lf = data.indexOf('\n\n', from, 'latin1');
  // For CRLFCRLF the terminator starts at the CR (4 bytes); for LFLF at the first LF (2 bytes).
  if (crlf !== -1 && (lf === -1 || crlf + 1 <= lf)) return crlf;
  return lf === -1 ? -1 : lf;
}

interface OriginPool {
  release(connection: Connection): void;
  forget(connection: Connection): void;
}

export function createHttp1Client(options: Http1ClientOptions = {}): Http1Client {
  const idle = new Map<string, Connection[]>();
  const all = new Set<Connection>();
  const sessions = new Map<string, Buffer>();
  let closed = false;

  const poolFor = (key: string): OriginPool => ({
    release(connection) {
      if (closed) return connection.destroy();
      let list = idle.get(key);
      if (!list) idle.set(key, (list = []));
      if (list.length >= MAX_IDLE_PER_ORIGIN) return connection.destroy();
      list.push(connection);
    },
    forget(connection) {
      all.delete(connection);
      const list = idle.get(key);
      const index = list ? list.indexOf(connection) : -1;
      if (index !== -1) list!.splice(index, 1);
    },
  });

  const connect = (origin: Http1Origin, key: string): Connection => {
    let socket: net.Socket;
    if (origin.secure) {
      const secure = tls.connect({
        host: origin.hostname,
        port: origin.port,
        ...(net.isIP(origin.hostname) === 0 && { servername: origin.hostname }),
        ALPNProtocols: ['http/1.1'],
        ...(sessions.has(key) && { session: sessions.get(key)! }),
        ...options.tls,
      });
      secure.on('session', (session: Buffer) => sessions.set(key, session));
      socket = secure;
    } else {
      socket = net.connect({ host: origin.hostname, port: origin.port });
    }
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 1_000);
    const connection = new Connection(socket, poolFor(key));
    all.add(connection);
    return connection;
  };

  return {
    request(origin, request) {
      return new Promise<Http1Response>((resolve, reject) => {
        const { signal } = request;
        if (closed) return reject(new Error('The HTTP client is closed'));
        if (signal?.aborted) return reject(abortReason(signal));
        let encoded: ReturnType<typeof encodeRequest>;
        try {
          encoded = encodeRequest(request);
        } catch (error) {
          return reject(error);
        }
        const key = `${origin.secure ? 'https' : 'http'}://${origin.hostname}:${origin.port}`;
        // The most recently used idle connection first: the least likely to have been closed meanwhile.
        const list = idle.get(key);
        let connection = list?.pop();
        while (connection && !connection.idle) connection = list!.pop();
        connection ??= connect(origin, key);
        const exchange: Exchange = { method: request.method, closes: encoded.closes, signal, onAbort: undefined, resolve, reject, response: undefined };
        if (signal) {
          const target = connection;
          exchange.onAbort = () => target.destroy(abortReason(signal));
          signal.addEventListener('abort', exchange.onAbort, { once: true });
        }
        connection.start(exchange, encoded.bytes);
      });
    },
    close() {
      closed = true;
      for (const connection of all) connection.destroy();
      idle.clear();
    },
  };
}
