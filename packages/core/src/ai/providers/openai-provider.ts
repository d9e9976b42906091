// An OpenAI-compatible endpoint through the official client. The client never retries (maxRetries
// 0): the router decides whether and where to try again.
import OfficialClient from 'openai';
import { isPlainObject } from '../../shared/validation.js';
import { createHttpFetch } from './http-fetch.js';
import type { ChatProvider } from './provider.js';
import type { ProviderConfig } from './schema.js';

type RequestOptions = Parameters<OfficialClient['buildRequest']>[0];
type BuiltRequest = Awaited<ReturnType<OfficialClient['buildRequest']>>;

/** The options a provider's own calls carry: any other makes the client build the request itself. */
const PLAIN_OPTIONS = new Set(['method', 'path', 'body', 'signal', 'stream', '__security']);

/**
 * The official client, building a provider's constant request parts once. For a call with a JSON
 * body and no options of its own, what the client builds besides the body (the URL, and headers
 * from the client's options, platform and credentials, merged and validated one by one) is the same
 * on every call of one method and path; building it was most of the client's CPU per call. The
 * first such call is built by the client and kept; later ones reuse its URL and `Headers` (only read
 * from then on: by the client's logging and this provider's fetch) with the body encoded as the
 * client encodes a JSON body. Any other call (retries, per-call headers, timeout, query or
 * idempotency key, a body that is not a plain object) is the client's own. The class keeps the
 * client's name, which the client sends as its User-Agent.
 */
class OpenAI extends OfficialClient {
  readonly #built = new Map<string, { url: string; timeout: number; headers: BuiltRequest['req']['headers'] }>();

  override async buildRequest(options: RequestOptions, extra: { retryCount?: number } = {}): Promise<BuiltRequest> {
    const { body } = options;
    // An idempotency header (the client sends none to OpenAI today) would carry a key per call.
    if (this.idempotencyHeader !== undefined || (extra.retryCount ?? 0) !== 0 || !isPlainObject(body) || Object.keys(options).some((name) => !PLAIN_OPTIONS.has(name))) {
      return super.buildRequest(options, extra);
    }
    // The client's own option naming which credentials a call takes, which its headers depend on.
    const security: unknown = options['__security'];
    const key = `${options.method} ${options.path} ${JSON.stringify(security ?? null)}`;
    const built = this.#built.get(key);
    if (!built) {
      const request = await super.buildRequest(options, extra);
      this.#built.set(key, { url: request.url, timeout: request.timeout, headers: request.req.headers });
      return request;
    }
    return {
      req: { method: options.method, headers: built.headers, ...(options.signal && { signal: options.signal }), body: JSON.stringify(body), ...this.fetchOptions },
      url: built.url,
      timeout: built.timeout,
    };
  }
}

export function createOpenAiProvider(config: ProviderConfig, apiKey: string): ChatProvider {
  const http = createHttpFetch();
  const client = new OpenAI({
    apiKey,
    fetch: http.fetch,
    ...(config.baseURL === undefined ? {} : { baseURL: config.baseURL }),
    ...(config.headers === undefined ? {} : { defaultHeaders: config.headers }),
    maxRetries: 0,
    ...(config.timeoutMs === undefined ? {} : { timeout: config.timeoutMs }),
  });
  return {
    id: config.id,
    kind: 'openai',
    region: config.region,
    timeoutMs: config.timeoutMs,
    complete: (body, signal) => client.chat.completions.create(body, { signal }),
    stream: (body, signal) => client.chat.completions.create(body, { signal }),
    close: () => http.close(),
  };
}
