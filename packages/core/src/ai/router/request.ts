// The request as it goes to a provider: only fields of OpenAI's chat-completions API (anything else
// a caller sends is dropped, never forwarded), the budget's completion cap applied.
import type { ChatCompletionCreateParamsBase } from 'openai/resources/chat/completions';
import type { ChatRequest } from '../types.js';

const FORWARDED = new Set<string>([
  'messages', 'audio', 'frequency_penalty', 'function_call', 'functions', 'logit_bias', 'logprobs', 'max_completion_tokens', 'max_tokens',
  'metadata', 'modalities', 'moderation', 'n', 'parallel_tool_calls', 'prediction', 'presence_penalty', 'prompt_cache_key', 'prompt_cache_options',
  'prompt_cache_retention', 'reasoning_effort', 'response_format', 'safety_identifier', 'seed', 'service_tier', 'stop', 'store', 'temperature',
  'tool_choice', 'tools', 'top_logprobs', 'top_p', 'user', 'verbosity', 'web_search_options',
]);

export type ProviderBody = Omit<ChatCompletionCreateParamsBase, 'model' | 'stream' | 'stream_options'>;

export function providerBody(request: ChatRequest, maxCompletionTokens: number | undefined): ProviderBody {
  const body: Record<string, unknown> = {};
  for (const key of Object.keys(request)) {
    const value = (request as unknown as Record<string, unknown>)[key];
    if (FORWARDED.has(key) && value !== undefined) body[key] = value;
  }
  if (maxCompletionTokens !== undefined) {
    const own = request.max_completion_tokens ?? request.max_tokens ?? undefined;
    body.max_completion_tokens = own === undefined || own === null ? maxCompletionTokens : Math.min(own, maxCompletionTokens);
    // Sending both is rejected by the API; the cap wins.
    delete body.max_tokens;
  }
  return body as unknown as ProviderBody;
}

/** The completion-token figure used for estimates when the request sets no cap. */
export const DEFAULT_EXPECTED_COMPLETION_TOKENS = 512;
