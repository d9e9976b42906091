// The AI domain's shared shapes: what the router core (catalog, providers, strategies, resilience)
// and the tenant pipeline around it (governance, redaction, cache, budgets, cost records) agree on.
// Requests and responses are OpenAI's own chat-completions types, so anything that speaks that wire
// format passes through unchanged.
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParamsBase } from 'openai/resources/chat/completions';

export type { ChatCompletion, ChatCompletionChunk };

/** A chat request as OpenAI defines it; `model` names a route, an assistant preset or a catalog model. */
export type ChatRequest = Omit<ChatCompletionCreateParamsBase, 'stream' | 'stream_options'>;

export type ModelCapability = 'tools' | 'json' | 'vision';

/** One model of the catalog (data the ISV extends). Prices are USD per 1M tokens. */
export interface ModelEntry {
  /** The id callers use (may differ from the provider's own name, e.g. `eu/gpt-4o`). */
  id: string;
  provider: string;
  /** The name sent to the provider. Default: `id`. */
  upstreamModel: string;
  inputPerMTok: number;
  outputPerMTok: number;
  contextWindow: number;
  capabilities: readonly ModelCapability[];
  region: string;
  /** Shown to users: e.g. "Offline (deterministic, local)". */
  label?: string;
}

export type RouteStrategy = 'fallback' | 'cheapest' | 'fastest' | 'weighted' | 'cascade' | 'experiment';

/** Everything the router decided and observed for one call. */
export interface CallMeta {
  /** Unique id of this call (outcomes of experiments and cost records refer to it). */
  callId: string;
  /** The route (or model id, when the request named a model directly). */
  route: string;
  strategy: RouteStrategy;
  /** The catalog model that produced the answer. */
  model: string;
  provider: string;
  /** Experiment arm, when the route is an experiment. */
  arm?: string;
  /** Every attempt in order, failed ones included. */
  attempts: readonly AttemptRecord[];
  usage: { promptTokens: number; completionTokens: number };
  costUsd: number;
  latencyMs: number;
  /** Streams only: time to the first content token. */
  ttftMs?: number;
  cached: boolean;
  /** Cascade routes: whether the answer passed the route's validator ('failed' when no model's answer did). */
  validation?: 'passed' | 'failed';
  /**
   * Streams only: set when the stream failed or was aborted after its first token. `usage` then
   * counts what was delivered (completion tokens estimated when the upstream sent no usage).
   */
  incomplete?: 'upstream_error' | 'upstream_timeout' | 'aborted';
}

export interface AttemptRecord {
  model: string;
  provider: string;
  outcome: 'ok' | 'error' | 'rejected_by_validator' | 'skipped_breaker_open';
  /** HTTP status or error code of a failed attempt. */
  error?: string;
  latencyMs: number;
}

/** A routed, non-streaming answer: OpenAI's object plus what the router did. */
export type RoutedCompletion = ChatCompletion & { auterity: CallMeta };

/**
 * A routed stream. Iterating yields OpenAI chunks. A failure before the first token has already
 * been retried or fallen back; a failure after it makes the iterator throw (it never ends as if the
 * answer were complete). `meta` settles when the stream ends either way.
 */
export interface RoutedStream extends AsyncIterable<ChatCompletionChunk> {
  readonly meta: Promise<CallMeta>;
  /** Stops the upstream request and frees everything the stream holds. */
  abort(): void;
}

/** Per-call options of the router core. */
export interface RouteCallOptions {
  tenantId: string;
  /** Sticky experiment assignment per user (else per tenant). */
  userId?: string;
  signal?: AbortSignal;
  /** Candidate filter applied before any attempt (governance allowlists). */
  allowModel?: (model: ModelEntry) => boolean;
  /** Upper bound for completion tokens (budgets): sent as `max_completion_tokens`. */
  maxCompletionTokens?: number;
  /** Id for this call; generated when absent. */
  callId?: string;
}

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerSnapshot {
  provider: string;
  model: string;
  state: BreakerState;
  /** Consecutive failures counted toward opening. */
  failures: number;
  /** Epoch ms of the last transition. */
  since: number;
  /** Epoch ms when an open breaker lets a probe through. */
  retryAt?: number;
}

export interface BreakerTransition {
  provider: string;
  model: string;
  from: BreakerState;
  to: BreakerState;
  at: number;
  reason: string;
}
