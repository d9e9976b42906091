// Fastify 5: `app.register(toFastify(handler), { prefix: '/api' })` with
// `createHandler(engine, { basePath: '/api' })`. The plugin takes each request over in its
// onRequest hook (hijacked, inside its own encapsulated context), before Fastify parses or checks
// the body: the handler gets the raw bytes as a stream (signature checks need them), applies its
// own size limit and content-type rules, and answers every method and path under the prefix.
import type { FastifyPluginCallback } from 'fastify';
import { handleNode, type FetchHandler } from './node-bridge.js';

const FALLBACK_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const unreachable = async () => undefined;

export function toFastify(handler: FetchHandler): FastifyPluginCallback {
  return (fastify, _options, done) => {
    fastify.addHook('onRequest', async (request, reply) => {
      reply.hijack();
      await handleNode(handler, request.raw, reply.raw);
    });
    // Routes only so that requests reach the hook; the hook answers before they would run.
    const method = fastify.supportedMethods ?? FALLBACK_METHODS;
    fastify.route({ method, url: '/', exposeHeadRoute: false, handler: unreachable });
    fastify.route({ method, url: '/*', exposeHeadRoute: false, handler: unreachable });
    done();
  };
}
