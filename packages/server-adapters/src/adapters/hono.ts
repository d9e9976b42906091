// Hono is web-standard already: `app.all('/api/*', toHono(handler))` with
// `createHandler(engine, { basePath: '/api' })`. Typed structurally so no Hono types are needed.

export type FetchHandler = (request: Request) => Promise<Response>;

/** A Hono handler: takes Hono's context and answers with the handler's Response. */
export function toHono(handler: FetchHandler): (context: { req: { raw: Request } }) => Promise<Response> {
  return (context) => handler(context.req.raw);
}
