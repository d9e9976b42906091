// Next.js App Router route handlers. In `app/api/[...auterity]/route.ts`:
//   const handler = createHandler(engine, { basePath: '/api' });
//   export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = toNextRouteHandlers(handler);
// (with `export const runtime = 'nodejs'`: the engine needs Node's database drivers).

export type FetchHandler = (request: Request) => Promise<Response>;
export type NextRouteHandler = (request: Request) => Promise<Response>;

export interface NextRouteHandlers {
  GET: NextRouteHandler;
  HEAD: NextRouteHandler;
  POST: NextRouteHandler;
  PUT: NextRouteHandler;
  PATCH: NextRouteHandler;
  DELETE: NextRouteHandler;
  OPTIONS: NextRouteHandler;
}

export function toNextRouteHandlers(handler: FetchHandler): NextRouteHandlers {
  // Next passes a second argument ({ params }); the handler routes on the URL, so it is ignored.
  const route: NextRouteHandler = (request) => handler(request);
  return { GET: route, HEAD: route, POST: route, PUT: route, PATCH: route, DELETE: route, OPTIONS: route };
}
