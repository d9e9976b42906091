// Matches `/members/{id}`-style templates segment by segment. A path that matches some route but not
// the method gives the methods it does allow (405 + Allow); malformed escapes simply do not match.
import type { HttpMethod, Route } from '../routes/route.js';

export type RouteMatch =
  | { kind: 'route'; route: Route; params: Record<string, string> }
  | { kind: 'method'; allow: HttpMethod[] }
  | { kind: 'none' };

function splitTemplate(path: string) {
  return path
    .split('/')
    .slice(1)
    .map((part) => (part.startsWith('{') && part.endsWith('}') ? { param: part.slice(1, -1) } : { literal: part }));
}

function matchPath(segments: ReturnType<typeof splitTemplate>, parts: string[]): Record<string, string> | null {
  if (segments.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const part = parts[i]!;
    if ('literal' in segment) {
      if (segment.literal !== part) return null;
    } else {
      if (part === '') return null;
      try {
        params[segment.param] = decodeURIComponent(part);
      } catch {
        return null;
      }
    }
  }
  return params;
}

export function createRouter(routes: readonly Route[]) {
  const compiled = routes.map((route) => ({ route, segments: splitTemplate(route.path) }));
  const seen = new Set<string>();
  for (const { route } of compiled) {
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) throw new Error(`Duplicate route ${key}`);
    seen.add(key);
  }

  return {
    /** `path` is relative to /v1 and starts with "/". */
    match(method: string, path: string): RouteMatch {
      const parts = path.split('/').slice(1);
      const allow: HttpMethod[] = [];
      for (const { route, segments } of compiled) {
        const params = matchPath(segments, parts);
        if (!params) continue;
        if (route.method === method) return { kind: 'route', route, params };
        allow.push(route.method);
      }
      return allow.length ? { kind: 'method', allow } : { kind: 'none' };
    },
  };
}

