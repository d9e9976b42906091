export { buildOpenApiDocument } from './document.js';
export type { OpenApiDocument, OpenApiOptions } from './document.js';
