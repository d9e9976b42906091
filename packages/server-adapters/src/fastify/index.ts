export { toFastify } from '../adapters/fastify.js';
