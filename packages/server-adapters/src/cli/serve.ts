// `auterity serve`: the standalone server (the sidecar for hosts not written in Node). The HTTP
// API on the Node adapter, with the workflow executor running in the same process; authentication
// is API keys only (`auterity key create`).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Auterity } from '@auterity/core';
import { toNodeHandler } from '../adapters/node.js';
import { createHandler, type HandlerOptions } from '../http/index.js';

export interface RunningServer {
  server: Server;
  /** e.g. `http://127.0.0.1:3000` */
  url: string;
  close(): Promise<void>;
}

export async function startServer(engine: Auterity, options: { port: number; host: string; handler?: HandlerOptions }): Promise<RunningServer> {
  // Migrate before listening, so the first request never waits on (or fails with) the schema.
  await engine.migrate();
  engine.workflows.start();
  const server = createServer(toNodeHandler(createHandler(engine, options.handler)));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    server,
    url: `http://${host}:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Open streams (SSE) and idle keep-alive sockets would hold close() open forever.
        server.closeAllConnections();
      });
      // Runs in flight are persisted; another process (or the next start) resumes them.
      engine.workflows.stop();
    },
  };
}

/** Resolves on the first SIGINT or SIGTERM, then stops listening for them. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on).off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on).on('SIGTERM', on);
  });
}
