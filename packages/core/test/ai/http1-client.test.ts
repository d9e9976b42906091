// The HTTP/1.1 client the providers' fetch runs on, against servers that write exact bytes: every
// framing (length, chunked with extensions and trailers, until close), interim answers, keep-alive
// reuse and its limits, broken upstreams, aborts, backpressure, request validation and TLS.
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttp1Client, type Http1Client, type Http1Origin, type Http1Request } from '../../src/ai/providers/http1-client.js';

interface Received {
  head: string;
  body: string;
  /** Which connection carried it (1 for the server's first). */
  connection: number;
  /** The request's index on its connection (1 for the first). */
  index: number;
}

interface Scripted {
  origin: Http1Origin;
  received: Received[];
  /** Connections the server has seen closed. */
  closed: number;
  close(): Promise<void>;
}

const open: { close(): Promise<void> }[] = [];
const clients: Http1Client[] = [];

afterEach(async () => {
  for (const created of clients.splice(0)) created.close();
  await Promise.all(open.splice(0).map((server) => server.close()));
});

/** A server that hands each request (read by its Content-Length) to `answer`, which writes raw bytes. */
async function scripted(answer: (socket: net.Socket, request: Received) => void): Promise<Scripted> {
  const received: Received[] = [];
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const state = { closed: 0 };
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const connection = (connections += 1);
    let index = 0;
    let buffer = Buffer.alloc(0);
    socket.on('close', () => {
      sockets.delete(socket);
      state.closed += 1;
    });
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = buffer.toString('latin1', 0, end);
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffer.length < end + 4 + length) return;
        const body = buffer.toString('utf8', end + 4, end + 4 + length);
        buffer = buffer.subarray(end + 4 + length);
        index += 1;
        const request = { head, body, connection, index };
        received.push(request);
        answer(socket, request);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const handle: Scripted = {
    origin: { secure: false, hostname: '127.0.0.1', port },
    received,
    get closed() {
      return state.closed;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  open.push(handle);
  return handle;
}

function client(options?: Parameters<typeof createHttp1Client>[0]): Http1Client {
  const created = createHttp1Client(options);
  clients.push(created);
  return created;
}

const get = (path = '/', extra: Partial<Http1Request> = {}): Http1Request => ({ method: 'GET', path, headers: ['host', 'upstream.test'], body: undefined, signal: undefined, ...extra });

/** Writes `bytes` a few at a time, so every parser state sees a split. */
function dribble(socket: net.Socket, bytes: string, size = 3): void {
  for (let offset = 0; offset < bytes.length; offset += size) socket.write(bytes.slice(offset, offset + size));
}

const until = async (condition: () => boolean, what: string) => {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 5_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('createHttp1Client', () => {
  it('sends the request line, the header lines as given and the body in one message', async () => {
    const server = await scripted((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
    const http = client();
    const body = '{"greeting":"héllo"}';
    const response = await http.request(server.origin, { method: 'POST', path: '/v1/chat?x=1', headers: ['host', 'upstream.test', 'X-Trace', 'a1', 'content-length', String(Buffer.byteLength(body))], body, signal: undefined });
    expect(await response.body.readAll()).toEqual(Buffer.from('ok'));
    const [request] = server.received;
    expect(request!.head.split('\r\n')).toEqual(['POST /v1/chat?x=1 HTTP/1.1', 'host: upstream.test', 'X-Trace: a1', `content-length: ${Buffer.byteLength(body)}`, 'connection: keep-alive']);
    expect(request!.body).toBe(body);
  });

  it('reads a chunked body split at every boundary, with chunk extensions and trailers, and reuses the connection', async () => {
    const server = await scripted((socket, request) => {
      if (request.index === 1) dribble(socket, 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nX-Checksum: 1\r\n\r\n');
      else socket.write('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext');
    });
    const http = client();
    const first = await http.request(server.origin, get());
    expect(first.headers['transfer-encoding']).toBe('chunked');
    expect((await first.body.readAll()).toString()).toBe('hello world');
    const second = await http.request(server.origin, get());
    expect((await second.body.readAll()).toString()).toBe('next');
    expect(server.received.map((request) => [request.connection, request.index])).toEqual([
      [1, 1],
      [1, 2],
    ]);
  });

  it('reads a body without a length until the upstream closes, and does not reuse that connection', async () => {
    const server = await scripted((socket, request) => {
      if (request.connection === 1) {
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\npart one, ');
        setTimeout(() => socket.end('part two'), 20);
      } else socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
    const http = client();
    const first = await http.request(server.origin, get());
    expect((await first.body.readAll()).toString()).toBe('part one, part two');
    await http.request(server.origin, get()).then((response) => response.body.readAll());
    expect(server.received.map((request) => request.connection)).toEqual([1, 2]);
  });

  it('skips 100 Continue and 103 Early Hints before the final response', async () => {
    const server = await scripted((socket) => socket.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 4\r\n\r\ndone'));
    const response = await client().request(server.origin, get());
    expect(response.status).toBe(201);
    expect(response.statusText).toBe('Created');
    expect(response.headers.link).toBeUndefined();
    expect((await response.body.readAll()).toString()).toBe('done');
  });

  it('keeps repeated headers: set-cookie as a list, others joined; names lower-cased, values trimmed', async () => {
    const server = await scripted((socket) => socket.write('HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nVary: accept\r\nVARY:  origin  \r\nContent-Length: 0\r\n\r\n'));
    const response = await client().request(server.origin, get());
    expect(response.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(response.headers.vary).toBe('accept, origin');
    expect((await response.body.readAll()).length).toBe(0);
  });

  it('reads no body for HEAD, 204 and 304, and reuses the connection after each', async () => {
    const server = await scripted((socket, request) => {
      if (request.index === 1) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n');
      else if (request.index === 2) socket.write('HTTP/1.1 204 No Content\r\n\r\n');
      else if (request.index === 3) socket.write('HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n');
      else socket.write('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nend');
    });
    const http = client();
    const head = await http.request(server.origin, get('/', { method: 'HEAD' }));
    expect(head.headers['content-length']).toBe('1000');
    expect((await head.body.readAll()).length).toBe(0);
    expect((await (await http.request(server.origin, get())).body.readAll()).length).toBe(0);
    expect((await (await http.request(server.origin, get())).body.readAll()).length).toBe(0);
    expect((await (await http.request(server.origin, get())).body.readAll()).toString()).toBe('end');
    expect(new Set(server.received.map((request) => request.connection))).toEqual(new Set([1]));
  });

  it('does not reuse a connection the response closes, an HTTP/1.0 one, or one the request asked to close', async () => {
    const answers = ['HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\na', 'HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nb', 'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nc', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nd', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\ne', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nf'];
    let next = 0;
    const server = await scripted((socket) => socket.write(answers[next++]!));
    const http = client();
    const read = async (request: Http1Request) => (await (await http.request(server.origin, request)).body.readAll()).toString();
    expect(await read(get())).toBe('a');
    expect(await read(get())).toBe('b');
    expect(await read(get())).toBe('c');
    // HTTP/1.0 with keep-alive is kept: the next request goes on the same connection.
    expect(await read(get('/', { headers: ['host', 'upstream.test', 'Connection', 'close'] }))).toBe('d');
    expect(await read(get())).toBe('e');
    expect(await read(get())).toBe('f');
    expect(server.received.map((request) => request.connection)).toEqual([1, 2, 3, 3, 4, 4]);
    expect(server.received[3]!.head).toContain('\r\nConnection: close');
    expect(server.received[3]!.head).not.toContain('keep-alive');
  });

  it("closes an idle connection before the server's Keep-Alive timeout, and keeps none for a one-second hint", async () => {
    const server = await scripted((socket, request) => socket.write(`HTTP/1.1 200 OK\r\nKeep-Alive: timeout=${request.connection === 1 ? 1 : 2}\r\nContent-Length: 0\r\n\r\n`));
    const http = client();
    await (await http.request(server.origin, get())).body.readAll();
    // A one-second hint leaves no time to reuse it safely: closed at once.
    await until(() => server.closed === 1, 'the first connection to close');
    const started = Date.now();
    await (await http.request(server.origin, get())).body.readAll();
    // A two-second hint: kept for one second, then closed by the client.
    await until(() => server.closed === 2, 'the second connection to close');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(server.received.map((request) => request.connection)).toEqual([1, 2]);
  });

  it('opens a new connection when the server closed an idle one', async () => {
    const server = await scripted((socket, request) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      if (request.connection === 1) setTimeout(() => socket.destroy(), 10);
    });
    const http = client();
    await (await http.request(server.origin, get())).body.readAll();
    await until(() => server.closed === 1, 'the server to close');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await (await http.request(server.origin, get())).body.readAll()).toString()).toBe('ok');
    expect(server.received.map((request) => request.connection)).toEqual([1, 2]);
  });

  it('rejects responses that break HTTP/1.1, naming what is wrong, and drops their connections', async () => {
    const broken: [string, RegExp][] = [
      ['HTTP/2 200 OK\r\n\r\n', /bad status line "HTTP\/2 200 OK"/],
      ['HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\nx', /bad Content-Length "1, 2"/],
      ['HTTP/1.1 200 OK\r\nBad Header: x\r\n\r\n', /bad header line "Bad Header: x"/],
      ['HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n', /unexpected protocol switch/],
      [`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(70 * 1024)}\r\n\r\n`, /header block is too large/],
    ];
    let next = 0;
    const server = await scripted((socket) => socket.write(broken[next++]![0]));
    const http = client();
    for (const [, message] of broken) await expect(http.request(server.origin, get())).rejects.toThrow(message);
    await until(() => server.closed === broken.length, 'every connection to close');
    // A bad chunk size fails the body (the head was fine).
    const chunked = await scripted((socket) => socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'));
    const response = await http.request(chunked.origin, get());
    await expect(response.body.readAll()).rejects.toThrow(/bad chunk size "zz"/);
  });

  it('fails a request the upstream closes before answering, and a body it cuts short', async () => {
    const server = await scripted((socket, request) => {
      if (request.connection === 1) socket.destroy();
      else socket.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort');
    });
    const http = client();
    await expect(http.request(server.origin, get())).rejects.toThrow('The upstream closed the connection before answering');
    const response = await http.request(server.origin, get());
    await expect(response.body.readAll()).rejects.toThrow('The upstream closed the response before its end');
  });

  it('aborts before the head (the request rejects with the reason) and during a streamed body (the stream errors)', async () => {
    const server = await scripted((socket, request) => {
      if (request.connection === 2) socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n');
    });
    const http = client();
    const before = new AbortController();
    const pending = http.request(server.origin, get('/', { signal: before.signal }));
    await until(() => server.received.length === 1, 'the request to arrive');
    before.abort(new Error('caller went away'));
    await expect(pending).rejects.toThrow('caller went away');
    await until(() => server.closed === 1, 'the aborted connection to close');

    const during = new AbortController();
    const response = await http.request(server.origin, get('/', { signal: during.signal }));
    const reader = response.body.stream().getReader();
    expect(Buffer.from((await reader.read()).value!).toString()).toBe('first');
    during.abort(new Error('stop streaming'));
    await expect(reader.read()).rejects.toThrow('stop streaming');
    await until(() => server.closed === 2, 'the streaming connection to close');
    // An already-aborted signal sends nothing.
    await expect(http.request(server.origin, get('/', { signal: AbortSignal.abort(new Error('too late')) }))).rejects.toThrow('too late');
    expect(server.received).toHaveLength(2);
  });

  it('streams a large body to a slow reader intact, pausing the socket meanwhile', async () => {
    const pieces = Array.from({ length: 200 }, (_, index) => `${String(index).padStart(4, '0')}${'x'.repeat(16 * 1024 - 4)}`);
    const server = await scripted((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
      for (const piece of pieces) socket.write(`${piece.length.toString(16)}\r\n${piece}\r\n`);
      socket.write('0\r\n\r\n');
    });
    const response = await client().request(server.origin, get());
    const reader = response.body.stream().getReader();
    const chunks: Buffer[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(Buffer.from(value));
      if (chunks.length % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(Buffer.concat(chunks).toString()).toBe(pieces.join(''));
  });

  it('cancelling a streamed body drops its connection', async () => {
    const server = await scripted((socket) => socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n'));
    const http = client();
    const response = await http.request(server.origin, get());
    const reader = response.body.stream().getReader();
    expect(Buffer.from((await reader.read()).value!).toString()).toBe('abc');
    await reader.cancel();
    await until(() => server.closed === 1, 'the connection to close');
    await http.request(server.origin, get());
    expect(server.received.map((request) => request.connection)).toEqual([1, 2]);
  });

  it('reads a body once', async () => {
    const server = await scripted((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
    const response = await client().request(server.origin, get());
    await response.body.readAll();
    await expect(response.body.readAll()).rejects.toThrow(/already been read/);
    expect(() => response.body.stream()).toThrow(/already been read/);
  });

  it('refuses header injection and malformed request lines before sending anything', async () => {
    const server = await scripted(() => undefined);
    const http = client();
    await expect(http.request(server.origin, get('/', { headers: ['x-note', 'a\r\nInjected: yes'] }))).rejects.toThrow('Invalid character in the value of header "x-note"');
    await expect(http.request(server.origin, get('/', { headers: ['bad name', 'x'] }))).rejects.toThrow('Invalid header name "bad name"');
    await expect(http.request(server.origin, get('/a b'))).rejects.toThrow('Invalid request path "/a b"');
    await expect(http.request(server.origin, get('/', { method: 'GET /x' }))).rejects.toThrow('Invalid HTTP method');
    expect(server.received).toHaveLength(0);
  });

  it('close() drops idle and busy connections and refuses later requests', async () => {
    const server = await scripted((socket, request) => {
      // The first request is answered; the second, on the same connection, hangs.
      if (request.index === 1) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    });
    const http = client();
    await (await http.request(server.origin, get())).body.readAll();
    const hanging = http.request(server.origin, get());
    await until(() => server.received.length === 2, 'the second request to arrive');
    http.close();
    await expect(hanging).rejects.toThrow('The upstream closed the connection before answering');
    await until(() => server.closed === 1, 'the connection to close');
    await expect(http.request(server.origin, get())).rejects.toThrow('The HTTP client is closed');
  });

  it('speaks TLS to an https origin, verifying its certificate, and reuses the connection', async () => {
    const cert = readFileSync(new URL('./fixtures/localhost-cert.pem', import.meta.url));
    const key = readFileSync(new URL('./fixtures/localhost-key.pem', import.meta.url));
    const server = createHttpsServer({ cert, key }, (req, res) => res.end(`${req.method} ${req.url} on ${req.socket.remotePort}`));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    open.push({ close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) });
    const origin: Http1Origin = { secure: true, hostname: 'localhost', port: (server.address() as AddressInfo).port };
    // Without the CA the certificate is refused.
    await expect(client().request(origin, get())).rejects.toThrow(/self-signed certificate|unable to verify/);
    const http = client({ tls: { ca: cert } });
    const first = (await (await http.request(origin, get('/one'))).body.readAll()).toString();
    const second = (await (await http.request(origin, get('/two'))).body.readAll()).toString();
    expect(first).toMatch(/^GET \/one on \d+$/);
    expect(second.split(' on ')[1]).toBe(first.split(' on ')[1]);
  });
});
