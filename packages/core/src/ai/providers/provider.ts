// What the router needs from a provider: one non-streaming call and one streaming call, both
// cancellable through a signal. Retries, timeouts and fallbacks are the router's, not the provider's.
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';

export interface ChatProvider {
  readonly id: string;
  readonly kind: 'openai' | 'offline';
  readonly region: string | undefined;
  /** Per-attempt timeout configured for this provider, if any. */
  readonly timeoutMs: number | undefined;
  complete(body: ChatCompletionCreateParamsNonStreaming, signal: AbortSignal): Promise<ChatCompletion>;
  /** Resolves once the response has started (headers received); iterating yields the chunks. */
  stream(body: ChatCompletionCreateParamsStreaming, signal: AbortSignal): Promise<AsyncIterable<ChatCompletionChunk>>;
  /** Frees pooled connections. */
  close(): void;
}
