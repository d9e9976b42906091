// The offline model: answers in-process, deterministically for the same request, so the demo and
// `auterity serve` work with no API key. It is not a language model and says so in every answer.
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParamsBase } from 'openai/resources/chat/completions';
import { abortReason } from '../../shared/abort.js';
import { sha256Hex } from '../../shared/hash.js';
import type { ChatProvider } from './provider.js';
import { countPromptTokens, countTokens, lastUserMessage } from './tokens.js';

const PREFIX = '[offline model]';
const SUMMARY_WORDS = 24;
const WORD = /\s*\S+\s*/g;

function summary(text: string): string {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return 'No question was asked.';
  const head = words.slice(0, SUMMARY_WORDS).join(' ');
  return `You asked: "${head}${words.length > SUMMARY_WORDS ? ' …' : ''}" (${words.length} word${words.length === 1 ? '' : 's'}).`;
}

type JsonSchema = Record<string, unknown>;

/** A small value satisfying the common subset of JSON Schema (types, enum, const, required, minItems). */
function sampleFor(schema: unknown, text: string, depth = 0): unknown {
  if (typeof schema !== 'object' || schema === null || depth > 8) return null;
  const s = schema as JsonSchema;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const options = s[key];
    if (Array.isArray(options) && options.length > 0) return sampleFor(options[0], text, depth + 1);
  }
  const type = Array.isArray(s.type) ? (s.type.find((t) => t !== 'null') ?? s.type[0]) : s.type;
  switch (type) {
    case 'object': {
      const properties = (typeof s.properties === 'object' && s.properties !== null ? s.properties : {}) as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(properties)) out[name] = sampleFor(property, text, depth + 1);
      return out;
    }
    case 'array': {
      const count = typeof s.minItems === 'number' ? s.minItems : 0;
      return Array.from({ length: count }, () => sampleFor(s.items, text, depth + 1));
    }
    case 'string': {
      const min = typeof s.minLength === 'number' ? s.minLength : 0;
      const max = typeof s.maxLength === 'number' ? s.maxLength : Infinity;
      const value = text.length > max ? text.slice(0, max) : text;
      return value.length >= min ? value : value.padEnd(min, '.');
    }
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? (type === 'integer' ? Math.ceil(s.minimum) : s.minimum) : 0;
    case 'boolean':
      return false;
    default:
      return null;
  }
}

function answerFor(request: ChatCompletionCreateParamsBase): string {
  const said = summary(lastUserMessage(request.messages));
  const format = request.response_format;
  if (format?.type === 'json_schema') return JSON.stringify(sampleFor(format.json_schema.schema ?? { type: 'object' }, `${PREFIX} ${said}`));
  if (format?.type === 'json_object') return JSON.stringify({ model: 'offline', answer: `${PREFIX} ${said}` });
  return `${PREFIX} ${said} This is a local, deterministic stand-in; configure a provider for real answers.`;
}

function requestHash(request: ChatCompletionCreateParamsBase): string {
  const { messages, response_format, max_completion_tokens, max_tokens } = request;
  return sha256Hex(JSON.stringify([messages, response_format ?? null, max_completion_tokens ?? null, max_tokens ?? null])).slice(0, 24);
}

interface OfflineAnswer {
  id: string;
  content: string;
  finishReason: 'stop' | 'length';
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

function answer(request: ChatCompletionCreateParamsBase): OfflineAnswer {
  let content = answerFor(request);
  let finishReason: 'stop' | 'length' = 'stop';
  const limit = request.max_completion_tokens ?? request.max_tokens;
  // A JSON answer is never truncated: cut JSON would be worse than a slightly long answer.
  if (typeof limit === 'number' && limit > 0 && countTokens(content) > limit && request.response_format?.type !== 'json_schema' && request.response_format?.type !== 'json_object') {
    content = content.slice(0, limit * 4);
    finishReason = 'length';
  }
  const promptTokens = countPromptTokens(request.messages);
  const completionTokens = countTokens(content);
  return {
    id: `chatcmpl-offline-${requestHash(request)}`,
    content,
    finishReason,
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
}

export function createOfflineProvider(id: string, now: () => number, region = 'local'): ChatProvider {
  return {
    id,
    kind: 'offline',
    region,
    timeoutMs: undefined,
    close: () => undefined,
    complete(body, signal) {
      if (signal.aborted) return Promise.reject(abortReason(signal));
      const result = answer(body);
      const completion: ChatCompletion = {
        id: result.id,
        object: 'chat.completion',
        created: Math.floor(now() / 1000),
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: result.content, refusal: null }, finish_reason: result.finishReason, logprobs: null }],
        usage: result.usage,
      };
      return Promise.resolve(completion);
    },
    stream(body, signal) {
      if (signal.aborted) return Promise.reject(abortReason(signal));
      const result = answer(body);
      const created = Math.floor(now() / 1000);
      const includeUsage = body.stream_options?.include_usage === true;
      const chunk = (delta: ChatCompletionChunk.Choice.Delta, finish: 'stop' | 'length' | null): ChatCompletionChunk => ({
        id: result.id,
        object: 'chat.completion.chunk',
        created,
        model: body.model,
        choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
      });
      async function* chunks(): AsyncGenerator<ChatCompletionChunk> {
        const pieces = result.content.match(WORD) ?? [];
        yield chunk({ role: 'assistant', content: '' }, null);
        for (const piece of pieces) {
          // Yield to the event loop between chunks, as a network stream would, so aborts land.
          await new Promise<void>((resolve) => setImmediate(resolve));
          if (signal.aborted) throw abortReason(signal);
          yield chunk({ content: piece }, null);
        }
        yield chunk({}, result.finishReason);
        if (includeUsage) yield { id: result.id, object: 'chat.completion.chunk', created, model: body.model, choices: [], usage: result.usage };
      }
      return Promise.resolve(chunks());
    },
  };
}
