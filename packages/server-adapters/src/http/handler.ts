// createHandler: the one fetch-style core every adapter wraps. A request goes through
// route matching (404/405), authentication (401), the route's scope (403), the rate limit (429,
// counted by the billing engine against the plan's rate feature),
// zod validation of params, query and body (400/413/415), then the route, which sees only its
// caller's tenant. Every failure on the way becomes the error envelope.
import type { Auterity, TenantHandle } from '@auterity/core';
import type { z } from 'zod';
import { buildOpenApiDocument, type OpenApiDocument } from '../openapi/index.js';
import { defaultRoutes } from '../routes/index.js';
import type { Route, RouteContext } from '../routes/route.js';
import { authenticate, requireScope, type AuthCallback, type Principal } from './auth.js';
import { DEFAULT_BODY_LIMIT, isDocumentationOnly, readBodyBytes, readJsonBody } from './body.js';
import { corsHeaders, preflightHeaders, type CorsOptions } from './cors.js';
import { errorResponse, HttpError, jsonResponse, notFound, unauthorized, type ErrorLogger, type Issue } from './errors.js';
import { isBridgeRequest, realResponse } from './fast-path.js';
import { createRateLimiter, type RateLimitOptions } from './rate-limit.js';
import { createRouter } from './router.js';

export interface HandlerLimits {
  /** Largest accepted request body in bytes (413 beyond). Default 1 MiB. */
  bodyBytes?: number;
  /**
   * Every authenticated request counts against a rate feature of the tenant's plan, through the
   * billing engine (429 with Retry-After beyond): per API key for key callers and per tenant for the
   * host's users when the feature is limited per key, per tenant when it is limited per tenant.
   * Default `{ feature: "api_calls" }`; a feature the catalog lacks (or lacks as a rate feature)
   * limits nothing; `false` switches limiting off.
   */
  rateLimit?: RateLimitOptions | false;
}

export interface HandlerOptions {
  /** The host's authentication: maps a request to `{ tenantId, actor }`, or null. API keys work beside it. */
  auth?: AuthCallback;
  /** Where the handler is mounted, e.g. `/api/auterity`; routes are then under `/api/auterity/v1`. Default: none. */
  basePath?: string;
  /** Cross-origin access for browsers; `true` allows any origin. Default: off. */
  cors?: CorsOptions | boolean;
  limits?: HandlerLimits;
  /**
   * Roles an API-key caller acts with in governance decisions (policies, approvals). Its scopes
   * still bound which routes it can call at all. Default `["admin"]`: a key is the tenant's own
   * service credential.
   */
  apiKeyRoles?: readonly string[];
  /** Where unexpected errors are reported (the client only sees a generic 500). Default: console.error. */
  onError?: ErrorLogger;
}

export type FetchHandler = (request: Request) => Promise<Response>;

function normalizeBasePath(basePath: string | undefined): string {
  if (!basePath || basePath === '/') return '';
  const withSlash = basePath.startsWith('/') ? basePath : `/${basePath}`;
  return withSlash.replace(/\/+$/, '');
}

function zodIssues(error: z.ZodError, prefix: string | undefined): Issue[] {
  const issues: Issue[] = [];
  for (const issue of error.issues) {
    const base = [...(prefix ? [prefix] : []), ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) issues.push({ path: [...base, key].join('.'), message: 'unknown field' });
    } else {
      issues.push({ path: base.join('.') || 'body', message: issue.message });
    }
  }
  return issues;
}

function parseWith<S extends z.ZodType>(schema: S | undefined, value: unknown, what: string, prefix?: string): unknown {
  if (!schema) return value;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = zodIssues(result.error, prefix);
  throw new HttpError(400, 'invalid_input', `Invalid ${what}: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`, issues);
}

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** How long a caller's tenant handle is reused, and how many are kept. */
const HANDLE_TTL_MS = 1_000;
const HANDLES_KEPT = 1_000;

export function createHandler(engine: Auterity, options: HandlerOptions = {}): FetchHandler {
  const basePath = normalizeBasePath(options.basePath);
  const prefix = `${basePath}/v1`;
  const routes: readonly Route[] = defaultRoutes;
  const router = createRouter(routes);
  const cors: CorsOptions | undefined = options.cors === true ? { origin: '*' } : options.cors || undefined;
  const bodyLimit = options.limits?.bodyBytes ?? DEFAULT_BODY_LIMIT;
  const apiKeyRoles = options.apiKeyRoles ?? ['admin'];
  const rateLimit = createRateLimiter(engine, options.limits?.rateLimit);
  const log: ErrorLogger = options.onError ?? ((message, error) => console.error(message, error));
  let openapi: OpenApiDocument | undefined;
  const openapiDocument = () => (openapi ??= buildOpenApiDocument(routes, { basePath }));

  // An API key caller's handle names its key, so per-key budgets and limits count against it.
  // A caller's handle is kept for a second, as a verified key is: handles are views whose domain
  // surfaces are built on first use, so a caller's next requests skip validating and building one.
  // What a handle reads once (the tenant's plan, for policy conditions) is then at most that old.
  const handles = new Map<string, { handle: TenantHandle; at: number }>();
  const tenantOf = (principal: Principal): TenantHandle => {
    const { tenantId, actor, keyId } = principal;
    const key = `${tenantId}\u0000${keyId ?? ''}\u0000${actor.id}\u0000${actor.roles.join('\u0001')}`;
    const now = Date.now();
    const kept = handles.get(key);
    if (kept && now - kept.at <= HANDLE_TTL_MS) return kept.handle;
    const handle = engine.tenant(tenantId, actor, keyId !== undefined ? { apiKeyId: keyId } : undefined);
    handles.delete(key);
    if (handles.size >= HANDLES_KEPT) handles.delete(handles.keys().next().value as string);
    handles.set(key, { handle, at: now });
    return handle;
  };

  async function dispatch(request: Request): Promise<Response> {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      throw new HttpError(400, 'invalid_input', 'The request URL is malformed.');
    }
    const path = url.pathname;
    if (path !== prefix && !path.startsWith(`${prefix}/`)) throw notFound(`No route for ${request.method} ${path.slice(0, 200)}.`);
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const match = router.match(method, path.slice(prefix.length));
    if (match.kind === 'none') throw notFound(`No route for ${request.method} ${path.slice(0, 200)}.`);
    if (match.kind === 'method') {
      const allow = [...match.allow, ...(match.allow.includes('GET') ? ['HEAD'] : []), 'OPTIONS'].join(', ');
      if (request.method === 'OPTIONS') {
        const preflight = cors && request.headers.has('access-control-request-method') ? preflightHeaders(cors, allow) : {};
        return new Response(null, { status: 204, headers: { allow, ...preflight } });
      }
      throw new HttpError(405, 'method_not_allowed', `${request.method.slice(0, 20)} is not allowed on ${path.slice(0, 200)}; allowed: ${allow}.`, [], { allow });
    }
    const { route, params } = match;

    let principal: Principal | null = null;
    let tenant: TenantHandle | undefined;
    if (route.scope !== null) {
      principal = await authenticate(request, engine, options.auth, apiKeyRoles);
      requireScope(principal, route.scope);
      if (rateLimit) {
        tenant = tenantOf(principal);
        await rateLimit(principal, tenant);
      }
    }

    const parsedParams = parseWith(route.params, params, 'path parameters');
    const parsedQuery = parseWith(route.query, Object.fromEntries(url.searchParams), 'query', 'query');
    let body: unknown;
    let rawBody: Uint8Array | undefined;
    if (route.rawBody && METHODS_WITH_BODY.has(method)) rawBody = await readBodyBytes(request, bodyLimit);
    else if (route.body && METHODS_WITH_BODY.has(method)) {
      const json = await readJsonBody(request, bodyLimit);
      body = isDocumentationOnly(route.body) ? json : parseWith(route.body, json, 'body');
    }

    const caller = principal;
    const context: RouteContext<unknown, unknown, unknown> = {
      request,
      params: parsedParams,
      query: parsedQuery,
      body,
      rawBody,
      engine,
      principal,
      get tenant() {
        if (!caller) throw unauthorized('Authentication required.');
        return (tenant ??= tenantOf(caller));
      },
      openapi: openapiDocument,
    };
    const result = await route.handle(context);
    const response =
      result instanceof Response
        ? result
        : route.response === null
          ? new Response(null, { status: route.status, headers: { 'cache-control': 'no-store' } })
          : jsonResponse(route.status, result);
    if (request.method !== 'HEAD') return response;
    // HEAD drops the body; a stream (SSE) is cancelled so its source is freed at once.
    void response.body?.cancel().catch(() => undefined);
    return new Response(null, { status: response.status, headers: response.headers });
  }

  return async function handle(request: Request): Promise<Response> {
    let response: Response;
    try {
      response = await dispatch(request);
    } catch (error) {
      response = errorResponse(error, log);
      if (request.method === 'HEAD') response = new Response(null, { status: response.status, headers: response.headers });
    }
    if (cors) for (const [name, value] of Object.entries(corsHeaders(cors, request))) response.headers.set(name, value);
    // A lazy JSON response is for the Node bridge only; every other caller gets a real Response.
    return isBridgeRequest(request) ? response : realResponse(response);
  };
}
