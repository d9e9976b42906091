// A tenant's API keys: /v1/api-keys, scopes api-keys:read and api-keys:write. A key can only mint
// keys within its own scopes, so a narrow key can never create a broader one.
import { z } from 'zod';
import { scopeAllows } from '../http/auth.js';
import { HttpError } from '../http/errors.js';
import { defineRoute } from './route.js';
import { idParams, listOf, timestamp } from './schemas.js';

const scope = z.string().regex(/^(\*|[a-z][a-z0-9_-]*(:([a-z0-9_-]+|\*))*)$/, { error: 'expected a scope such as "*", "members:*" or "members:read"' });

export const apiKeySchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  name: z.string().nullable(),
  scopes: z.array(z.string()),
  createdBy: z.string().nullable(),
  createdAt: timestamp,
  lastUsedAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
});

export const createdApiKeySchema = apiKeySchema.extend({
  key: z.string().meta({ description: 'The secret key, shown only in this response.' }),
});

export const createApiKeyBody = z
  .strictObject({
    name: z.string().min(1).max(200).optional(),
    scopes: z.array(scope).min(1).max(100).optional().meta({ description: 'Default: every scope (for an API key caller: its own scopes).' }),
  })
  .optional()
  .meta({ examples: [{ name: 'ci', scopes: ['members:read'] }] });

export const apiKeyRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api-keys',
    operationId: 'listApiKeys',
    summary: "List the tenant's API keys (revoked ones too; never the secrets)",
    tag: 'api-keys',
    scope: 'api-keys:read',
    status: 200,
    response: listOf(apiKeySchema),
    handle: async ({ tenant }) => ({ data: await tenant.apiKeys.list() }),
  }),
  defineRoute({
    method: 'POST',
    path: '/api-keys',
    operationId: 'createApiKey',
    summary: 'Create an API key',
    tag: 'api-keys',
    scope: 'api-keys:write',
    body: createApiKeyBody,
    status: 201,
    response: createdApiKeySchema,
    handle: async ({ tenant, body, principal }) => {
      let scopes = body?.scopes;
      if (principal?.via === 'api-key') {
        scopes ??= principal.scopes;
        const beyond = scopes.filter((wanted) => !scopeAllows(principal.scopes, wanted));
        if (beyond.length) {
          throw new HttpError(403, 'forbidden', `An API key cannot grant scopes it does not hold: ${beyond.join(', ')}.`);
        }
      }
      const created = await tenant.apiKeys.create({ ...(body?.name !== undefined && { name: body.name }), ...(scopes !== undefined && { scopes }) });
      return created;
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api-keys/{id}',
    operationId: 'getApiKey',
    summary: 'Get an API key (never its secret)',
    tag: 'api-keys',
    scope: 'api-keys:read',
    params: idParams,
    status: 200,
    response: apiKeySchema,
    handle: async ({ tenant, params }) => tenant.apiKeys.get(params.id),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/api-keys/{id}',
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key (idempotent)',
    tag: 'api-keys',
    scope: 'api-keys:write',
    params: idParams,
    status: 200,
    response: apiKeySchema,
    handle: async ({ tenant, params }) => tenant.apiKeys.revoke(params.id),
  }),
];
