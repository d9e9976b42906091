// The tenant AI pipeline around the router. Per call:
//   validate -> governance (`ai:use` on `model:<id>` for every candidate; the router skips denied
//   ones) -> redaction (when `ai:redact` on `model:*` is allowed) -> cache -> budgets (reserve) ->
//   router -> commit -> cost record + audit entry -> cache store.
// Cache hits cost nothing: no reservation, a record with status `cached` and cost 0.
import { z } from 'zod';
import { AuterityError, isAuterityError } from '../errors.js';
import type { Catalog, TenantBilling } from '../billing/index.js';
import { silentLogger, type Logger } from '../config/logger.js';
import type { AuditEvent } from '../governance/audit/index.js';
import { forbiddenError, type PolicyDecision, type RuleReference } from '../governance/policies/index.js';
import { createRedactor, redactorOptionsSchema, type Redactor, type RedactorOptions } from '../governance/redaction/index.js';
import { deferred } from '../shared/deferred.js';
import { createId } from '../shared/ids.js';
import { optionError, optionsError, parseInput } from '../shared/validation.js';
import type { TenantScope } from '../storage/index.js';
import { applyAssistant, assistantCatalog, assistantSchema, type Assistant, type AssistantInput } from './assistants/index.js';
import { budgetsOptionsSchema, createBudgets, type BudgetHold, type BudgetsOptions, type DeferredConsume } from './budgets/index.js';
import { assembleCompletion, createMemoryStore, createRedisStore, createResponseCache, replayChunks, type CachedAnswer, type CacheStats, type ResponseCache } from './cache/index.js';
import { createCallRecords, type ArmResult, type CallRecordInput, type CallRecords, type ModelUsage, type UsageRange } from './records/index.js';
import { compareArms, createRouter, routerOptionsSchema, type Router, type RouterOptions } from './router/index.js';
import type { CallMeta, ChatCompletionChunk, ChatRequest, ModelEntry, RoutedCompletion, RoutedStream } from './types.js';

const positiveInt = (what: string) => z.number({ error: `expected ${what} (a positive integer)` }).int({ error: `expected ${what} (a positive integer)` }).positive({ error: `expected ${what} (a positive integer)` });

export const aiOptionsSchema = routerOptionsSchema.extend({
  /** The response cache; false turns it off. Default: in memory, 5 minutes, 1,000 entries, 32 MiB. */
  cache: z
    .union([
      z.literal(false),
      z.strictObject({
        store: z.enum(['memory', 'redis'], { error: 'expected "memory" or "redis"' }).optional(),
        ttlMs: positiveInt('milliseconds').optional(),
        maxEntries: positiveInt('a number of entries').optional(),
        maxBytes: positiveInt('a number of bytes').optional(),
        /** Redis key prefix. Default "auterity:ai-cache:". */
        prefix: z.string().min(1).max(100).optional(),
      }),
    ])
    .optional(),
  budgets: budgetsOptionsSchema.optional(),
  redaction: redactorOptionsSchema.optional(),
  /** `calls`: an audit entry per call and per denial (default); `denials`: denials only. */
  audit: z.enum(['calls', 'denials'], { error: 'expected "calls" or "denials"' }).optional(),
  /** Domain assistants added to (or replacing, by id) the presets; requests name them `assistant:<id>`. */
  assistants: z.array(assistantSchema).optional(),
  /** The route (or model) serving assistants without a route of their own and `ai.chat` steps without a model. */
  defaultRoute: z.string().min(1).optional(),
});

export type AiOptions = RouterOptions & {
  cache?: false | { store?: 'memory' | 'redis'; ttlMs?: number; maxEntries?: number; maxBytes?: number; prefix?: string };
  budgets?: BudgetsOptions;
  redaction?: RedactorOptions;
  audit?: 'calls' | 'denials';
  assistants?: AssistantInput[];
  defaultRoute?: string;
};

/** Who is calling: a member or an API key acting for the tenant. */
export interface AiPrincipal {
  id: string;
  roles: readonly string[];
}

/** What the pipeline needs from the rest of the engine (adapted by the engine's wiring). */
export interface AiEngineDeps {
  billingFor(tenantId: string): TenantBilling;
  /** The plan catalog: budget features are checked against it, and their overage policies read from it. */
  billingCatalog?: Catalog;
  /**
   * A policy decision. The pipeline audits its own refusals (`ai.denied`, naming the deciding rule);
   * the decisions it asks are otherwise probes (`ai:redact` on every call, `ai:use` for every
   * candidate and, in `models()`, every catalog model), so the wiring should not append each deny
   * to the audit chain.
   */
  authorize(tenantId: string, principal: AiPrincipal, action: string, resource: { id: string; [attribute: string]: unknown }, context?: Record<string, unknown>): Promise<PolicyDecision>;
  /**
   * The rules of the tenant's current policy set that can match an action (the same set `authorize`
   * decides with). Optional: with it, the `ai:redact` probe is skipped when no policy rule could
   * switch redaction on.
   */
  policyRules?(tenantId: string, action: string): Promise<readonly RuleReference[]>;
  /** Appends to the tenant's audit chain. */
  audit(tenantId: string, entry: AuditEvent): Promise<unknown>;
  /** Appends several entries in order, in one write; without it they are appended one by one. */
  auditMany?(tenantId: string, entries: AuditEvent[]): Promise<unknown>;
  scopeFor(tenantId: string): TenantScope;
  redisUrl?: string | undefined;
  now?: () => number;
  logger?: Logger;
  env?: Record<string, string | undefined>;
}

export interface ChatCallOptions {
  /** Sticky experiment assignment per user; recorded with the call. */
  userId?: string;
  /** `bypass`: do not answer from the cache (a fresh answer still refreshes it). */
  cache?: 'bypass';
  signal?: AbortSignal;
}

export interface ExperimentArm extends ArmResult {
  /** This arm against the first arm (null for the first arm itself and without enough outcomes). */
  comparison: { pValue: number; significant: boolean; test: 'z' | 'welch' } | null;
}

export interface ExperimentResults {
  route: string;
  arms: ExperimentArm[];
}

export interface TenantAi {
  chat(request: ChatRequest, options?: ChatCallOptions): Promise<RoutedCompletion>;
  stream(request: ChatRequest, options?: ChatCallOptions): RoutedStream;
  /** Catalog models this principal may use. */
  models(): Promise<ModelEntry[]>;
  usage(query?: UsageRange): Promise<ModelUsage[]>;
  recordOutcome(callId: string, outcome: number | boolean): Promise<void>;
  experiment(routeId: string): Promise<ExperimentResults>;
  /** Resolves once the budget commits, cost records and audit entries of finished calls are written. */
  flush(): Promise<void>;
}

export interface AiEngine {
  readonly router: Router;
  /** Domain assistants by id (presets plus the ISV's). */
  readonly assistants: ReadonlyMap<string, Assistant>;
  /** What serves assistants without a route and `ai.chat` steps without a model. */
  readonly defaultRoute: string;
  forTenant(tenantId: string, principal: AiPrincipal, options?: { apiKeyId?: string }): TenantAi;
  cacheStats(): CacheStats;
  /** Resolves once every finished call's settling writes are done. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

// The request: OpenAI's shape; only what the pipeline relies on is checked, the rest passes through.
const contentPartSchema = z.looseObject({ type: z.string({ error: 'expected a content part type' }) });
const messageSchema = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function'], { error: 'expected one of system, developer, user, assistant, tool, function' }),
  content: z.union([z.string(), z.array(contentPartSchema), z.null()], { error: 'expected a string, a list of content parts or null' }).optional(),
});
const optionalCount = (what: string) => positiveInt(what).nullable().optional();
const chatRequestSchema = z.looseObject({
  model: z.string({ error: 'expected a model or route id (a string)' }).min(1, { error: 'expected a model or route id' }),
  messages: z.array(messageSchema, { error: 'expected a list of messages' }).min(1, { error: 'expected at least one message' }),
  max_tokens: optionalCount('a number of tokens'),
  max_completion_tokens: optionalCount('a number of tokens'),
  n: optionalCount('a number of choices'),
  temperature: z.number({ error: 'expected a number from 0 to 2' }).min(0).max(2).nullable().optional(),
  top_p: z.number({ error: 'expected a number from 0 to 1' }).min(0).max(1).nullable().optional(),
  user: z.string().optional(),
});

function parseRequest(input: unknown): ChatRequest {
  const parsed = parseInput(chatRequestSchema, input, 'chat request') as Record<string, unknown>;
  // A stream request's own flags are the pipeline's business (stream() sets them).
  const { stream: _stream, stream_options: _streamOptions, ...request } = parsed;
  return request as unknown as ChatRequest;
}

/** The resource an `ai:use` decision is about, with the attributes conditions can test. */
const modelResource = (model: ModelEntry) => ({ id: `model:${model.id}`, provider: model.provider, region: model.region, capabilities: [...model.capabilities] });

/** A cache hit's meta: nothing was routed or paid for. */
const cachedMeta = (callId: string, hit: CachedAnswer, latencyMs: number): CallMeta => ({
  callId,
  route: hit.route,
  strategy: hit.strategy,
  model: hit.model,
  provider: hit.provider,
  ...(hit.arm !== undefined && { arm: hit.arm }),
  attempts: [],
  usage: { promptTokens: 0, completionTokens: 0 },
  costUsd: 0,
  latencyMs,
  cached: true,
});

const stripMeta = (completion: RoutedCompletion): CachedAnswer['completion'] => {
  const { auterity: _meta, ...plain } = completion;
  return plain;
};

/** Per-arm aggregates in the shape the significance test takes. */
const armStats = (arm: ArmResult, binary: boolean) =>
  binary ? { n: arm.outcomes, successes: Math.round((arm.outcomeMean ?? 0) * arm.outcomes) } : { n: arm.outcomes, mean: arm.outcomeMean ?? 0, variance: arm.outcomeVariance ?? 0 };

const issueDepth = (branch: readonly z.core.$ZodIssue[]): number => Math.max(0, ...branch.map((inner) => inner.path.length));

/** Option issues named by path; for a union (`cache: false | {…}`), the branch that got furthest. */
function optionIssues(issues: readonly z.core.$ZodIssue[], base: string[]): { path: string; message: string }[] {
  return issues.flatMap((issue) => {
    const path = [...base, ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: [...path, key].join('.'), message: 'unknown option' }));
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const furthest = issue.errors.reduce((best, branch) => (issueDepth(branch) > issueDepth(best) ? branch : best));
      if (issueDepth(furthest) > 0) return optionIssues(furthest, path);
    }
    return [{ path: path.join('.'), message: issue.message }];
  });
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

const errorCode = (error: unknown): string => (isAuterityError(error) ? error.code : error instanceof Error && error.name === 'AbortError' ? 'aborted' : 'internal');

/** Settling writes in flight (or queued) before new calls wait for them. */
const MAX_PENDING_WRITES = 512;
/** The most settled calls of a tenant written together. */
const MAX_BATCH = 128;
/**
 * How long a batch gathers a tenant's calls before it is written. Most of a batch's cost is fixed
 * (three transactions), so under load a longer window saves CPU on every call (measured at four
 * concurrent callers: about 0.2 ms a call from 8 ms to 25 ms). The price: a process that dies
 * without closing loses the records of the calls it answered in its last window.
 */
const BATCH_WINDOW_MS = 25;
/** Tenant queues kept (idle ones remember when they last wrote); beyond it idle ones are dropped. */
const MAX_QUEUES = 10_000;

/** Policies compiled from role permissions (built-in and custom roles). */
const ROLE_GRANT_POLICIES = new Set(['builtin-roles', 'tenant-roles']);
/** A rule that switches redaction on: an allow of a policy rule, not of a role grant. */
const grantsRedaction = (rule: RuleReference) => rule.effect === 'allow' && !ROLE_GRANT_POLICIES.has(rule.policyId);

export function createAiEngine(input: AiOptions = {}, deps: AiEngineDeps): AiEngine {
  const parsed = aiOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const issues = optionIssues(parsed.error.issues, ['ai']);
    throw optionsError(issues);
  }
  const { cache: cacheInput, budgets: budgetsInput, redaction: redactionInput, audit: auditMode = 'calls', assistants: assistantInputs, defaultRoute: defaultRouteInput, ...routerInput } = input;
  const now = deps.now ?? Date.now;
  const logger = deps.logger ?? silentLogger;
  const router = createRouter({ ...(deps.env && { env: deps.env }), ...routerInput }, { now, logger });
  const assistants = assistantCatalog(assistantInputs);
  // With OpenAI configured, a small OpenAI model; otherwise the local offline model.
  const defaultRoute = defaultRouteInput ?? (router.models().some((model) => model.id === 'gpt-4.1-mini') ? 'gpt-4.1-mini' : 'offline');
  try {
    router.candidates(defaultRoute);
  } catch {
    throw optionError('ai.defaultRoute', `expected a route or model id, got "${defaultRoute}"`);
  }
  for (const assistant of assistants.values()) {
    if (assistant.route === undefined) continue;
    try {
      router.candidates(assistant.route);
    } catch {
      throw optionError('ai.assistants', `assistant "${assistant.id}" names an unknown route "${assistant.route}"`);
    }
  }
  const prepare = (raw: unknown): ChatRequest => applyAssistant(parseRequest(raw), assistants, defaultRoute);
  const budgets = createBudgets(budgetsInput, deps.billingCatalog);
  const redactor: Redactor = createRedactor(redactionInput ?? {});

  let cache: ResponseCache | undefined;
  if (cacheInput !== false) {
    const settings = cacheInput ?? {};
    const ttlMs = settings.ttlMs ?? 300_000;
    if (settings.store === 'redis' && !deps.redisUrl) {
      throw new AuterityError('invalid_options', 'Invalid options: ai.cache.store: expected a Redis URL (option "redis" or AUTERITY_REDIS_URL) for the "redis" store', {
        issues: [{ path: 'ai.cache.store', message: 'the redis store needs the "redis" option' }],
      });
    }
    const store =
      settings.store === 'redis'
        ? createRedisStore({ url: deps.redisUrl!, prefix: settings.prefix ?? 'auterity:ai-cache:' })
        : createMemoryStore({ maxEntries: settings.maxEntries ?? 1_000, maxBytes: settings.maxBytes ?? 32 * 1024 * 1024, now });
    cache = createResponseCache(store, ttlMs);
  }
  // Arms in the order the ISV declared them: the first is the control the others are compared with.
  const armOrder = new Map((input.routes ?? []).map((route) => [route.id, (route.arms ?? []).map((arm) => arm.id)]));

  // What follows an answer (committing the budget, the cost record, the audit entry, the cache) is
  // written after the caller has it: the reservation keeps holding the budget until its commit, so
  // no later call can pass a limit meanwhile. Reads of records (`usage`, `experiment`, outcomes) and
  // `close()` wait for these writes; too many at once make new calls wait (backpressure).
  const pendingWrites = new Set<Promise<void>>();
  const track = async (work: Promise<unknown>): Promise<void> => {
    const write = work.then(
      () => undefined,
      (error: unknown) => logger.error('auterity: could not settle an AI call', { error: error instanceof Error ? error.message : String(error) }),
    );
    pendingWrites.add(write);
    void write.then(() => pendingWrites.delete(write));
    while (pendingWrites.size > MAX_PENDING_WRITES) await Promise.race(pendingWrites);
  };
  const flush = async (): Promise<void> => {
    for (;;) {
      for (const queue of queues.values()) queue.writeNow();
      if (pendingWrites.size === 0) return;
      await Promise.all(pendingWrites);
    }
  };

  // Group commit: a successful or cached call's cost record, audit entry and non-blocking meter
  // usage are queued per tenant and written in batches: one multi-row insert of `ai_calls`, one
  // append of the audit entries (the head read and moved once), and one consume per meter of the
  // summed usage (each call's own numbers stay in its `ai_calls` row). A batch gathers a tenant's
  // calls for BATCH_WINDOW_MS after the first, or until it holds MAX_BATCH, and is written then, off
  // the answers' path: written at once, a lone call's statements would run between the steps of its
  // own answer and delay it. Failures are logged, never thrown at the caller, who already has the answer.
  interface SettledCall {
    call: CallRecordInput;
    audit: AuditEvent | undefined;
    deferred: readonly DeferredConsume[];
  }
  interface TenantQueue {
    push(item: SettledCall): void;
    /** Starts the pending batch without waiting for the window. */
    writeNow(): void;
    idle(): boolean;
  }
  const queues = new Map<string, TenantQueue>();
  let queued = 0;

  // A tenant's storage scope, records and billing handles are stateless wrappers: built once per
  // tenant (and dropped with idle queues) rather than on every call and batch.
  interface TenantHandles {
    records?: CallRecords;
    billing?: TenantBilling;
  }
  const handles = new Map<string, TenantHandles>();
  const handlesOf = (tenantId: string): TenantHandles => {
    let found = handles.get(tenantId);
    if (!found) {
      if (handles.size >= MAX_QUEUES) handles.clear();
      handles.set(tenantId, (found = {}));
    }
    return found;
  };
  const recordsFor = (tenantId: string): CallRecords => {
    const found = handlesOf(tenantId);
    return (found.records ??= createCallRecords(deps.scopeFor(tenantId)));
  };
  const billingFor = (tenantId: string): TenantBilling => {
    const found = handlesOf(tenantId);
    return (found.billing ??= deps.billingFor(tenantId));
  };

  const writeCalls = async (tenantId: string, calls: CallRecordInput[]) => {
    if (calls.length === 0) return;
    const records = recordsFor(tenantId);
    try {
      await records.recordMany(calls);
      return;
    } catch {
      // One bad row fails the whole insert: write them one by one, so only that one is lost.
    }
    for (const call of calls) {
      try {
        await records.record(call);
      } catch (error) {
        logger.error('auterity: could not record an AI call', { tenantId, callId: call.callId, error: describe(error) });
      }
    }
  };
  const writeAudit = async (tenantId: string, events: AuditEvent[]) => {
    if (events.length === 0) return;
    if (deps.auditMany && events.length > 1) {
      try {
        await deps.auditMany(tenantId, events);
        return;
      } catch {
        // The batch is appended atomically or not at all: append one by one, so only a bad entry is lost.
      }
    }
    for (const event of events) {
      try {
        await deps.audit(tenantId, event);
      } catch (error) {
        logger.error('auterity: could not append an AI audit entry', { tenantId, action: event.action, error: describe(error) });
      }
    }
  };
  const writeUsage = async (tenantId: string, consumes: Map<string, DeferredConsume>) => {
    if (consumes.size === 0) return;
    const tenantBilling = billingFor(tenantId);
    for (const usage of consumes.values()) {
      try {
        await tenantBilling.consume(usage.feature, usage.amount, usage.apiKeyId !== undefined ? { apiKeyId: usage.apiKeyId } : {});
      } catch (error) {
        logger.error('auterity: could not count AI usage', { tenantId, feature: usage.feature, amount: usage.amount, error: describe(error) });
      }
    }
  };
  const writeBatch = async (tenantId: string, batch: SettledCall[]) => {
    const consumes = new Map<string, DeferredConsume>();
    for (const item of batch) {
      for (const usage of item.deferred) {
        const key = `${usage.feature}\u0000${usage.apiKeyId ?? ''}`;
        const summed = consumes.get(key);
        if (summed) summed.amount += usage.amount;
        else consumes.set(key, { ...usage });
      }
    }
    await Promise.all([
      writeCalls(tenantId, batch.map((item) => item.call)),
      writeAudit(tenantId, batch.flatMap((item) => (item.audit ? [item.audit] : []))),
      writeUsage(tenantId, consumes),
    ]);
  };

  const queueFor = (tenantId: string): TenantQueue => {
    const existing = queues.get(tenantId);
    if (existing) return existing;
    const items: SettledCall[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    let writing = false;
    const run = async () => {
      writing = true;
      try {
        // Calls queued while a batch is written join the next one at once.
        while (items.length > 0) {
          const batch = items.splice(0, MAX_BATCH);
          try {
            await writeBatch(tenantId, batch);
          } finally {
            queued -= batch.length;
          }
        }
      } finally {
        writing = false;
      }
    };
    const start = () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      if (!writing) void track(run());
    };
    const queue: TenantQueue = {
      push(item) {
        items.push(item);
        queued += 1;
        if (writing) return;
        if (items.length >= MAX_BATCH) return start();
        timer ??= setTimeout(start, BATCH_WINDOW_MS);
      },
      writeNow() {
        if (timer !== undefined) start();
      },
      idle: () => timer === undefined && !writing && items.length === 0,
    };
    if (queues.size >= MAX_QUEUES) {
      for (const [id, other] of queues) if (other.idle()) queues.delete(id);
    }
    queues.set(tenantId, queue);
    return queue;
  };

  const overloaded = () => queued > MAX_PENDING_WRITES;
  const settleLater = async (tenantId: string, item: SettledCall): Promise<void> => {
    queueFor(tenantId).push(item);
    while (overloaded()) {
      for (const queue of queues.values()) queue.writeNow();
      if (pendingWrites.size === 0) break;
      await Promise.race(pendingWrites);
    }
  };

  const forTenant = (tenantId: string, principal: AiPrincipal, tenantOptions: { apiKeyId?: string } = {}): TenantAi => {
    const who: AiPrincipal = { id: principal.id, roles: [...principal.roles] };
    const apiKeyId = tenantOptions.apiKeyId;
    const recordsOf = () => recordsFor(tenantId);
    const billing = () => billingFor(tenantId);

    const record = async (call: CallRecordInput) => {
      try {
        await recordsOf().record(call);
      } catch (error) {
        logger.error('auterity: could not record an AI call', { tenantId, callId: call.callId, error: error instanceof Error ? error.message : String(error) });
      }
    };
    // An audit failure never takes back an answer that has already been paid for: it is logged.
    const audit = async (action: string, resource: string | null, data: Record<string, unknown>, denial: boolean) => {
      if (auditMode === 'denials' && !denial) return;
      try {
        await deps.audit(tenantId, { actorId: who.id, action, resource, data });
      } catch (error) {
        logger.error('auterity: could not append an AI audit entry', { tenantId, action, error: error instanceof Error ? error.message : String(error) });
      }
    };

    /** The audit event of a call (none when only denials are audited). */
    const auditEvent = (resource: string, data: Record<string, unknown>): AuditEvent | undefined =>
      auditMode === 'denials' ? undefined : { actorId: who.id, action: 'ai.chat', resource, data };

    interface Admitted {
      request: ChatRequest;
      candidates: readonly ModelEntry[];
      allowed: ReadonlySet<string>;
      redactions: number;
    }

    const denied = async (callId: string, request: ChatRequest, streamed: boolean, status: 'denied' | 'over_budget', error: AuterityError, redactions = 0) => {
      await record({ callId, at: now(), route: request.model, userId: undefined, apiKeyId, promptTokens: 0, completionTokens: 0, costUsd: 0, latencyMs: 0, status, errorCode: error.code, cached: false, redactions, streamed });
      await audit('ai.denied', `route:${request.model}`, { callId, route: request.model, reason: status, message: error.message, ...(error.details !== undefined && { details: error.details }) }, true);
    };

    /** Governance and redaction. */
    const admit = async (callId: string, request: ChatRequest, streamed: boolean): Promise<Admitted> => {
      const candidates = router.candidates(request.model);
      const decisions = await Promise.all(candidates.map((model) => deps.authorize(tenantId, who, 'ai:use', modelResource(model), { route: request.model })));
      const allowed = new Set(candidates.filter((_, index) => decisions[index]!.allowed).map((model) => model.id));
      if (allowed.size === 0) {
        // Name the rule that decided: a matching deny rule rather than the default deny, when there is one.
        const index = Math.max(0, decisions.findIndex((decision) => decision.decidedBy !== null));
        const model = candidates[index];
        const error = forbiddenError({ principal: { id: who.id, roles: who.roles }, action: 'ai:use', resource: { id: model ? `model:${model.id}` : `model:${request.model}` } }, decisions[index] ?? { effect: 'deny', allowed: false, decidedBy: null, matched: [], errors: [] });
        await denied(callId, request, streamed, 'denied', error);
        throw error;
      }
      // Redaction is switched on by a policy rule (ISV's or tenant's) allowing `ai:redact`; role grants
      // don't count, or the `admin` role's `*` would redact every admin's prompts.
      // No allow rule outside the role grants can match `ai:redact`: the probe could only say no.
      const mayRedact = deps.policyRules ? (await deps.policyRules(tenantId, 'ai:redact')).some(grantsRedaction) : true;
      const redact = mayRedact ? await deps.authorize(tenantId, who, 'ai:redact', { id: 'model:*' }, { route: request.model }) : undefined;
      const redactByPolicy = redact !== undefined && redact.allowed && redact.matched.some(grantsRedaction);
      if (!redactByPolicy) return { request, candidates, allowed, redactions: 0 };
      let redactions = 0;
      const clean = (text: string) => {
        const result = redactor.redact(text);
        redactions += result.findings.length;
        return result.text;
      };
      const messages = request.messages.map((message) => {
        const content = (message as { content?: unknown }).content;
        if (typeof content === 'string') return { ...message, content: clean(content) };
        if (Array.isArray(content)) {
          return { ...message, content: content.map((part: unknown) => (typeof part === 'object' && part !== null && typeof (part as { text?: unknown }).text === 'string' ? { ...part, text: clean((part as { text: string }).text) } : part)) };
        }
        return message;
      }) as ChatRequest['messages'];
      return { request: { ...request, messages }, candidates, allowed, redactions };
    };

    const lookup = async (admitted: Admitted, options: ChatCallOptions): Promise<{ key: string | undefined; hit: CachedAnswer | undefined }> => {
      if (!cache) return { key: undefined, hit: undefined };
      const key = cache.key(tenantId, admitted.request);
      if (options.cache === 'bypass') return { key, hit: undefined };
      const hit = await cache.get(key);
      // An answer of a model this principal may no longer use is not served.
      return { key, hit: hit && admitted.allowed.has(hit.model) ? hit : undefined };
    };

    const recordCached = (meta: CallMeta, userId: string | undefined, redactions: number, streamed: boolean) =>
      settleLater(tenantId, {
        call: { callId: meta.callId, at: now(), route: meta.route, strategy: meta.strategy, model: meta.model, provider: meta.provider, arm: meta.arm, apiKeyId, userId, promptTokens: 0, completionTokens: 0, costUsd: 0, latencyMs: meta.latencyMs, status: 'cached', cached: true, redactions, streamed },
        audit: auditEvent(`model:${meta.model}`, { callId: meta.callId, route: meta.route, model: meta.model, promptTokens: 0, completionTokens: 0, costUsd: 0, cached: true, redactions }),
        deferred: [],
      });

    const hold = async (callId: string, admitted: Admitted, streamed: boolean): Promise<BudgetHold> => {
      try {
        return await budgets.hold(billing(), { request: admitted.request, candidates: admitted.candidates.filter((model) => admitted.allowed.has(model.id)), apiKeyId, deferCounted: true });
      } catch (error) {
        if (isAuterityError(error, 'quota_exceeded')) await denied(callId, admitted.request, streamed, 'over_budget', error, admitted.redactions);
        throw error;
      }
    };

    const settle = async (meta: CallMeta, budget: BudgetHold, extra: { userId: string | undefined; redactions: number; streamed: boolean; status: 'ok' | 'error'; errorCode?: string }) => {
      const used = meta.usage.promptTokens + meta.usage.completionTokens;
      let uncountedTokens = 0;
      let counted: readonly DeferredConsume[] = [];
      if (used === 0 && meta.costUsd === 0) await budget.release();
      else ({ uncountedTokens, deferred: counted } = await budget.commit({ promptTokens: meta.usage.promptTokens, completionTokens: meta.usage.completionTokens, costUsd: meta.costUsd }));
      if (uncountedTokens > 0) logger.warn('auterity: AI usage beyond the budget limit was not counted', { tenantId, callId: meta.callId, uncountedTokens });
      // Blocking budgets were committed above; what follows (the record, the audit entry, the
      // usage of meters that cannot refuse) goes into the tenant's next batch.
      await settleLater(tenantId, {
        call: {
          callId: meta.callId, at: now(), route: meta.route, strategy: meta.strategy, model: meta.model, provider: meta.provider, arm: meta.arm, apiKeyId, userId: extra.userId,
          promptTokens: meta.usage.promptTokens, completionTokens: meta.usage.completionTokens, costUsd: meta.costUsd, latencyMs: meta.latencyMs, ttftMs: meta.ttftMs,
          status: extra.status, errorCode: extra.errorCode, cached: false, redactions: extra.redactions, streamed: extra.streamed, uncountedTokens,
        },
        audit: auditEvent(`model:${meta.model}`, {
          callId: meta.callId, route: meta.route, model: meta.model, promptTokens: meta.usage.promptTokens, completionTokens: meta.usage.completionTokens, costUsd: meta.costUsd, cached: false, redactions: extra.redactions,
          ...(extra.status === 'error' && { status: 'error', errorCode: extra.errorCode }),
        }),
        deferred: counted,
      });
    };

    /** A failure before any usage (every attempt failed): nothing to commit. */
    const failed = async (callId: string, admitted: Admitted, budget: BudgetHold, error: unknown, started: number, userId: string | undefined, streamed: boolean) => {
      await budget.release();
      await track(afterFailure(callId, admitted, error, started, userId, streamed));
    };
    const afterFailure = async (callId: string, admitted: Admitted, error: unknown, started: number, userId: string | undefined, streamed: boolean) => {
      await record({ callId, at: now(), route: admitted.request.model, apiKeyId, userId, promptTokens: 0, completionTokens: 0, costUsd: 0, latencyMs: Math.max(0, now() - started), status: 'error', errorCode: errorCode(error), cached: false, redactions: admitted.redactions, streamed });
      await audit('ai.chat', `route:${admitted.request.model}`, { callId, route: admitted.request.model, status: 'error', errorCode: errorCode(error), promptTokens: 0, completionTokens: 0, costUsd: 0, cached: false, redactions: admitted.redactions }, false);
    };

    const routeOptions = (callId: string, admitted: Admitted, budget: BudgetHold, options: ChatCallOptions, signal?: AbortSignal) => ({
      tenantId,
      callId,
      allowModel: (model: ModelEntry) => admitted.allowed.has(model.id),
      ...(options.userId !== undefined && { userId: options.userId }),
      ...(signal && { signal }),
      ...(budget.maxCompletionTokens !== undefined && { maxCompletionTokens: budget.maxCompletionTokens }),
    });

    const chatCall = async (requestInput: ChatRequest, options: ChatCallOptions = {}): Promise<RoutedCompletion> => {
      const request = prepare(requestInput);
      const callId = createId('call');
      const started = now();
      const admitted = await admit(callId, request, false);
      const { key, hit } = await lookup(admitted, options);
      if (hit) {
        const meta = cachedMeta(callId, hit, Math.max(0, now() - started));
        await recordCached(meta, options.userId, admitted.redactions, false);
        return { ...hit.completion, auterity: meta };
      }
      const budget = await hold(callId, admitted, false);
      let result: RoutedCompletion;
      try {
        result = await router.complete(admitted.request, routeOptions(callId, admitted, budget, options, options.signal));
      } catch (error) {
        await failed(callId, admitted, budget, error, started, options.userId, false);
        throw error;
      }
      await settle(result.auterity, budget, { userId: options.userId, redactions: admitted.redactions, streamed: false, status: 'ok' });
      if (cache && key) {
        const meta = result.auterity;
        await cache.set(key, { completion: stripMeta(result), model: meta.model, provider: meta.provider, route: meta.route, strategy: meta.strategy, ...(meta.arm !== undefined && { arm: meta.arm }) }).catch((error: unknown) => {
          logger.warn('auterity: could not store an AI answer in the cache', { tenantId, error: error instanceof Error ? error.message : String(error) });
        });
      }
      return result;
    };

    const tenantAi: TenantAi = {
      chat: chatCall,

      stream(requestInput: ChatRequest, options: ChatCallOptions = {}): RoutedStream {
        const meta = deferred<CallMeta>();
        const controller = new AbortController();
        const onOuterAbort = () => controller.abort(options.signal?.reason);
        options.signal?.addEventListener('abort', onOuterAbort, { once: true });
        let inner: RoutedStream | undefined;

        async function* call(): AsyncGenerator<ChatCompletionChunk> {
          const callId = createId('call');
          const started = now();
          let request: ChatRequest;
          let admitted: Admitted;
          let key: string | undefined;
          let hit: CachedAnswer | undefined;
          try {
            request = prepare(requestInput);
            admitted = await admit(callId, request, true);
            ({ key, hit } = await lookup(admitted, options));
          } catch (error) {
            meta.reject(error);
            throw error;
          }
          if (hit) {
            const cachedCall = cachedMeta(callId, hit, Math.max(0, now() - started));
            // `finally`: a consumer that stops reading (break, return(), abort) still gets `meta` and a record.
            try {
              for (const chunk of replayChunks(hit.completion)) {
                if (controller.signal.aborted) break;
                yield chunk;
              }
            } finally {
              meta.resolve(cachedCall);
              await recordCached(cachedCall, options.userId, admitted.redactions, true);
            }
            return;
          }
          let budget: BudgetHold;
          try {
            budget = await hold(callId, admitted, true);
            inner = router.stream(admitted.request, routeOptions(callId, admitted, budget, options, controller.signal));
          } catch (error) {
            meta.reject(error);
            throw error;
          }
          const chunks: ChatCompletionChunk[] = [];
          let completionChars = 0;
          let failure: unknown;
          let finished = false;
          try {
            for await (const chunk of inner) {
              if (cache) chunks.push(chunk);
              for (const choice of chunk.choices) completionChars += (choice.delta?.content ?? '').length;
              yield chunk;
            }
            finished = true;
          } catch (error) {
            failure = error;
          } finally {
            // Reached on a clean end, a failure, abort(), and a consumer that stopped iterating early.
            if (!finished && failure === undefined) inner.abort();
            let callMeta: CallMeta | undefined;
            try {
              callMeta = await inner.meta;
            } catch (error) {
              failure ??= error;
            }
            const aborted = !finished && (failure === undefined || controller.signal.aborted);
            if (callMeta) {
              await settle({ ...callMeta, callId }, budget, {
                userId: options.userId,
                redactions: admitted.redactions,
                streamed: true,
                status: finished && failure === undefined ? 'ok' : 'error',
                ...((failure !== undefined || aborted) && { errorCode: aborted ? 'aborted' : errorCode(failure) }),
              });
            } else if (completionChars > 0) {
              // No meta from the router: count what was seen (prompt estimate + streamed text) at the dearest candidate's prices.
              const model = [...admitted.candidates].filter((candidate) => admitted.allowed.has(candidate.id)).sort((a, b) => b.outputPerMTok - a.outputPerMTok)[0]!;
              const completionTokens = Math.ceil(completionChars / 4);
              const partial: CallMeta = {
                callId, route: request.model, strategy: 'fallback', model: model.id, provider: model.provider, attempts: [],
                usage: { promptTokens: budget.promptEstimate, completionTokens },
                costUsd: (budget.promptEstimate * model.inputPerMTok + completionTokens * model.outputPerMTok) / 1e6,
                latencyMs: Math.max(0, now() - started), cached: false, incomplete: aborted ? 'aborted' : 'upstream_error',
              };
              callMeta = partial;
              await settle(partial, budget, { userId: options.userId, redactions: admitted.redactions, streamed: true, status: 'error', errorCode: aborted ? 'aborted' : errorCode(failure) });
            } else {
              await failed(callId, admitted, budget, failure ?? new AuterityError('upstream_error', 'The stream ended before any answer.'), started, options.userId, true);
            }
            options.signal?.removeEventListener('abort', onOuterAbort);
            if (finished && failure === undefined && callMeta) {
              const completion = cache && key ? assembleCompletion(chunks) : null;
              if (cache && key && completion) {
                await cache.set(key, { completion, model: callMeta.model, provider: callMeta.provider, route: callMeta.route, strategy: callMeta.strategy, ...(callMeta.arm !== undefined && { arm: callMeta.arm }) }).catch((error: unknown) => {
                  logger.warn('auterity: could not store an AI answer in the cache', { tenantId, error: error instanceof Error ? error.message : String(error) });
                });
              }
            }
            // As the router does: a stream that failed or was aborted after its first token settles
            // `meta` with its partial usage (and `incomplete`); one with nothing to report rejects.
            if (callMeta) meta.resolve({ ...callMeta, callId });
            else meta.reject(failure ?? new AuterityError('upstream_error', 'The stream was aborted.'));
          }
          if (failure !== undefined) throw failure;
        }

        const iterator = call();
        return {
          meta: meta.promise,
          abort() {
            controller.abort();
            inner?.abort();
            // A consumer paused between chunks may never read again: end the generator so its
            // `finally` settles `meta` and the call's records.
            void iterator.return(undefined).catch(() => undefined);
          },
          [Symbol.asyncIterator]: () => iterator,
        };
      },

      async models() {
        const all = router.models();
        const decisions = await Promise.all(all.map((model) => deps.authorize(tenantId, who, 'ai:use', modelResource(model))));
        return all.filter((_, index) => decisions[index]!.allowed);
      },

      async usage(query) {
        await flush();
        return recordsOf().usage(query);
      },
      async recordOutcome(callId, outcome) {
        await flush();
        return recordsOf().recordOutcome(callId, outcome);
      },
      flush,

      async experiment(routeId) {
        await flush();
        const found = await recordsOf().arms(routeId);
        const order = armOrder.get(routeId) ?? [];
        const rank = (arm: string) => (order.includes(arm) ? order.indexOf(arm) : order.length);
        const arms = [...found].sort((a, b) => rank(a.arm) - rank(b.arm));
        const control = arms[0];
        return {
          route: routeId,
          arms: arms.map((arm, index) => {
            if (index === 0 || !control || control.outcomes === 0 || arm.outcomes === 0) return { ...arm, comparison: null };
            const binary = arm.binary && control.binary;
            const result = compareArms(armStats(arm, binary), armStats(control, binary));
            return { ...arm, comparison: { pValue: result.pValue, significant: result.significant, test: result.test } };
          }),
        };
      },
    };
    return Object.freeze(tenantAi);
  };

  return {
    router,
    assistants,
    defaultRoute,
    forTenant,
    cacheStats: () => cache?.stats() ?? { hits: 0, misses: 0, hitRate: 0 },
    flush,
    async close() {
      await flush();
      await router.close();
      await cache?.close();
    },
  };
}
