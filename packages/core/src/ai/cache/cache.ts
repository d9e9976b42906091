// The exact-match response cache, per tenant. The key is the SHA-256 of the canonical JSON of every
// request field that can change the answer (model or route, messages after redaction, sampling,
// tools, response format, seed, max tokens, stop, …); fields that cannot (`user`, stream options,
// metadata) are left out, so a streamed and a plain request share one entry. Only complete answers
// are stored: every choice has a finish_reason. Errors and cut streams never are.
import { canonicalJson } from '../../governance/audit/index.js';
import { sha256Hex } from '../../shared/hash.js';
import type { ChatCompletion, ChatCompletionChunk, ChatRequest, RouteStrategy } from '../types.js';
import type { CacheStore } from './stores.js';

/** Request fields that do not change the answer. */
const IGNORED_FIELDS = new Set(['user', 'stream', 'stream_options', 'metadata', 'store', 'safety_identifier', 'prompt_cache_key', 'service_tier']);

/** What a hit gives back: the answer and who produced it. */
export interface CachedAnswer {
  completion: ChatCompletion;
  model: string;
  provider: string;
  route: string;
  strategy: RouteStrategy;
  arm?: string;
}

export interface CacheStats {
  hits: number;
  misses: number;
  /** hits / (hits + misses); 0 before any lookup. */
  hitRate: number;
}

export interface ResponseCache {
  key(tenantId: string, request: ChatRequest): string;
  get(key: string): Promise<CachedAnswer | undefined>;
  /** Stores a complete answer; anything else (no finish_reason on some choice) is ignored. */
  set(key: string, answer: CachedAnswer): Promise<boolean>;
  stats(): CacheStats;
  close(): Promise<void>;
}

export function isComplete(completion: ChatCompletion): boolean {
  return completion.choices.length > 0 && completion.choices.every((choice) => typeof choice.finish_reason === 'string' && choice.finish_reason.length > 0);
}

export function createResponseCache(store: CacheStore, ttlMs: number): ResponseCache {
  let hits = 0;
  let misses = 0;
  return {
    key(tenantId, request) {
      const fields: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(request)) if (!IGNORED_FIELDS.has(name)) fields[name] = value;
      const digest = sha256Hex(canonicalJson(fields));
      return `${tenantId}:${digest}`;
    },
    async get(key) {
      const text = await store.get(key);
      if (text === undefined) {
        misses += 1;
        return undefined;
      }
      hits += 1;
      return JSON.parse(text) as CachedAnswer;
    },
    async set(key, answer) {
      if (!isComplete(answer.completion)) return false;
      await store.set(key, JSON.stringify(answer), ttlMs);
      return true;
    },
    stats() {
      const total = hits + misses;
      return { hits, misses, hitRate: total === 0 ? 0 : hits / total };
    },
    close: () => store.close(),
  };
}

type ToolCallDelta = NonNullable<ChatCompletionChunk.Choice.Delta['tool_calls']>[number];
type AssembledToolCall = { id: string; type: 'function'; function: { name: string; arguments: string } };

/** Rebuilds the whole answer from a stream's chunks (to cache it); null when some choice never finished. */
export function assembleCompletion(chunks: readonly ChatCompletionChunk[]): ChatCompletion | null {
  const first = chunks[0];
  if (!first) return null;
  const choices = new Map<number, { content: string; refusal: string | null; finish: ChatCompletion.Choice['finish_reason'] | null; tools: Map<number, AssembledToolCall> }>();
  let usage: ChatCompletion['usage'];
  for (const chunk of chunks) {
    if (chunk.usage) usage = chunk.usage;
    for (const choice of chunk.choices) {
      let entry = choices.get(choice.index);
      if (!entry) choices.set(choice.index, (entry = { content: '', refusal: null, finish: null, tools: new Map() }));
      if (typeof choice.delta?.content === 'string') entry.content += choice.delta.content;
      if (typeof choice.delta?.refusal === 'string') entry.refusal = (entry.refusal ?? '') + choice.delta.refusal;
      for (const call of choice.delta?.tool_calls ?? ([] as ToolCallDelta[])) {
        let tool = entry.tools.get(call.index);
        if (!tool) entry.tools.set(call.index, (tool = { id: '', type: 'function', function: { name: '', arguments: '' } }));
        if (call.id) tool.id = call.id;
        if (call.function?.name) tool.function.name += call.function.name;
        if (call.function?.arguments) tool.function.arguments += call.function.arguments;
      }
      if (choice.finish_reason) entry.finish = choice.finish_reason;
    }
  }
  if (choices.size === 0) return null;
  const assembled: ChatCompletion['choices'] = [];
  for (const [index, entry] of [...choices].sort(([a], [b]) => a - b)) {
    if (!entry.finish) return null;
    const tools = [...entry.tools].sort(([a], [b]) => a - b).map(([, tool]) => tool);
    assembled.push({
      index,
      finish_reason: entry.finish,
      logprobs: null,
      message: { role: 'assistant', content: entry.content, refusal: entry.refusal, ...(tools.length > 0 && { tool_calls: tools }) },
    });
  }
  return { id: first.id, object: 'chat.completion', created: first.created, model: first.model, choices: assembled, ...(usage && { usage }) };
}

const WORD = /\s*\S+\s*/g;

/** A cached answer as stream chunks: role, the content word by word, tool calls, the finish, then usage. */
export function replayChunks(completion: ChatCompletion): ChatCompletionChunk[] {
  const base = { id: completion.id, object: 'chat.completion.chunk' as const, created: completion.created, model: completion.model };
  const chunks: ChatCompletionChunk[] = [];
  for (const choice of completion.choices) {
    const { message } = choice;
    chunks.push({ ...base, choices: [{ index: choice.index, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
    for (const piece of (message.content ?? '').match(WORD) ?? []) {
      chunks.push({ ...base, choices: [{ index: choice.index, delta: { content: piece }, finish_reason: null }] });
    }
    if (message.refusal) chunks.push({ ...base, choices: [{ index: choice.index, delta: { refusal: message.refusal }, finish_reason: null }] });
    const tools = (message.tool_calls ?? []).flatMap((call, index) =>
      call.type === 'function' ? [{ index, id: call.id, type: 'function' as const, function: { name: call.function.name, arguments: call.function.arguments } }] : [],
    );
    if (tools.length > 0) chunks.push({ ...base, choices: [{ index: choice.index, delta: { tool_calls: tools }, finish_reason: null }] });
    chunks.push({ ...base, choices: [{ index: choice.index, delta: {}, finish_reason: choice.finish_reason }] });
  }
  if (completion.usage) chunks.push({ ...base, choices: [], usage: completion.usage });
  return chunks;
}
