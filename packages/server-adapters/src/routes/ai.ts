// A tenant's AI routing (DESIGN §6) over HTTP, OpenAI-compatible: any OpenAI client pointed at
// `<server>/v1/ai` gets the tenant's routes, budgets, policies and cache by changing its base URL.
// Scopes: ai:use (completions, models, outcomes), ai:read (usage).
//
// Streams are OpenAI's wire format (`data: <chunk>` … `data: [DONE]`). Errors before the first chunk
// (validation, policy, budget, every target failing) are the usual JSON envelope with their status;
// a failure after it ends the stream with an `error` event carrying `{ error: { message, type, code } }`
// and no [DONE], which OpenAI's clients raise as an error rather than a finished answer. A client
// that disconnects aborts the upstream call.
import type { ChatCompletionChunk, ChatRequest, RoutedStream, TenantHandle } from '@auterity/core';
import { isAuterityError } from '@auterity/core';
import { z } from 'zod';
import { documentsOnly } from '../http/body.js';
import { HttpError, jsonResponse } from '../http/errors.js';
import { formatSseEvent, SSE_HEADERS } from '../http/sse.js';
import { defineRoute } from './route.js';
import { idParams, listOf, timestamp } from './schemas.js';

// The request: OpenAI's shape. `model` and `messages` are required; every other field passes
// through to the engine, which validates what it relies on (and names the field at fault). The
// schema documents the route; the engine's validation is the one that runs, plus `checkChatBody`
// for what only this route reads (so a request is validated once, not twice).
const contentPart = z.looseObject({ type: z.string() });
const messageSchema = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
});
const chatBody = z
  .looseObject({
    model: z.string().min(1).max(256).meta({ description: 'A catalog model, a route, or an assistant preset as `assistant:<id>` (see GET /v1/ai/models).' }),
    messages: z.array(messageSchema).min(1),
    stream: z.boolean().nullable().optional().meta({ description: 'Answer as server-sent events, as OpenAI does.' }),
    stream_options: z.looseObject({ include_usage: z.boolean().nullable().optional() }).nullable().optional(),
    user: z.string().max(256).optional().meta({ description: 'The end user: sticky experiment assignment and per-user records.' }),
  })
  .meta({ examples: [{ model: 'offline', messages: [{ role: 'user', content: 'Hello' }] }] });

const MAX_ID_LENGTH = 256;

type ChatBody = z.output<typeof chatBody>;

const invalidBody = (path: string, message: string) => new HttpError(400, 'invalid_input', `Invalid body: ${path}: ${message}`, [{ path, message }]);

/** What the engine does not check itself: the body's shape, the stream flags and the id lengths. */
function checkChatBody(body: unknown): ChatBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidBody('body', 'expected a JSON object');
  const { model, stream, stream_options: streamOptions, user } = body as Record<string, unknown>;
  if (typeof model === 'string' && model.length > MAX_ID_LENGTH) throw invalidBody('model', `expected at most ${MAX_ID_LENGTH} characters`);
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean') throw invalidBody('stream', 'expected a boolean or null');
  if (streamOptions !== undefined && streamOptions !== null) {
    if (typeof streamOptions !== 'object' || Array.isArray(streamOptions)) throw invalidBody('stream_options', 'expected an object or null');
    const includeUsage = (streamOptions as Record<string, unknown>).include_usage;
    if (includeUsage !== undefined && includeUsage !== null && typeof includeUsage !== 'boolean') throw invalidBody('stream_options.include_usage', 'expected a boolean or null');
  }
  if (user !== undefined && (typeof user !== 'string' || user.length > MAX_ID_LENGTH)) throw invalidBody('user', `expected a string of at most ${MAX_ID_LENGTH} characters`);
  return body as ChatBody;
}

const callMetaSchema = z
  .object({
    callId: z.string().meta({ description: 'Send outcomes for experiments to POST /v1/ai/calls/{id}/outcome.' }),
    route: z.string(),
    strategy: z.enum(['fallback', 'cheapest', 'fastest', 'weighted', 'cascade', 'experiment']),
    model: z.string(),
    provider: z.string(),
    arm: z.string().optional(),
    attempts: z.array(z.object({ model: z.string(), provider: z.string(), outcome: z.enum(['ok', 'error', 'rejected_by_validator', 'skipped_breaker_open']), error: z.string().optional(), latencyMs: z.number() })),
    usage: z.object({ promptTokens: z.number().int(), completionTokens: z.number().int() }),
    costUsd: z.number(),
    latencyMs: z.number(),
    ttftMs: z.number().optional(),
    cached: z.boolean(),
    validation: z.enum(['passed', 'failed']).optional(),
    incomplete: z.enum(['upstream_error', 'upstream_timeout', 'aborted']).optional(),
  })
  .meta({ description: 'What Auterity decided and observed for the call.' });

const usageSchema = z.looseObject({ prompt_tokens: z.number().int(), completion_tokens: z.number().int(), total_tokens: z.number().int() });

const completionSchema = z.looseObject({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(
    z.looseObject({
      index: z.number().int(),
      message: z.looseObject({ role: z.literal('assistant'), content: z.string().nullable() }),
      finish_reason: z.string().nullable(),
    }),
  ),
  usage: usageSchema.optional(),
  auterity: callMetaSchema,
});

const chunkSchema = z.looseObject({
  id: z.string(),
  object: z.literal('chat.completion.chunk'),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(z.looseObject({ index: z.number().int(), delta: z.looseObject({}), finish_reason: z.string().nullable() })),
  usage: usageSchema.nullable().optional().meta({ description: 'With `stream_options.include_usage`: on the last chunk (whose `choices` is empty).' }),
  auterity: callMetaSchema.optional().meta({ description: 'On the last chunk before [DONE].' }),
});

const modelSchema = z.object({
  id: z.string().meta({ description: 'What to send as `model`.' }),
  object: z.literal('model'),
  created: z.number().int(),
  owned_by: z.enum(['auterity-model', 'auterity-route', 'auterity-assistant']),
  label: z.string().optional(),
  provider: z.string().optional(),
  pricing: z.object({ inputPerMTok: z.number(), outputPerMTok: z.number() }).optional().meta({ description: 'USD per 1M tokens.' }),
  contextWindow: z.number().int().optional(),
  capabilities: z.array(z.enum(['tools', 'json', 'vision'])).optional(),
  region: z.string().optional(),
  strategy: z.string().optional().meta({ description: 'Routes: how the route picks a model.' }),
  models: z.array(z.string()).optional().meta({ description: 'Routes: the models it may reach (those this caller may use).' }),
  route: z.string().optional().meta({ description: 'Assistants: the route or model that serves them.' }),
  description: z.string().optional(),
});

const modelUsageSchema = z.object({
  model: z.string(),
  calls: z.number().int(),
  errors: z.number().int(),
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  totalTokens: z.number().int(),
  costUsd: z.number(),
  cacheHits: z.number().int(),
});

const epochMs = z.coerce.number().int().min(0).max(8_640_000_000_000_000);

/** Models have no creation date of their own: the time this process started listing them. */
const LISTED_AT = Math.floor(Date.now() / 1000);

const encoder = new TextEncoder();
const sseData = (value: unknown) => encoder.encode(formatSseEvent({ data: value }));

const callOptions = (request: Request, body: { user?: string | undefined }) => ({
  signal: request.signal,
  ...(body.user !== undefined && { userId: body.user }),
  ...(request.headers.get('x-auterity-cache')?.trim().toLowerCase() === 'bypass' && { cache: 'bypass' as const }),
});

/** OpenAI's error object for a failure after the stream started; internals stay out of it. */
function streamError(error: unknown): { error: { message: string; type: string; code: string; param: null } } {
  const known = isAuterityError(error) && (error.status < 500 || error.code === 'upstream_error' || error.code === 'upstream_timeout' || error.code === 'unavailable');
  const code = known ? error.code : 'internal';
  const message = known ? error.message : 'Internal server error.';
  return { error: { message, type: code, code, param: null } };
}

/** A chunk that ends the answer (a finish_reason, or the usage chunk): held back so the meta can ride on the last one. */
const isClosingChunk = (chunk: ChatCompletionChunk) => chunk.choices.length === 0 || chunk.choices.some((choice) => choice.finish_reason != null);

async function streamResponse(request: Request, tenant: TenantHandle, chatRequest: ChatRequest, options: ReturnType<typeof callOptions>, includeUsage: boolean): Promise<Response> {
  const stream: RoutedStream = tenant.ai.stream(chatRequest, options);
  const iterator = stream[Symbol.asyncIterator]();
  // The first chunk is awaited before answering: a refusal or an upstream that never answered is a
  // plain JSON error with its status, not a stream.
  let first: IteratorResult<ChatCompletionChunk>;
  try {
    first = await iterator.next();
  } catch (error) {
    stream.abort();
    throw error;
  }

  let held: ChatCompletionChunk | undefined;
  let finished = false;
  let pending: ChatCompletionChunk | undefined = first.done ? undefined : first.value;
  let ended = first.done === true;

  const stop = () => {
    if (finished) return;
    finished = true;
    request.signal.removeEventListener('abort', onClientGone);
    stream.abort();
    // Runs the pipeline's finally (budget commit, cost record) when no chunk was being awaited.
    void iterator.return?.()?.catch(() => undefined);
  };
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | undefined;
  const onClientGone = () => {
    stop();
    try {
      controllerRef?.close();
    } catch {
      // already closed
    }
  };

  /** Queues what is ready to send; returns whether anything was enqueued. */
  const push = (controller: ReadableStreamDefaultController<Uint8Array>, chunk: ChatCompletionChunk): boolean => {
    let out: ChatCompletionChunk = chunk;
    if (!includeUsage) {
      // The router always asks upstream for usage; a client that did not ask gets OpenAI's plain chunks.
      if (chunk.choices.length === 0) return false;
      if ('usage' in chunk) {
        const { usage: _usage, ...rest } = chunk;
        out = rest as ChatCompletionChunk;
      }
    }
    const previous = held;
    held = undefined;
    if (isClosingChunk(out)) held = out;
    let sent = false;
    if (previous) {
      controller.enqueue(sseData(previous));
      sent = true;
    }
    if (!held) {
      controller.enqueue(sseData(out));
      sent = true;
    }
    return sent;
  };

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controllerRef = controller;
      if (request.signal.aborted) return onClientGone();
      request.signal.addEventListener('abort', onClientGone, { once: true });
    },
    async pull(controller) {
      // Loops until something is enqueued: a pull that enqueues nothing is not called again.
      for (;;) {
        if (finished) return;
        try {
          if (pending) {
            const chunk = pending;
            pending = undefined;
            if (push(controller, chunk)) return;
            continue;
          }
          if (!ended) {
            const next = await iterator.next();
            if (finished) return;
            if (!next.done) {
              pending = next.value;
              continue;
            }
            ended = true;
          }
          const meta = await stream.meta.catch(() => undefined);
          if (finished) return;
          if (held) controller.enqueue(sseData(meta ? { ...held, auterity: meta } : held));
          held = undefined;
          controller.enqueue(encoder.encode('data: [DONE]\n\n'));
          stop();
          controller.close();
          return;
        } catch (error) {
          if (finished) return;
          // Never a clean end: what was held goes out, then the error, and no [DONE].
          if (held) controller.enqueue(sseData(held));
          held = undefined;
          controller.enqueue(encoder.encode(formatSseEvent({ event: 'error', data: streamError(error) })));
          stop();
          controller.close();
          return;
        }
      }
    },
    cancel() {
      stop();
    },
  });

  const model = pending?.model;
  return new Response(body, {
    status: 200,
    headers: { ...SSE_HEADERS, ...(model && { 'x-auterity-model': model }) },
  });
}

export const aiRoutes = [
  defineRoute({
    method: 'POST',
    path: '/ai/chat/completions',
    operationId: 'createChatCompletion',
    summary:
      "OpenAI-compatible chat completion through the tenant's routes, budgets, policies and cache. `stream: true` answers with server-sent events as OpenAI does. Headers: `x-auterity-call-id`, `x-auterity-model`, `x-auterity-cache: hit|miss` (streams: the model only; the call's meta rides on the last chunk); send `x-auterity-cache: bypass` to skip the cache.",
    tag: 'ai',
    scope: 'ai:use',
    body: documentsOnly(chatBody),
    status: 200,
    response: completionSchema,
    alsoStreams: chunkSchema,
    errors: [404, 502, 504],
    handle: async ({ tenant, body: input, request }) => {
      const body = checkChatBody(input);
      const { stream, stream_options: streamOptions, ...rest } = body;
      const chatRequest = rest as unknown as ChatRequest;
      const options = callOptions(request, body);
      if (stream === true) return streamResponse(request, tenant, chatRequest, options, streamOptions?.include_usage === true);
      const completion = await tenant.ai.chat(chatRequest, options);
      const meta = completion.auterity;
      return jsonResponse(200, completion, { 'x-auterity-call-id': meta.callId, 'x-auterity-model': meta.model, 'x-auterity-cache': meta.cached ? 'hit' : 'miss' });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/ai/models',
    operationId: 'listAiModels',
    summary: "OpenAI's model list: the catalog models this caller may use, then the routes and `assistant:<id>` presets that reach them",
    tag: 'ai',
    scope: 'ai:use',
    status: 200,
    response: z.object({ object: z.literal('list'), data: z.array(modelSchema) }),
    handle: async ({ tenant, engine }) => {
      const usable = await tenant.ai.models();
      const usableIds = new Set(usable.map((model) => model.id));
      const base = { object: 'model' as const, created: LISTED_AT };
      const models = usable.map((model) => ({
        ...base,
        id: model.id,
        owned_by: 'auterity-model' as const,
        ...(model.label !== undefined && { label: model.label }),
        provider: model.provider,
        pricing: { inputPerMTok: model.inputPerMTok, outputPerMTok: model.outputPerMTok },
        contextWindow: model.contextWindow,
        capabilities: [...model.capabilities],
        region: model.region,
      }));
      const routes = engine.ai
        .routes()
        .map((route) => ({ route, reachable: route.models.filter((id) => usableIds.has(id)) }))
        .filter(({ reachable }) => reachable.length > 0)
        .map(({ route, reachable }) => ({ ...base, id: route.id, owned_by: 'auterity-route' as const, strategy: route.strategy, models: reachable }));
      const servable = new Set([...usableIds, ...routes.map((route) => route.id)]);
      const assistants = [...engine.ai.assistants.values()]
        .map((assistant) => ({ assistant, route: assistant.route ?? engine.ai.defaultRoute }))
        .filter(({ route }) => servable.has(route))
        .map(({ assistant, route }) => ({
          ...base,
          id: `assistant:${assistant.id}`,
          owned_by: 'auterity-assistant' as const,
          label: assistant.name,
          route,
          ...(assistant.description !== undefined && { description: assistant.description }),
        }));
      return { object: 'list' as const, data: [...models, ...routes, ...assistants] };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/ai/usage',
    operationId: 'getAiUsage',
    summary: "The tenant's AI usage per model: calls, errors, tokens, cost and cache hits, between `from` (inclusive) and `to` (exclusive)",
    tag: 'ai',
    scope: 'ai:read',
    query: z.object({
      from: epochMs.optional().meta({ description: 'Epoch milliseconds, inclusive.' }),
      to: epochMs.optional().meta({ description: 'Epoch milliseconds, exclusive.' }),
    }),
    status: 200,
    response: listOf(modelUsageSchema).extend({ from: timestamp.nullable(), to: timestamp.nullable() }),
    handle: async ({ tenant, query }) => {
      const range = { ...(query.from !== undefined && { from: query.from }), ...(query.to !== undefined && { to: query.to }) };
      return { from: query.from ?? null, to: query.to ?? null, data: await tenant.ai.usage(range) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/ai/calls/{id}/outcome',
    operationId: 'recordAiOutcome',
    summary: "Record a call's outcome (a number, or a boolean counted as 1/0) for its experiment's statistics",
    tag: 'ai',
    scope: 'ai:use',
    params: idParams,
    body: z.strictObject({ outcome: z.union([z.number(), z.boolean()]) }).meta({ examples: [{ outcome: true }] }),
    status: 204,
    response: null,
    handle: async ({ tenant, params, body }) => {
      await tenant.ai.recordOutcome(params.id, body.outcome);
    },
  }),
];
