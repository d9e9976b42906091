// The router: resolves a request's `model` to a route, orders its candidates by strategy, and tries
// them with retries, timeouts and circuit breakers until one answers. Streams fall back only before
// their first token; after it, a failure surfaces as an error, never as a clean end.
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { Logger } from '../../config/logger.js';
import { silentLogger } from '../../config/logger.js';
import { AuterityError } from '../../errors.js';
import { abortReason } from '../../shared/abort.js';
import { deferred } from '../../shared/deferred.js';
import { createId } from '../../shared/ids.js';
import { optionError, optionsError, toIssues } from '../../shared/validation.js';
import { defineModels, mergeCatalog } from '../catalog/index.js';
import { countPromptTokens, countTokens, createProviders, type ChatProvider } from '../providers/index.js';
import type {
  AttemptRecord,
  BreakerSnapshot,
  BreakerTransition,
  CallMeta,
  ChatCompletion,
  ChatRequest,
  ModelCapability,
  ModelEntry,
  RoutedCompletion,
  RoutedStream,
  RouteCallOptions,
  RouteStrategy,
} from '../types.js';
import { createBreakers } from './breaker.js';
import { createLatencyTracker } from './latency.js';
import { DEFAULT_EXPECTED_COMPLETION_TOKENS, providerBody, type ProviderBody } from './request.js';
import { AttemptTimeout, backoffDelay, classifyFailure, sleep as realSleep, StreamCut } from './retry.js';
import { routerOptionsSchema, type RouteConfig, type RouterOptions } from './schema.js';
import { plan, requiredCapabilities, type Arm, type Target } from './strategies.js';
import { createValidator, type AnswerValidator } from './validator.js';

export interface RouterDeps {
  now?: () => number;
  random?: () => number;
  logger?: Logger;
  /** Environment for defaults (OPENAI_API_KEY); `options.env` wins. */
  env?: Record<string, string | undefined>;
  /** Waits between retries (tests inject one to observe delays without waiting). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface RouteSummary {
  id: string;
  strategy: RouteStrategy;
  models: readonly string[];
}

export interface Router {
  /** Catalog models, built-in plus the ISV's (those whose provider is configured). */
  models(): readonly ModelEntry[];
  /** Route ids and their strategies. */
  routes(): readonly RouteSummary[];
  /** Every model a request for `model` (route id or model id) may reach. Throws AuterityError('not_found') if unknown. */
  candidates(model: string): readonly ModelEntry[];
  complete(request: ChatRequest, options: RouteCallOptions): Promise<RoutedCompletion>;
  stream(request: ChatRequest, options: RouteCallOptions): RoutedStream;
  breakers(): BreakerSnapshot[];
  onBreaker(listener: (transition: BreakerTransition) => void): () => void;
  /** Aborts calls in flight; later calls fail with 'unavailable'. */
  close(): Promise<void>;
}

interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
}

interface ResolvedRoute {
  id: string;
  strategy: RouteStrategy;
  targets: Target[];
  arms: Arm[] | undefined;
  constraints: RouteConfig['constraints'];
  validator: AnswerValidator | undefined;
  sticky: 'tenant' | 'user';
  retry: RetryPolicy;
  /** Set on the route; else the provider's, else the router's. */
  timeoutMs: number | undefined;
}

interface Call {
  callId: string;
  route: ResolvedRoute;
  order: ModelEntry[];
  arm: string | undefined;
  attempts: AttemptRecord[];
  body: ProviderBody;
  promptTokens: number;
  started: number;
  /**
   * What aborts the call: the caller's signal, or a stream's own controller (which follows the
   * caller's signal, the stream's `abort()` and `close()`). complete() has no controller of its own:
   * its attempts follow the caller's signal directly, one controller fewer per call.
   */
  signal: AbortSignal | undefined;
}

/** On success the attempt's controller (still following the call) and its release. */
type AttemptResult<T> = { ok: true; value: T; latencyMs: number; controller: AbortController; release: () => void } | { ok: false };

const DEFAULTS = { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 5_000, maxRetryAfterMs: 10_000, timeoutMs: 60_000, failureThreshold: 5, cooldownMs: 30_000 };


const closedError = () => new AuterityError('unavailable', 'The AI router is closed');

/** Links `signal` to `controller` (abort follows); returns the unlink. */
function link(signal: AbortSignal | undefined, controller: AbortController): () => void {
  if (!signal) return () => undefined;
  if (signal.aborted) {
    controller.abort(abortReason(signal));
    return () => undefined;
  }
  const onAbort = () => controller.abort(abortReason(signal));
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}

function chunkHasToken(chunk: ChatCompletionChunk): boolean {
  for (const choice of chunk.choices) {
    const delta = choice.delta;
    if ((delta.content !== undefined && delta.content !== null && delta.content !== '') || (delta.tool_calls?.length ?? 0) > 0 || delta.function_call || delta.refusal) return true;
  }
  return false;
}

function chunkFinished(chunk: ChatCompletionChunk): boolean {
  return chunk.choices.some((choice) => choice.finish_reason !== null && choice.finish_reason !== undefined);
}

function chunkText(chunk: ChatCompletionChunk): string {
  let text = '';
  for (const choice of chunk.choices) text += (choice.delta.content ?? '') + (choice.delta.refusal ?? '');
  return text;
}

export function createRouter(input: RouterOptions = {}, deps: RouterDeps = {}): Router {
  const parsed = routerOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const issues = toIssues(parsed.error, 'ai');
    throw optionsError(issues);
  }
  const config = parsed.data;
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const logger = deps.logger ?? silentLogger;
  const wait = deps.sleep ?? realSleep;
  const env = { ...deps.env, ...config.env };

  const providers = createProviders(config.providers ?? [], env, now);
  const isvModels = defineModels(input.models ?? []);
  isvModels.forEach((model, index) => {
    if (!providers.has(model.provider)) throw optionError(`ai.models.${index}.provider`, `no provider "${model.provider}" (configured: ${[...providers.keys()].join(', ')})`);
  });
  const catalog = mergeCatalog(isvModels);
  const available = catalog.filter((model) => providers.has(model.provider));
  const modelsById = new Map(available.map((model) => [model.id, model]));
  const catalogById = new Map(catalog.map((model) => [model.id, model]));

  const globalRetry: RetryPolicy = {
    maxAttempts: config.retry?.maxAttempts ?? DEFAULTS.maxAttempts,
    baseDelayMs: config.retry?.baseDelayMs ?? DEFAULTS.baseDelayMs,
    maxDelayMs: config.retry?.maxDelayMs ?? DEFAULTS.maxDelayMs,
    maxRetryAfterMs: config.retry?.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs,
  };
  const globalTimeout = config.timeoutMs ?? DEFAULTS.timeoutMs;

  function resolveModel(id: string, path: string): ModelEntry | undefined {
    const model = modelsById.get(id);
    if (model) return model;
    const known = catalogById.get(id);
    if (!known) throw optionError(path, `unknown model "${id}" (not in the catalog)`);
    logger.warn(`ai: model "${id}" is left out of routes: its provider "${known.provider}" is not configured`, { model: id, provider: known.provider });
    return undefined;
  }

  const routes = new Map<string, ResolvedRoute>();
  (config.routes ?? []).forEach((route, index) => {
    const path = `ai.routes.${index}`;
    if (routes.has(route.id)) throw optionError(`${path}.id`, `route "${route.id}" is defined twice`);
    if (route.strategy === 'experiment' && (route.arms?.length ?? 0) === 0) throw optionError(`${path}.arms`, 'expected at least one arm for an experiment');
    if (route.strategy !== 'experiment' && route.arms !== undefined) throw optionError(`${path}.arms`, 'arms are for the experiment strategy only');
    if (route.strategy === 'cascade' && !route.validator) throw optionError(`${path}.validator`, 'expected { jsonSchema } or { predicate } for a cascade');
    if (route.strategy !== 'experiment' && route.targets.length === 0) throw optionError(`${path}.targets`, 'expected at least one target');
    const targets: Target[] = [];
    const seen = new Set<string>();
    const arms: Arm[] = [];
    const armIds = new Set<string>();
    (route.arms ?? []).forEach((arm, armIndex) => {
      if (armIds.has(arm.id)) throw optionError(`${path}.arms.${armIndex}.id`, `arm "${arm.id}" is defined twice`);
      armIds.add(arm.id);
      const model = resolveModel(arm.model, `${path}.arms.${armIndex}.model`);
      if (!model) return;
      arms.push({ id: arm.id, model, weight: arm.weight ?? 1 });
      if (!seen.has(model.id)) targets.push({ model, weight: arm.weight ?? 1 });
      seen.add(model.id);
    });
    route.targets.forEach((target, targetIndex) => {
      const model = resolveModel(target.model, `${path}.targets.${targetIndex}.model`);
      if (!model || seen.has(model.id)) return;
      seen.add(model.id);
      targets.push({ model, weight: target.weight ?? 1 });
    });
    if (targets.length === 0) throw optionError(`${path}.targets`, 'none of the route’s models has a configured provider');
    if (route.strategy === 'experiment' && arms.length !== (route.arms ?? []).length) {
      throw optionError(`${path}.arms`, 'every arm’s model needs a configured provider (an experiment cannot silently lose an arm)');
    }
    routes.set(route.id, {
      id: route.id,
      strategy: route.strategy,
      targets,
      arms: route.strategy === 'experiment' ? arms : undefined,
      constraints: route.constraints,
      validator: route.validator ? createValidator(route.validator, `${path}.validator`) : undefined,
      sticky: route.sticky ?? 'tenant',
      retry: {
        maxAttempts: route.retry?.maxAttempts ?? globalRetry.maxAttempts,
        baseDelayMs: route.retry?.baseDelayMs ?? globalRetry.baseDelayMs,
        maxDelayMs: route.retry?.maxDelayMs ?? globalRetry.maxDelayMs,
        maxRetryAfterMs: route.retry?.maxRetryAfterMs ?? globalRetry.maxRetryAfterMs,
      },
      timeoutMs: route.timeoutMs,
    });
  });

  const breakers = createBreakers(
    available.map((model) => ({ provider: model.provider, model: model.id })),
    {
      failureThreshold: config.breaker?.failureThreshold ?? DEFAULTS.failureThreshold,
      cooldownMs: config.breaker?.cooldownMs ?? DEFAULTS.cooldownMs,
      now,
      onListenerError: (error) => logger.error('ai: a breaker listener threw', { error: error instanceof Error ? error.message : String(error) }),
    },
  );
  const latency = createLatencyTracker(available.map((model) => model.id));
  /** Controllers close() aborts: each attempt's and wait's, and each stream's. */
  const inFlight = new Set<AbortController>();
  let closed = false;

  /** Why the call is over (the caller aborted, or the router closed), if it is. */
  function abortOf(call: Call): unknown {
    if (call.signal?.aborted) return abortReason(call.signal);
    return closed ? closedError() : undefined;
  }

  /** A controller that follows the call and close() until released. */
  function follow(call: Call): { controller: AbortController; release: () => void } {
    const controller = new AbortController();
    const unlink = link(call.signal, controller);
    inFlight.add(controller);
    return {
      controller,
      release: () => {
        unlink();
        inFlight.delete(controller);
      },
    };
  }

  // A model named directly is a one-target fallback route (one per catalog model, built once).
  const directRoutes = new Map<string, ResolvedRoute>(
    available.map((model) => [model.id, { id: model.id, strategy: 'fallback', targets: [{ model, weight: 1 }], arms: undefined, constraints: undefined, validator: undefined, sticky: 'tenant', retry: globalRetry, timeoutMs: undefined }]),
  );

  function lookup(model: unknown): ResolvedRoute {
    if (typeof model !== 'string' || model === '') throw new AuterityError('invalid_input', 'Invalid request: model: expected a route or model id', { issues: [{ path: 'model', message: 'expected a route or model id' }] });
    const route = routes.get(model);
    if (route) return route;
    const direct = directRoutes.get(model);
    if (direct) return direct;
    throw new AuterityError('not_found', `model: no route or model named "${model}"`, { issues: [{ path: 'model', message: `no route or model named "${model}"` }] });
  }

  function prepare(request: ChatRequest, options: RouteCallOptions, streaming: boolean): Call {
    if (closed) throw closedError();
    if (!Array.isArray(request?.messages) || request.messages.length === 0) {
      throw new AuterityError('invalid_input', 'Invalid request: messages: expected a non-empty list of messages', { issues: [{ path: 'messages', message: 'expected a non-empty list of messages' }] });
    }
    const route = lookup(request.model);
    const allowed = options.allowModel ? route.targets.filter((target) => options.allowModel?.(target.model)) : route.targets;
    if (allowed.length === 0) throw new AuterityError('forbidden', `model: no model of "${route.id}" is allowed for this caller`, { details: { route: route.id } });

    const promptTokens = countPromptTokens(request.messages);
    const cap = options.maxCompletionTokens ?? request.max_completion_tokens ?? request.max_tokens ?? undefined;
    const expectedCompletionTokens = cap ?? DEFAULT_EXPECTED_COMPLETION_TOKENS;
    const needs = new Set<ModelCapability>([...requiredCapabilities(request), ...(route.constraints?.capabilities ?? [])]);
    const constraints = route.constraints;
    const reasons = new Set<string>();
    const fits = (model: ModelEntry): string | undefined => {
      for (const need of needs) if (!model.capabilities.includes(need)) return `${need} support`;
      if (constraints?.regions && !constraints.regions.includes(model.region)) return `a region in ${constraints.regions.join(', ')}`;
      if (constraints?.maxInputPerMTok !== undefined && model.inputPerMTok > constraints.maxInputPerMTok) return `an input price <= ${constraints.maxInputPerMTok}`;
      if (constraints?.minContextWindow !== undefined && model.contextWindow < constraints.minContextWindow) return `a context window >= ${constraints.minContextWindow}`;
      if (promptTokens + (cap ?? 0) > model.contextWindow) return `a context window of ${promptTokens + (cap ?? 0)} tokens`;
      return undefined;
    };
    const fit = allowed.filter(({ model }) => {
      const missing = fits(model);
      if (missing) reasons.add(missing);
      return missing === undefined;
    });
    if (fit.length === 0) {
      const message = `no model of "${route.id}" meets the request's needs (${[...reasons].join('; ')})`;
      throw new AuterityError('invalid_input', `Invalid request: model: ${message}`, { issues: [{ path: 'model', message }] });
    }
    const decided = plan({
      routeId: route.id,
      strategy: route.strategy,
      targets: fit,
      arms: route.arms,
      sticky: route.sticky,
      tenantId: options.tenantId,
      userId: options.userId,
      promptTokens,
      expectedCompletionTokens,
      stream: streaming,
      latency,
      random,
    });
    return {
      callId: options.callId ?? createId('call'),
      route,
      order: decided.order,
      arm: decided.arm,
      attempts: [],
      body: providerBody(request, options.maxCompletionTokens),
      promptTokens,
      started: now(),
      signal: options.signal,
    };
  }

  function provider(model: ModelEntry): ChatProvider {
    return providers.get(model.provider) as ChatProvider;
  }

  /**
   * Tries one target up to the route's attempt count. `run` gets the attempt's signal (aborted on
   * timeout, by the caller or by close()). On success the attempt's controller is handed over to the
   * caller, who releases it.
   */
  async function tryTarget<T>(call: Call, model: ModelEntry, run: (signal: AbortSignal) => Promise<T>, timeoutMs: number): Promise<AttemptResult<T>> {
    const policy = call.route.retry;
    for (let attempt = 1; attempt <= policy.maxAttempts; attempt += 1) {
      const ended = abortOf(call);
      if (ended !== undefined) throw ended;
      const admission = breakers.admit(model.provider, model.id);
      if (admission === 'open') {
        call.attempts.push({ model: model.id, provider: model.provider, outcome: 'skipped_breaker_open', latencyMs: 0 });
        return { ok: false };
      }
      const started = now();
      const { controller, release } = follow(call);
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort(new AttemptTimeout(timeoutMs));
      }, timeoutMs);
      try {
        const value = await run(controller.signal);
        clearTimeout(timer);
        // Still linked: a stream keeps reading through this controller, and the caller's abort must reach it.
        return { ok: true, value, latencyMs: now() - started, controller, release };
      } catch (error) {
        clearTimeout(timer);
        release();
        controller.abort();
        const aborted = abortOf(call);
        if (aborted !== undefined) {
          breakers.release(model.provider, model.id);
          throw aborted;
        }
        const failure = classifyFailure(timedOut ? new AttemptTimeout(timeoutMs) : error, now());
        call.attempts.push({ model: model.id, provider: model.provider, outcome: 'error', error: failure.code, latencyMs: now() - started });
        if (failure.retryable) breakers.failure(model.provider, model.id, failure.code);
        else breakers.release(model.provider, model.id);
        logger.debug('ai: attempt failed', { callId: call.callId, model: model.id, error: failure.code, message: failure.message, attempt });
        if (!failure.retryable || attempt === policy.maxAttempts) return { ok: false };
        let delay: number;
        if (failure.retryAfterMs !== undefined) {
          // A long Retry-After is better spent on the next target than waiting.
          if (failure.retryAfterMs > policy.maxRetryAfterMs) return { ok: false };
          delay = failure.retryAfterMs;
        } else {
          delay = backoffDelay(attempt, policy.baseDelayMs, policy.maxDelayMs, random);
        }
        const waiting = follow(call);
        try {
          await wait(delay, waiting.controller.signal);
        } finally {
          waiting.release();
        }
      }
    }
    return { ok: false };
  }

  function meta(call: Call, model: ModelEntry, usage: { promptTokens: number; completionTokens: number }, extra: Partial<CallMeta> = {}): CallMeta {
    const result: CallMeta = {
      callId: call.callId,
      route: call.route.id,
      strategy: call.route.strategy,
      model: model.id,
      provider: model.provider,
      attempts: call.attempts,
      usage,
      costUsd: (usage.promptTokens * model.inputPerMTok + usage.completionTokens * model.outputPerMTok) / 1e6,
      latencyMs: now() - call.started,
      cached: false,
      ...extra,
    };
    if (call.arm !== undefined) result.arm = call.arm;
    return result;
  }

  function timeoutFor(call: Call, model: ModelEntry): number {
    return call.route.timeoutMs ?? provider(model).timeoutMs ?? globalTimeout;
  }

  async function complete(request: ChatRequest, options: RouteCallOptions): Promise<RoutedCompletion> {
    const call = prepare(request, options, false);
    let rejected: { completion: ChatCompletion; model: ModelEntry } | undefined;
    for (const model of call.order) {
      const result = await tryTarget(call, model, (signal) => provider(model).complete({ ...call.body, model: model.upstreamModel, stream: false }, signal), timeoutFor(call, model));
      if (!result.ok) continue;
      result.release();
      breakers.success(model.provider, model.id);
      latency.record(model.id, { latencyMs: result.latencyMs });
      const completion = result.value;
      const record: AttemptRecord = { model: model.id, provider: model.provider, outcome: 'ok', latencyMs: result.latencyMs };
      call.attempts.push(record);
      let validation: 'passed' | 'failed' | undefined;
      if (call.route.validator) {
        const verdict = call.route.validator(completion.choices[0]?.message.content ?? '');
        if (!verdict.ok) {
          record.outcome = 'rejected_by_validator';
          record.error = verdict.reason;
          rejected = { completion, model };
          continue;
        }
        validation = 'passed';
      }
      return finishCompletion(call, completion, model, validation);
    }
    // The most capable answer a cascade got, flagged, beats no answer at all.
    if (rejected) return finishCompletion(call, rejected.completion, rejected.model, 'failed');
    throw exhausted(call);
  }

  function finishCompletion(call: Call, completion: ChatCompletion, model: ModelEntry, validation: 'passed' | 'failed' | undefined): RoutedCompletion {
    const usage = completion.usage
      ? { promptTokens: completion.usage.prompt_tokens, completionTokens: completion.usage.completion_tokens }
      : { promptTokens: call.promptTokens, completionTokens: completion.choices.reduce((sum, choice) => sum + countTokens(choice.message.content ?? ''), 0) };
    const extra: Partial<CallMeta> = validation ? { validation } : {};
    return { ...completion, model: model.id, auterity: meta(call, model, usage, extra) };
  }

  interface OpenedStream {
    iterator: AsyncIterator<ChatCompletionChunk>;
    buffered: ChatCompletionChunk[];
    text: string;
    usage: ChatCompletion['usage'] | undefined;
    finished: boolean;
    /** The upstream iterator is exhausted (cascade routes read the whole answer before validating). */
    done: boolean;
    ttftMs: number | undefined;
  }

  function stream(request: ChatRequest, options: RouteCallOptions): RoutedStream {
    const { promise: metaPromise, resolve: resolveMeta, reject: rejectMeta } = deferred<CallMeta>();
    let settled = false;
    const settle = (outcome: { meta: CallMeta } | { error: unknown }) => {
      if (settled) return;
      settled = true;
      if ('meta' in outcome) resolveMeta(outcome.meta);
      else rejectMeta(outcome.error);
    };

    // Validated synchronously so a bad request fails at the call, as complete() does.
    let call: Call;
    try {
      call = prepare(request, options, true);
    } catch (error) {
      settle({ error });
      return {
        meta: metaPromise,
        abort: () => undefined,
        [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(error) }),
      };
    }

    // The stream's own controller: the caller's signal, abort() and close() end the stream through it.
    const own = follow(call);
    const streamController = own.controller;
    call.signal = streamController.signal;

    let current: { model: ModelEntry; opened: OpenedStream; controller: AbortController; release: () => void; started: number } | undefined;
    let iterating = false;

    const partialMeta = (incomplete: CallMeta['incomplete']): CallMeta | undefined => {
      if (!current) return undefined;
      const { model, opened } = current;
      const usage = opened.usage
        ? { promptTokens: opened.usage.prompt_tokens, completionTokens: opened.usage.completion_tokens }
        : { promptTokens: call.promptTokens, completionTokens: opened.text === '' ? 0 : countTokens(opened.text) };
      const extra: Partial<CallMeta> = {};
      if (opened.ttftMs !== undefined) extra.ttftMs = opened.ttftMs;
      if (incomplete) extra.incomplete = incomplete;
      if (call.route.validator) extra.validation = 'passed';
      return meta(call, model, usage, extra);
    };

    function cleanup(): void {
      current?.controller.abort();
      current?.release();
      own.release();
    }

    async function open(model: ModelEntry): Promise<AttemptResult<OpenedStream>> {
      const attemptStarted = now();
      const validator = call.route.validator;
      const body: ChatCompletionCreateParamsStreaming = { ...call.body, model: model.upstreamModel, stream: true, stream_options: { include_usage: true } };
      return tryTarget(
        call,
        model,
        async (signal) => {
          const upstream = await provider(model).stream(body, signal);
          const iterator = upstream[Symbol.asyncIterator]();
          const opened: OpenedStream = { iterator, buffered: [], text: '', usage: undefined, finished: false, done: false, ttftMs: undefined };
          for (;;) {
            const next = await iterator.next();
            if (next.done) {
              if (!opened.finished) throw new StreamCut('the stream ended before its first token');
              opened.done = true;
              return opened;
            }
            const chunk = next.value;
            opened.buffered.push(chunk);
            if (chunk.usage) opened.usage = chunk.usage;
            opened.text += chunkText(chunk);
            if (chunkFinished(chunk)) opened.finished = true;
            if (opened.ttftMs === undefined && chunkHasToken(chunk)) {
              opened.ttftMs = now() - attemptStarted;
              // A cascade must see the whole answer before anything reaches the caller.
              if (!validator) return opened;
            }
          }
        },
        timeoutFor(call, model),
      );
    }

    async function* run(): AsyncGenerator<ChatCompletionChunk> {
      // Phase 1: find a target that delivers a first token (or, for a cascade, a whole valid answer).
      let rejected: typeof current;
      for (const model of call.order) {
        const result = await open(model);
        if (!result.ok) continue;
        breakers.success(model.provider, model.id);
        if (result.value.ttftMs !== undefined) latency.record(model.id, { ttftMs: result.value.ttftMs });
        const record: AttemptRecord = { model: model.id, provider: model.provider, outcome: 'ok', latencyMs: result.latencyMs };
        call.attempts.push(record);
        const candidate = { model, opened: result.value, controller: result.controller, release: result.release, started: now() - result.latencyMs };
        if (call.route.validator) {
          const verdict = call.route.validator(result.value.text);
          if (!verdict.ok) {
            record.outcome = 'rejected_by_validator';
            record.error = verdict.reason;
            result.controller.abort();
            result.release();
            rejected = candidate;
            continue;
          }
        }
        current = candidate;
        break;
      }
      let validation: CallMeta['validation'] = call.route.validator ? 'passed' : undefined;
      if (!current && rejected) {
        current = rejected;
        validation = 'failed';
      }
      if (!current) throw exhausted(call);

      // Phase 2: deliver. From here on a failure is an error, never a clean end.
      const { model, opened, controller } = current;
      const timeoutMs = timeoutFor(call, model);
      for (const chunk of opened.buffered) yield { ...chunk, model: model.id };
      opened.buffered = [];
      while (!opened.done) {
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          controller.abort(new AttemptTimeout(timeoutMs));
        }, timeoutMs);
        let next: IteratorResult<ChatCompletionChunk>;
        try {
          next = await opened.iterator.next();
        } catch (error) {
          if (streamController.signal.aborted) throw abortReason(streamController.signal);
          const failure = classifyFailure(timedOut ? new AttemptTimeout(timeoutMs) : error, now());
          breakers.failure(model.provider, model.id, failure.code);
          const code = timedOut ? 'upstream_timeout' : 'upstream_error';
          throw new AuterityError(code, `The stream from "${model.id}" failed after its first token (${failure.code}: ${failure.message})`, {
            details: { callId: call.callId, route: call.route.id, model: model.id },
            cause: error,
          });
        } finally {
          clearTimeout(timer);
        }
        if (next.done) {
          // The openai stream ends quietly when its signal aborts: that is a timeout or an abort, not an end.
          if (streamController.signal.aborted) throw abortReason(streamController.signal);
          if (timedOut) {
            breakers.failure(model.provider, model.id, 'timeout');
            throw new AuterityError('upstream_timeout', `The stream from "${model.id}" stalled after its first token (no chunk within ${timeoutMs} ms)`, {
              details: { callId: call.callId, route: call.route.id, model: model.id },
            });
          }
          opened.done = true;
          break;
        }
        const chunk = next.value;
        if (chunk.usage) opened.usage = chunk.usage;
        opened.text += chunkText(chunk);
        if (chunkFinished(chunk)) opened.finished = true;
        yield { ...chunk, model: model.id };
      }
      if (!opened.finished) {
        breakers.failure(model.provider, model.id, 'stream_cut');
        throw new AuterityError('upstream_error', `The stream from "${model.id}" ended without a finish_reason: the answer is incomplete`, {
          details: { callId: call.callId, route: call.route.id, model: model.id },
        });
      }
      latency.record(model.id, { latencyMs: now() - current.started });
      const final = partialMeta(undefined) as CallMeta;
      if (validation) final.validation = validation;
      settle({ meta: final });
    }

    async function* guarded(): AsyncGenerator<ChatCompletionChunk> {
      try {
        yield* run();
      } catch (error) {
        const incomplete = isAuterityErrorCode(error, 'upstream_timeout') ? 'upstream_timeout' : isAuterityErrorCode(error, 'upstream_error') ? 'upstream_error' : 'aborted';
        const partial = current ? partialMeta(incomplete) : undefined;
        settle(partial ? { meta: partial } : { error });
        throw error;
      } finally {
        // Reached on a clean end, an error, and a consumer breaking out of `for await` (return()).
        if (!settled) {
          const partial = partialMeta('aborted');
          settle(partial ? { meta: partial } : { error: abortReason(streamController.signal) });
        }
        cleanup();
      }
    }

    const generator = guarded();
    return {
      meta: metaPromise,
      abort() {
        streamController.abort(new DOMException('The stream was aborted', 'AbortError'));
        // A stream never iterated (or paused at a yield) does not run its finally: settle here.
        const partial = partialMeta('aborted');
        settle(partial ? { meta: partial } : { error: abortReason(streamController.signal) });
        cleanup();
      },
      [Symbol.asyncIterator]() {
        if (iterating) throw new AuterityError('conflict', 'A routed stream can be iterated once');
        iterating = true;
        return generator;
      },
    };
  }

  return {
    models: () => available,
    routes: () => [...routes.values()].map((route) => ({ id: route.id, strategy: route.strategy, models: route.targets.map((target) => target.model.id) })),
    candidates(model) {
      return lookup(model).targets.map((target) => target.model);
    },
    complete,
    stream,
    breakers: () => breakers.snapshot(),
    onBreaker: (listener) => breakers.onTransition(listener),
    async close() {
      closed = true;
      for (const controller of inFlight) controller.abort(closedError());
      inFlight.clear();
      for (const each of providers.values()) each.close();
    },
  };
}

function exhausted(call: Call): AuterityError {
  const failed = call.attempts.filter((attempt) => attempt.outcome === 'error');
  const timeouts = failed.length > 0 && failed.every((attempt) => attempt.error === 'timeout');
  const summary = call.attempts.map((attempt) => `${attempt.model}: ${attempt.outcome === 'error' ? attempt.error : attempt.outcome}`).join(', ');
  const what = timeouts ? 'timed out' : 'failed';
  return new AuterityError(timeouts ? 'upstream_timeout' : 'upstream_error', `Every target of "${call.route.id}" ${what} (${summary})`, {
    details: { callId: call.callId, route: call.route.id, attempts: call.attempts },
  });
}

function isAuterityErrorCode(error: unknown, code: 'upstream_error' | 'upstream_timeout'): boolean {
  return error instanceof AuterityError && error.code === code;
}
