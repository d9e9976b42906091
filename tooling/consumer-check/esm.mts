// An ESM consumer (node16 resolution): every entry point resolves to declarations that type-check.
import { AuterityError, createAuterity, isAuterityError, type Auterity, type Tenant, type TenantHandle } from '@auterity/core';
import { isErrorEnvelope, type ErrorEnvelope } from '@auterity/core/client';
import { runCli } from '@auterity/server-adapters';

const engine: Auterity = createAuterity({ database: 'sqlite::memory:', migrate: true });
const handle: TenantHandle = engine.tenant('acme', { id: 'user_1', roles: ['admin'] });
export async function consumer(): Promise<Tenant[]> {
  await engine.migrate();
  await handle.members.list();
  const created = await engine.apiKeys.create('acme', { scopes: ['workflows:read'] });
  const key: string = created.key;
  await engine.apiKeys.verify(key);
  return engine.tenants.list();
}
// @ts-expect-error unknown options are rejected at compile time too
createAuterity({ databse: 'sqlite::memory:' });
export const status: number = new AuterityError('not_found', 'x').status;
export const guard: boolean = isAuterityError(new Error('x'), 'conflict');
export const envelope = (value: unknown): ErrorEnvelope | undefined => (isErrorEnvelope(value) ? value : undefined);
export const exitCode: Promise<number> = runCli(['--help'], { stdout: () => undefined });

import { createTheme, presets, toCssVariables, type Theme } from '@auterity/themes';
import { parseTheme } from '@auterity/themes/schema';

const generated = createTheme({ brand: '#4f46e5', mode: 'dark' });
export const css: string = toCssVariables(generated, { selector: '.au-root' });
export const parsed: Theme = parseTheme(JSON.parse('{}'));
export const preset: Theme = presets.ocean.light;

import { createHandler, type HandlerOptions as AuterityHandlerOptions } from '@auterity/server-adapters';
import { toNodeHandler } from '@auterity/server-adapters/node';
import { toExpress } from '@auterity/server-adapters/express';
import { toFastify } from '@auterity/server-adapters/fastify';
import { toHono } from '@auterity/server-adapters/hono';
import { toNextRouteHandlers } from '@auterity/server-adapters/next';
import { createClient } from '@auterity/core/client';

const handler: (request: Request) => Promise<Response> = createHandler(engine, { basePath: '/api' });
export const adapters = [toNodeHandler(handler), toExpress(handler), toFastify(handler), toHono(handler), toNextRouteHandlers(handler)];
export type HandlerOptions = AuterityHandlerOptions;
export const apiClient = createClient({ baseUrl: 'http://localhost:3000/api', getToken: async () => 'key' });
