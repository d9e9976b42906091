// CORS for browser callers on other origins. Off unless the host turns it on; origins are matched
// exactly (or by the host's predicate), and responses vary on Origin so caches keep them apart.

export interface CorsOptions {
  /** Allowed origins: a list, `*` for any, or a predicate. */
  origin: '*' | readonly string[] | ((origin: string) => boolean);
  /** Send Access-Control-Allow-Credentials (never with `origin: '*'`, which browsers refuse). */
  credentials?: boolean;
  /** Preflight cache lifetime in seconds. Default 600. */
  maxAge?: number;
}

const ALLOW_HEADERS = 'authorization, content-type, last-event-id, x-auterity-cache';
const EXPOSE_HEADERS = 'retry-after, allow, www-authenticate, x-auterity-call-id, x-auterity-model, x-auterity-cache';

function allowedOrigin(cors: CorsOptions, origin: string): string | null {
  if (cors.origin === '*') return cors.credentials ? origin : '*';
  if (typeof cors.origin === 'function') return cors.origin(origin) ? origin : null;
  return cors.origin.includes(origin) ? origin : null;
}

/** Headers to add to a response for `request`'s Origin (none when it is not allowed). */
export function corsHeaders(cors: CorsOptions | undefined, request: Request): Record<string, string> {
  const origin = request.headers.get('origin');
  if (!cors || origin === null) return {};
  const allowed = allowedOrigin(cors, origin);
  if (allowed === null) return { vary: 'Origin' };
  return {
    'access-control-allow-origin': allowed,
    'access-control-expose-headers': EXPOSE_HEADERS,
    ...(cors.credentials && { 'access-control-allow-credentials': 'true' }),
    vary: 'Origin',
  };
}

/** Extra headers of a preflight answer. */
export function preflightHeaders(cors: CorsOptions, allow: string): Record<string, string> {
  return {
    'access-control-allow-methods': allow,
    'access-control-allow-headers': ALLOW_HEADERS,
    'access-control-max-age': String(cors.maxAge ?? 600),
  };
}
