// The node:http fetch the openai client runs on: bodies read whole whether they came in with the
// headers or later in pieces, and a read response gives its socket back to the keep-alive pool.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpFetch, type HttpFetch } from '../../src/ai/providers/http-fetch.js';

let server: Server;
let origin: string;
const answer = JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'hello' } }] });

beforeAll(async () => {
  server = createServer((req, res) => {
    const received: Buffer[] = [];
    req.on('data', (chunk: Buffer) => received.push(chunk));
    req.on('end', () => {
      const port = String(req.socket.remotePort);
      if (req.url === '/echo') {
        // What arrived: the request line's method, the header lines as sent, and the body.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ method: req.method, headers: req.headers, body: Buffer.concat(received).toString('utf8') }));
        return;
      }
      if (req.url === '/whole') {
        // Headers and body in one write.
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(answer)), 'x-client-port': port });
        res.end(answer);
        return;
      }
      // Headers first, then the body in two pieces some time apart.
      res.writeHead(200, { 'content-type': 'application/json', 'x-client-port': port });
      res.flushHeaders();
      const half = Math.floor(answer.length / 2);
      setTimeout(() => res.write(answer.slice(0, half)), 20);
      setTimeout(() => res.end(answer.slice(half)), 40);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

/** Runs `use` with a fresh fetch, whose keep-alive pool is dropped afterwards. */
async function withFetch(use: (fetch: HttpFetch['fetch']) => Promise<void>): Promise<void> {
  const http = createHttpFetch();
  try {
    await use(http.fetch);
  } finally {
    http.close();
  }
}

const post = { method: 'POST', body: '{}' };

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('createHttpFetch', () => {
  it('reads a body that came in with the headers, and reuses the socket for the next request', () =>
    withFetch(async (fetch) => {
      const first = await fetch(`${origin}/whole`, post);
      expect(first.status).toBe(200);
      expect(await first.json()).toEqual(JSON.parse(answer));
      const second = await fetch(`${origin}/whole`, post);
      expect(await second.text()).toBe(answer);
      // The first response ended, so its keep-alive socket carried the second request.
      expect(second.headers.get('x-client-port')).toBe(first.headers.get('x-client-port'));
    }));

  it('reads a body that arrives in pieces after the headers', () =>
    withFetch(async (fetch) => {
      const response = await fetch(`${origin}/pieces`, post);
      expect(await response.json()).toEqual(JSON.parse(answer));
      const next = await fetch(`${origin}/whole`, post);
      expect(await next.text()).toBe(answer);
      expect(next.headers.get('x-client-port')).toBe(response.headers.get('x-client-port'));
    }));

  it('refuses a second read of the same body', () =>
    withFetch(async (fetch) => {
      const response = await fetch(`${origin}/whole`, post);
      await response.text();
      await expect(response.text()).rejects.toThrow(/already been read/);
    }));

  it('sends the caller\'s headers with Host, the body\'s length and credentials from the URL', () =>
    withFetch(async (fetch) => {
      const body = '{"greeting":"héllo"}';
      const response = await fetch(`${origin.replace('http://', 'http://user:p%40ss@')}/echo`, { method: 'POST', body, headers: new Headers({ 'X-Trace': 'a1', 'content-type': 'application/json' }) });
      const echo = (await response.json()) as { method: string; headers: Record<string, string>; body: string };
      expect(echo.method).toBe('POST');
      expect(echo.body).toBe(body);
      expect(echo.headers).toMatchObject({
        host: new URL(origin).host,
        'x-trace': 'a1',
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        authorization: `Basic ${Buffer.from('user:p@ss').toString('base64')}`,
      });
      expect(echo.headers['transfer-encoding']).toBeUndefined();
    }));

  it('keeps headers the caller set itself, and frames a bodiless POST with a zero length', () =>
    withFetch(async (fetch) => {
      const own = await fetch(`${origin.replace('http://', 'http://user:secret@')}/echo`, { method: 'POST', body: 'x', headers: { host: 'upstream.example', authorization: 'Bearer k' } });
      expect(((await own.json()) as { headers: Record<string, string> }).headers).toMatchObject({ host: 'upstream.example', authorization: 'Bearer k', 'content-length': '1' });
      const empty = await fetch(`${origin}/echo`, { method: 'post' });
      const echo = (await empty.json()) as { method: string; headers: Record<string, string>; body: string };
      expect(echo).toMatchObject({ method: 'POST', body: '' });
      expect(echo.headers['content-length']).toBe('0');
      expect(echo.headers['transfer-encoding']).toBeUndefined();
      const get = await fetch(`${origin}/echo`);
      const got = (await get.json()) as { method: string; headers: Record<string, string> };
      expect(got.method).toBe('GET');
      expect(got.headers['content-length']).toBeUndefined();
      expect(got.headers['transfer-encoding']).toBeUndefined();
    }));
});
