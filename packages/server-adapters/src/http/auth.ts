// Who is calling: an API key (`Authorization: Bearer au_…`, verified by the engine, which also
// refuses revoked keys and records last use) or, for anything else, the host's own `auth` callback.
// Either way the result is one tenant and one actor; every route acts through that tenant only.
import type { Auterity } from '@auterity/core';
import { z } from 'zod';
import { HttpError, unauthorized } from './errors.js';

/** What the host's `auth` callback returns for an authenticated request. */
export interface AuthResult {
  tenantId: string;
  actor: { id: string; roles: string[] };
}

/** Maps a request to its tenant and actor, or null when it is not authenticated. */
export type AuthCallback = (request: Request) => AuthResult | null | undefined | Promise<AuthResult | null | undefined>;

export interface Principal extends AuthResult {
  /** `api-key` for `Authorization: Bearer au_…`, `host` for the host's `auth` callback. */
  via: 'api-key' | 'host';
  /** The key's id, for API keys. */
  keyId?: string;
  /** What the caller may do: the key's scopes; `["*"]` for the host's users (their roles govern them). */
  scopes: string[];
}

const authResultSchema = z.object({
  tenantId: z.string().min(1),
  actor: z.object({ id: z.string().min(1), roles: z.array(z.string()) }),
});

const API_KEY_PREFIX = 'au_';

function bearerToken(request: Request): string | null {
  const header = request.headers.get('authorization');
  if (!header) return null;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match ? match[1]! : null;
}

export async function authenticate(request: Request, engine: Auterity, auth: AuthCallback | undefined, apiKeyRoles: readonly string[]): Promise<Principal> {
  const token = bearerToken(request);
  if (token !== null && token.startsWith(API_KEY_PREFIX)) {
    const verified = await engine.apiKeys.verify(token);
    if (!verified) throw unauthorized('Invalid or revoked API key.');
    return {
      via: 'api-key',
      tenantId: verified.tenantId,
      keyId: verified.keyId,
      scopes: verified.scopes,
      actor: { id: `api-key:${verified.keyId}`, roles: [...apiKeyRoles] },
    };
  }
  if (auth) {
    const result = await auth(request);
    if (result) {
      const parsed = authResultSchema.safeParse(result);
      // A malformed result is the host's bug, not the caller's: a 500 with the reason in the log.
      if (!parsed.success) throw new TypeError(`auth() returned an invalid result: ${parsed.error.message}`);
      return { via: 'host', ...parsed.data, scopes: ['*'] };
    }
  }
  throw unauthorized(token === null ? 'Authentication required: send "Authorization: Bearer <API key>".' : 'Invalid credentials.');
}

/** True when `granted` covers `required`: `*`, the scope itself, or a wildcard prefix (`members:*`). */
export function scopeAllows(granted: readonly string[], required: string): boolean {
  return granted.some((scope) => scope === '*' || scope === required || (scope.endsWith(':*') && required.startsWith(scope.slice(0, -1))));
}

export function requireScope(principal: Principal, required: string): void {
  if (!scopeAllows(principal.scopes, required)) {
    throw new HttpError(403, 'forbidden', `This API key lacks the "${required}" scope.`);
  }
}
