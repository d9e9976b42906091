// `pnpm demo`: the demo host on the embedded default (a SQLite file under .auterity/ where the
// command was run, shared with `pnpm auterity ...`), or AUTERITY_DATABASE_URL when set.
import path from 'node:path';
import { createAuterity } from '@auterity/core';
import { createDemoServer, seedDemo } from './app.js';

const cwd = process.env.INIT_CWD ?? process.cwd();
const port = Number(process.env.PORT ?? 3100);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT: expected a port number from 0 to 65535, got "${process.env.PORT}"`);
  process.exit(2);
}

const engine = createAuterity({
  database: process.env.AUTERITY_DATABASE_URL ?? `sqlite:${path.join(cwd, '.auterity', 'auterity.db')}`,
});
await engine.migrate();
await seedDemo(engine);

const server = createDemoServer(engine);
server.listen(port, () => {
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  console.log(`Northwind CRM demo running at http://localhost:${actual}`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close();
    void engine.close().then(() => process.exit(0));
  });
}
