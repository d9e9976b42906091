// Public routes: liveness and the OpenAPI document.
import { z } from 'zod';
import { defineRoute } from './route.js';

export const metaRoutes = [
  defineRoute({
    method: 'GET',
    path: '/health',
    operationId: 'getHealth',
    summary: 'Liveness check',
    tag: 'meta',
    scope: null,
    status: 200,
    response: z.object({ status: z.literal('ok') }),
    handle: async () => ({ status: 'ok' as const }),
  }),
  defineRoute({
    method: 'GET',
    path: '/openapi.json',
    operationId: 'getOpenApi',
    summary: 'This API as an OpenAPI 3.1 document',
    tag: 'meta',
    scope: null,
    status: 200,
    response: z.record(z.string(), z.unknown()).meta({ description: 'An OpenAPI 3.1 document' }),
    handle: async ({ openapi }) => openapi(),
  }),
];
