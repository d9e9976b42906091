// /v1/openapi.json is a valid OpenAPI 3.1 document that describes exactly the routes served.
import { compileErrors, validate } from '@readme/openapi-parser';
import { createAuterity } from '@auterity/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createHandler } from '../src/index.js';
import { defaultRoutes } from '../src/routes/index.js';

const engine = createAuterity({ database: 'sqlite::memory:' });
afterAll(() => engine.close());

async function documentAt(basePath?: string) {
  const handler = createHandler(engine, basePath === undefined ? {} : { basePath });
  const response = await handler(new Request(`http://localhost${(basePath ?? '').replace(/\/$/, '')}/v1/openapi.json`));
  expect(response.status).toBe(200);
  return (await response.json()) as { openapi: string; servers: { url: string }[]; paths: Record<string, Record<string, { operationId: string; security: unknown[] }>> };
}

describe('OpenAPI document', () => {
  it('passes a standard OpenAPI 3.1 validator', async () => {
    const document = await documentAt();
    expect(document.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(document) as never);
    expect(result.valid ? 'valid' : compileErrors(result)).toBe('valid');
  });

  it('lists every route once, with a unique operationId', async () => {
    const document = await documentAt('/api/auterity/');
    expect(document.servers).toEqual([{ url: '/api/auterity' }]);
    const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
    expect(operations.sort()).toEqual(defaultRoutes.map((route) => `${route.method} /v1${route.path}`).sort());
    const ids = Object.values(document.paths).flatMap((methods) => Object.values(methods).map((operation) => operation.operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('marks public routes as needing no credentials and others with their scope', async () => {
    const { paths } = await documentAt();
    expect(paths['/v1/health']!.get!.security).toEqual([]);
    expect(paths['/v1/members']!.post!.security).toEqual([{ bearer: ['members:write'] }]);
    expect(paths['/v1/api-keys/{id}']!.delete!.security).toEqual([{ bearer: ['api-keys:write'] }]);
  });
});
