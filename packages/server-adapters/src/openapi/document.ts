// /v1/openapi.json, generated from the routes' own zod schemas (OpenAPI 3.1 = JSON Schema
// 2020-12), so the document cannot drift from what the handler validates and returns.
import { z } from 'zod';
import type { Route } from '../routes/route.js';

export interface OpenApiOptions {
  /** Where the API is mounted (`/api/auterity`); becomes the server URL. */
  basePath?: string;
  title?: string;
  version?: string;
}

export type OpenApiDocument = Record<string, unknown> & { openapi: string; paths: Record<string, Record<string, unknown>> };

type JsonSchema = Record<string, unknown>;

function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
}

const errorEnvelopeSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'Stable, machine-readable: invalid_input, unauthorized, forbidden, not_found, conflict, rate_limited, …' }),
      message: z.string(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ description: 'The body of every error response.' });

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input',
  401: 'Not authenticated',
  403: 'Not allowed',
  404: 'Not found (also for ids of other tenants)',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Request body too large',
  415: 'Unsupported media type',
  429: 'Rate limited or over quota (see Retry-After)',
  500: 'Internal error',
  502: 'An upstream provider failed',
  504: 'An upstream provider did not answer in time',
};

function objectShape(schema: z.ZodType | undefined): Record<string, z.ZodType> {
  return schema instanceof z.ZodObject ? (schema.shape as Record<string, z.ZodType>) : {};
}

function operation(route: Route): Record<string, unknown> {
  const parameters = [
    ...Object.entries(objectShape(route.params)).map(([name, schema]) => ({ name, in: 'path', required: true, schema: toJsonSchema(schema, 'input') })),
    ...Object.entries(objectShape(route.query)).map(([name, schema]) => ({
      name,
      in: 'query',
      required: !schema.safeParse(undefined).success,
      schema: toJsonSchema(schema, 'input'),
    })),
  ];
  const responses: Record<string, unknown> = {
    [String(route.status)]: !route.response
      ? { description: 'No content' }
      : route.responseType === 'text/event-stream'
        ? {
            description: 'Server-sent events: `id` is the event sequence (send it back as Last-Event-ID to resume), `event` its type, `data` the JSON below.',
            content: { 'text/event-stream': { schema: { type: 'string' }, 'x-event-data': toJsonSchema(route.response, 'output') } },
          }
        : {
            description: route.response.description ?? 'OK',
            content: {
              'application/json': { schema: toJsonSchema(route.response, 'output') },
              ...(route.alsoStreams && {
                'text/event-stream': { schema: { type: 'string', description: 'Server-sent events: `data: <JSON below>` per event, then `data: [DONE]`.' }, 'x-event-data': toJsonSchema(route.alsoStreams, 'output') },
              }),
            },
          },
  };
  const errors = [
    ...(route.params || route.query || route.body ? [400] : []),
    ...(route.scope ? [401, 403, 429] : []),
    ...(route.params ? [404] : []),
    ...(route.body ? [413, 415] : []),
    ...(route.method === 'POST' || route.method === 'PATCH' || route.method === 'PUT' ? [409] : []),
    500,
    ...(route.errors ?? []),
  ];
  for (const status of errors) responses[String(status)] ??= { $ref: `#/components/responses/Error${status}` };
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    ...(route.scope && { description: `API keys need the \`${route.scope}\` scope.` }),
    security: route.scope ? [{ bearer: [route.scope] }] : [],
    ...(parameters.length && { parameters }),
    ...(route.body && {
      requestBody: {
        required: !route.body.safeParse(undefined).success,
        content: { 'application/json': { schema: toJsonSchema(route.body, 'input') } },
      },
    }),
    responses,
  };
}

export function buildOpenApiDocument(routes: readonly Route[], options: OpenApiOptions = {}): OpenApiDocument {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = `/v1${route.path}`;
    (paths[path] ??= {})[route.method.toLowerCase()] = operation(route);
  }
  const errorResponses = Object.fromEntries(
    Object.entries(ERROR_DESCRIPTIONS).map(([status, description]) => [
      `Error${status}`,
      { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } } },
    ]),
  );
  return {
    openapi: '3.1.0',
    info: { title: options.title ?? 'Auterity API', version: options.version ?? '1' },
    servers: [{ url: options.basePath || '/' }],
    tags: [...new Set(routes.map((route) => route.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key (`au_…`, scoped) or a credential the host application accepts.',
        },
      },
      schemas: { ErrorEnvelope: toJsonSchema(errorEnvelopeSchema, 'output') },
      responses: errorResponses,
    },
  };
}
