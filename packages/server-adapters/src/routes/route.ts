// What a route is: method, OpenAPI path, the scope an API key needs, zod schemas for params, query,
// body and the success response (the one source of validation, types and /v1/openapi.json), and a
// handler that only ever sees its own tenant's handle.
import type { Auterity, TenantHandle } from '@auterity/core';
import type { z } from 'zod';
import type { Principal } from '../http/auth.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteContext<Params, Query, Body> {
  request: Request;
  params: Params;
  query: Query;
  body: Body;
  /** The request body's bytes, for routes declared with `rawBody: true` (signature checks). */
  rawBody: Uint8Array | undefined;
  engine: Auterity;
  /** The authenticated caller; routes with `scope: null` see null. */
  principal: Principal | null;
  /** The caller's tenant, acting as the caller. Throws 401 on public routes. */
  readonly tenant: TenantHandle;
  /** The OpenAPI document of every registered route. */
  openapi(): Record<string, unknown>;
}

/** What a handler returns: the body its response schema describes (nothing for 204), or a Response of its own (streams). */
export type RouteResult<R extends z.ZodType | null> = (R extends z.ZodType ? z.input<R> : void) | Response;

export interface RouteSpec<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType | null = z.ZodType | null,
> {
  method: HttpMethod;
  /** OpenAPI path under /v1, e.g. `/members/{id}`. */
  path: `/${string}`;
  operationId: string;
  summary: string;
  tag: string;
  /** The API key scope this route needs (`members:read`); null for a public route. */
  scope: string | null;
  params?: P;
  query?: Q;
  body?: B;
  /** Hand the route the body's raw bytes (size-limited, unparsed) instead of parsed JSON. */
  rawBody?: boolean;
  /** The success status; 204 has no body. */
  status: 200 | 201 | 202 | 204;
  /** The success body's schema; null for 204. For `text/event-stream`, the schema of each event's data. */
  response: R;
  /** Media type of the success response. Default `application/json`. */
  responseType?: 'application/json' | 'text/event-stream';
  /** A JSON route that can also answer `text/event-stream` (on request): the schema of each event's data. */
  alsoStreams?: z.ZodType;
  /** Error statuses beyond those implied by the route's shape (e.g. 502/504 from an upstream). */
  errors?: readonly number[];
  handle(context: RouteContext<z.output<P>, z.output<Q>, z.output<B>>): Promise<RouteResult<R>>;
}

/** A route with its types erased, as the router stores it. */
export interface Route {
  method: HttpMethod;
  path: `/${string}`;
  operationId: string;
  summary: string;
  tag: string;
  scope: string | null;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  rawBody?: boolean;
  status: 200 | 201 | 202 | 204;
  response: z.ZodType | null;
  responseType?: 'application/json' | 'text/event-stream';
  alsoStreams?: z.ZodType;
  errors?: readonly number[];
  handle(context: RouteContext<unknown, unknown, unknown>): Promise<unknown>;
}

/** Declares a route with full inference; the result is stored type-erased. */
export function defineRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType | null>(
  spec: RouteSpec<P, Q, B, R>,
): Route {
  return spec as unknown as Route;
}
