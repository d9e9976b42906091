// Handler behaviour beyond the contract suite: unexpected errors, host auth, base paths, adapters'
// edge cases.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toExpress } from '../src/express/index.js';
import { createHandler } from '../src/index.js';
import { toNodeHandler } from '../src/node/index.js';
import { bearer, createTestEngine, type TestEngine } from './support/engine.js';

let fixture: TestEngine;
let key: string;

beforeAll(async () => {
  fixture = await createTestEngine();
  key = (await fixture.tenantWithKey('acme')).key;
});
afterAll(async () => {
  await fixture.close();
});

const get = (handler: (request: Request) => Promise<Response>, url: string, headers: Record<string, string> = {}) => handler(new Request(url, { headers }));

describe('createHandler', () => {
  it('turns an unexpected error into a generic 500, logged, never a stack or message', async () => {
    const logged: unknown[] = [];
    const handler = createHandler(fixture.engine, {
      auth: () => {
        throw new Error('connection string postgres://user:hunter2@db');
      },
      onError: (_message, error) => logged.push(error),
    });
    const response = await get(handler, 'http://localhost/v1/members', { authorization: 'Bearer host-session' });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal', message: 'Internal server error.' } });
    expect(text).not.toContain('hunter2');
    expect(logged).toHaveLength(1);
  });

  it("treats a malformed auth() result as the host's bug: 500, logged", async () => {
    const logged: unknown[] = [];
    const handler = createHandler(fixture.engine, { auth: () => ({ tenantId: 'acme' }) as never, onError: (_m, error) => logged.push(error) });
    expect((await get(handler, 'http://localhost/v1/members', { cookie: 'session=1' })).status).toBe(500);
    expect(String(logged[0])).toMatch(/auth\(\) returned an invalid result/);
  });

  it('sends API keys to the engine and any other credential to the host', async () => {
    const seen: (string | null)[] = [];
    const handler = createHandler(fixture.engine, {
      auth: (request) => {
        seen.push(request.headers.get('authorization'));
        return request.headers.get('authorization') === 'Bearer jwt-of-alice' ? { tenantId: 'acme', actor: { id: 'alice', roles: ['admin'] } } : null;
      },
    });
    expect((await get(handler, 'http://localhost/v1/members', bearer(key))).status).toBe(200);
    expect((await get(handler, 'http://localhost/v1/members', { authorization: 'Bearer jwt-of-alice' })).status).toBe(200);
    expect((await get(handler, 'http://localhost/v1/members', { authorization: 'Bearer jwt-of-mallory' })).status).toBe(401);
    expect(seen).toEqual(['Bearer jwt-of-alice', 'Bearer jwt-of-mallory']);
  });

  it('serves under a normalised base path and nowhere else', async () => {
    const handler = createHandler(fixture.engine, { basePath: 'api/auterity/' });
    expect((await get(handler, 'http://localhost/api/auterity/v1/health')).status).toBe(200);
    expect((await get(handler, 'http://localhost/v1/health')).status).toBe(404);
    expect((await get(handler, 'http://localhost/api/auterity/v1/health/')).status).toBe(404);
    expect((await get(handler, 'http://localhost/api/auterity/v1/members/%E0%A4%A', bearer(key))).status).toBe(404);
  });

  it('answers HEAD errors without a body', async () => {
    const handler = createHandler(fixture.engine);
    const response = await handler(new Request('http://localhost/v1/members', { method: 'HEAD' }));
    expect(response.status).toBe(401);
    expect(await response.text()).toBe('');
  });

  it('gives API-key callers the configured governance roles', async () => {
    const handler = createHandler(fixture.engine, { apiKeyRoles: ['viewer'] });
    const response = await handler(
      new Request('http://localhost/v1/policies', {
        method: 'POST',
        headers: { ...bearer(key), 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'p', rules: [{ effect: 'allow', actions: ['*'] }] }),
      }),
    );
    expect(response.status).toBe(403);
  });
});

describe('Express adapter after a body parser', () => {
  it('still gets the body: raw bytes from express.raw(), re-serialised JSON from express.json()', async () => {
    const app = express();
    app.use('/raw', express.raw({ type: '*/*' }), toExpress(createHandler(fixture.engine, { basePath: '/raw' })));
    app.use('/json', express.json(), toExpress(createHandler(fixture.engine, { basePath: '/json' })));
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const [mount, email] of [['raw', 'raw@example.com'], ['json', 'json@example.com']] as const) {
        const response = await fetch(`${origin}/${mount}/v1/members`, {
          method: 'POST',
          headers: { ...bearer(key), 'content-type': 'application/json' },
          body: JSON.stringify({ email, roles: ['viewer'] }),
        });
        expect(response.status).toBe(201);
        expect(await response.json()).toMatchObject({ email });
      }
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('Node bridge', () => {
  it('answers a bare 500 when the handler itself throws, and keeps serving', async () => {
    let calls = 0;
    const server = createServer(
      toNodeHandler(async () => {
        calls++;
        if (calls === 1) throw new Error('boom');
        return new Response('x', { headers: { 'x-ok': 'yes' } });
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const failed = await fetch(origin);
      expect(failed.status).toBe(500);
      expect(await failed.json()).toEqual({ error: { code: 'internal', message: 'Internal server error.' } });
      expect(await (await fetch(origin)).text()).toBe('x');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
