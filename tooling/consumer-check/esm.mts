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
