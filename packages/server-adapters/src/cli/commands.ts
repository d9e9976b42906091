// The CLI's commands. Each declares its usage, its options (node:util parseArgs, strict) and what
// it does with an engine; the runner owns parsing, engine lifetime and error reporting.
import type { Auterity, AuterityOptions } from '@auterity/core';
import { startServer, untilSignal } from './serve.js';
import { UsageError } from './usage-error.js';

export interface CommandContext {
  engine: Auterity;
  /** The options the engine was built with (config file and environment). */
  options: AuterityOptions;
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
  print(line: string): void;
  /** A line for the operator on stderr: something works less than they may expect. */
  warn(line: string): void;
}

export interface Command {
  /** Words that select the command, e.g. ['tenant', 'create']. */
  path: string[];
  usage: string;
  summary: string;
  positionals: string[];
  options: Record<string, { type: 'string' | 'boolean'; description: string }>;
  run(context: CommandContext): Promise<void>;
}

function parseScopes(raw: string | boolean | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const scopes = String(raw)
    .split(',')
    .map((scope) => scope.trim());
  if (scopes.some((scope) => scope === '')) {
    throw new UsageError(`--scopes: expected a comma-separated list of scopes such as "workflows:read,runs:write", got "${String(raw)}"`);
  }
  return scopes;
}

function parsePort(raw: string | boolean | undefined): number {
  if (raw === undefined) return 3000;
  const text = String(raw);
  const port = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(port) || port > 65_535) throw new UsageError(`--port: expected a port number from 0 to 65535, got "${text}"`);
  return port;
}

const optionalString = (value: string | boolean | undefined): string | undefined =>
  typeof value === 'string' ? value : undefined;

export const commands: Command[] = [
  {
    path: ['migrate'],
    usage: 'auterity migrate',
    summary: 'Create or update the database schema',
    positionals: [],
    options: {},
    async run({ engine, print }) {
      const { applied } = await engine.migrate();
      if (applied.length === 0) print('Database is up to date.');
      else for (const name of applied) print(`Applied migration ${name}`);
    },
  },
  {
    path: ['tenant', 'create'],
    usage: 'auterity tenant create <id> [--plan <plan>] [--name <name>]',
    summary: 'Create a tenant',
    positionals: ['id'],
    options: {
      plan: { type: 'string', description: 'plan id, e.g. free, pro, business or enterprise (default: free)' },
      name: { type: 'string', description: 'display name (default: the id)' },
    },
    async run({ engine, positionals, values, print }) {
      const [id] = positionals as [string];
      const plan = optionalString(values.plan);
      const name = optionalString(values.name);
      const tenant = await engine.tenants.create({ id, ...(plan !== undefined && { plan }), ...(name !== undefined && { name }) });
      print(`Created tenant ${tenant.id} "${tenant.name}" on plan ${tenant.plan}`);
    },
  },
  {
    path: ['key', 'create'],
    usage: 'auterity key create <tenantId> [--scopes <a,b>] [--name <name>]',
    summary: "Create an API key for a tenant (the key is the output's last line)",
    positionals: ['tenantId'],
    options: {
      scopes: { type: 'string', description: 'comma-separated scopes (default: every scope)' },
      name: { type: 'string', description: 'a label to recognise the key by' },
    },
    async run({ engine, positionals, values, print }) {
      const [tenantId] = positionals as [string];
      const scopes = parseScopes(values.scopes);
      const name = optionalString(values.name);
      const created = await engine.apiKeys.create(tenantId, {
        ...(scopes !== undefined && { scopes }),
        ...(name !== undefined && { name }),
      });
      print(`Created API key ${created.id} for tenant ${created.tenantId} (scopes: ${created.scopes.join(', ')})`);
      print('Store the key now: it is shown only once.');
      print(created.key);
    },
  },
  {
    path: ['serve'],
    usage: 'auterity serve [--port <port>] [--host <host>]',
    summary: 'Serve the HTTP API (authenticated with API keys from "key create") until SIGINT or SIGTERM',
    positionals: [],
    options: {
      port: { type: 'string', description: 'port to listen on (default: 3000; 0 picks a free one)' },
      host: { type: 'string', description: 'interface to listen on (default: 127.0.0.1; 0.0.0.0 for every interface)' },
    },
    async run({ engine, options, values, print, warn }) {
      const port = parsePort(values.port);
      const host = optionalString(values.host) ?? '127.0.0.1';
      const running = await startServer(engine, { port, host });
      print(`Auterity API listening on ${running.url}/v1 (Ctrl-C to stop)`);
      // Only a server database can lack one: an embedded one gets its own (config.ts).
      if (options.secret === undefined) {
        warn('auterity: no secret is set (AUTERITY_SECRET, or "secret" in the config file): invitation tokens cannot be signed, so the invitation routes answer 500 until one is.');
      }
      const signal = await untilSignal();
      print(`Received ${signal}, shutting down.`);
      await running.close();
    },
  },
];
