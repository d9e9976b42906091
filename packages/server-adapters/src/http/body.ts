// Request bodies: JSON only, read as a stream and cut off at the size limit (413) before the whole
// body is buffered, so a huge upload never reaches memory.
import { HttpError } from './errors.js';
import { READ_NODE_BODY, type NodeBodyReader } from './fast-path.js';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * Body schemas that document a route (OpenAPI) but are not run by the handler: the route hands the
 * parsed JSON to an engine call that validates it itself (naming the field at fault), so checking
 * it twice would only cost time. The route checks whatever its schema adds on top.
 */
const documentationOnly = new WeakSet<object>();

export function documentsOnly<S extends object>(schema: S): S {
  documentationOnly.add(schema);
  return schema;
}

export const isDocumentationOnly = (schema: object): boolean => documentationOnly.has(schema);

const tooLarge = (limit: number) => new HttpError(413, 'payload_too_large', `Request body exceeds the limit of ${limit} bytes.`);

/** The raw bytes of the body, at most `limit` of them. */
export async function readBodyBytes(request: Request, limit: number): Promise<Uint8Array> {
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > limit) throw tooLarge(limit);
  const readNodeBody = (request as unknown as { [READ_NODE_BODY]?: NodeBodyReader })[READ_NODE_BODY];
  if (readNodeBody !== undefined) {
    // The Node bridge's request: straight from the socket, no web stream in between.
    let bytes: Uint8Array | null;
    try {
      bytes = await readNodeBody.call(request, limit);
    } catch {
      throw new HttpError(400, 'invalid_input', 'The request body could not be read.', [{ path: 'body', message: 'incomplete or aborted body' }]);
    }
    if (bytes === null) throw tooLarge(limit);
    return bytes;
  }
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        // Stop reading; the rest is discarded by the server (Node dumps unread bodies).
        void reader.cancel().catch(() => undefined);
        throw tooLarge(limit);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(400, 'invalid_input', 'The request body could not be read.', [{ path: 'body', message: 'incomplete or aborted body' }]);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;
const isJsonType = (contentType: string) => contentType === 'application/json' || JSON_TYPE.test(contentType.trim());

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The parsed JSON body, or undefined when the request has none. */
export async function readJsonBody(request: Request, limit: number): Promise<unknown> {
  const bytes = await readBodyBytes(request, limit);
  if (bytes.byteLength === 0) return undefined;
  const contentType = request.headers.get('content-type');
  if (contentType === null || !isJsonType(contentType)) {
    throw new HttpError(415, 'unsupported_media_type', `Expected Content-Type: application/json, got ${contentType === null ? 'none' : `"${contentType.slice(0, 100)}"`}.`);
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new HttpError(400, 'invalid_input', 'The request body is not valid UTF-8.', [{ path: 'body', message: 'expected UTF-8 text' }]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = error instanceof SyntaxError ? error.message : 'invalid JSON';
    throw new HttpError(400, 'invalid_input', 'The request body is not valid JSON.', [{ path: 'body', message }]);
  }
}
