// An OpenAI-compatible endpoint through the official client. The client never retries (maxRetries
// 0): the router decides whether and where to try again.
import OpenAI from 'openai';
import { createHttpFetch } from './http-fetch.js';
import type { ChatProvider } from './provider.js';
import type { ProviderConfig } from './schema.js';

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
