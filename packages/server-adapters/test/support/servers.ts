// Real servers on real sockets, one per adapter, all serving a handler mounted at /api.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { toExpress } from '../../src/express/index.js';
import { toFastify } from '../../src/fastify/index.js';
import { toHono } from '../../src/hono/index.js';
import { toNextRouteHandlers, type NextRouteHandlers } from '../../src/next/index.js';
import { toNodeHandler, toWebRequest, writeWebResponse } from '../../src/node/index.js';

export type FetchHandler = (request: Request) => Promise<Response>;
export const adapters = ['node', 'express', 'fastify', 'hono', 'next'] as const;
export type AdapterName = (typeof adapters)[number];

export interface RunningAdapter {
  /** Origin, e.g. http://127.0.0.1:PORT; the API is at `${url}/api/v1`. */
  url: string;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closer(server: Server) {
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
}

/**
 * Next.js App Router stand-in: Next calls the route module's export named after the method with a
 * web Request. Without a Next build in the suite, a Node server does exactly that via the bridge.
 */
function nextLikeServer(handlers: NextRouteHandlers): Server {
  return createServer((req, res) => {
    const route = handlers[req.method as keyof NextRouteHandlers] as NextRouteHandlers['GET'] | undefined;
    if (!route) {
      res.statusCode = 405;
      res.end();
      return;
    }
    void route(toWebRequest(req, res)).then((response) => writeWebResponse(res, response, req));
  });
}

export async function startAdapter(name: AdapterName, handler: FetchHandler): Promise<RunningAdapter> {
  switch (name) {
    case 'node': {
      const server = createServer(toNodeHandler(handler));
      return { url: await listen(server), close: closer(server) };
    }
    case 'express': {
      const app = express();
      app.use('/api', toExpress(handler));
      const server = createServer(app);
      return { url: await listen(server), close: closer(server) };
    }
    case 'fastify': {
      const app = Fastify({ forceCloseConnections: true });
      await app.register(toFastify(handler), { prefix: '/api' });
      await app.listen({ port: 0, host: '127.0.0.1' });
      return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() };
    }
    case 'hono': {
      const app = new Hono();
      app.all('/api/*', toHono(handler));
      const server = await new Promise<Server>((resolve) => {
        const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started as Server));
      });
      return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: closer(server) };
    }
    case 'next': {
      const server = nextLikeServer(toNextRouteHandlers(handler));
      return { url: await listen(server), close: closer(server) };
    }
  }
}
