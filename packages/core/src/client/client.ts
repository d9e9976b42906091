// createClient: a typed fetch client for the HTTP API's routes (types only from the engine, no
// runtime imports), usable in browsers, Node and edge runtimes.
import type { UsageQuery, UsageRecord } from '../billing/backends/index.js';
import type { Plan } from '../billing/catalog/index.js';
import type { CheckResult, ConsumeResult } from '../billing/entitlements/index.js';
import type { CheckoutResult } from '../billing/providers/index.js';
import type { BillingInterval, PlanChange, Subscription } from '../billing/subscriptions/subscriptions.js';
import type { ApprovalStatus, ApprovalView } from '../governance/approvals/index.js';
import type { AuditEntry, VerifyResult } from '../governance/audit/index.js';
import type { Policy, PolicyDecision, PolicyInput } from '../governance/policies/index.js';
import type { RunListFilter, StartWorkflowOptions, WorkflowRun, WorkflowSummary, WorkflowVersion } from '../workflows/runtime.js';
import type { WorkflowDefinitionInput } from '../workflows/definitions/index.js';
import type { AddMemberInput, ApiKey, CreateApiKeyInput, CreatedApiKey, Member, UpdateMemberInput } from '../tenancy/types.js';
import type { CallMeta, ChatCompletionChunk, ChatRequest, ModelCapability, RoutedCompletion } from '../ai/types.js';
import type { ModelUsage, UsageRange } from '../ai/records/index.js';
import { AuterityApiError, errorFromResponse } from './error.js';
import { parseEventStream, subscribe, type ServerSentEvent, type SubscribeOptions } from './sse.js';

type Awaitable<T> = T | Promise<T>;
/** What `new Headers(...)` accepts (DOM's HeadersInit, without needing the DOM lib). */
export type HeadersInput = ConstructorParameters<typeof Headers>[0];

export interface ClientOptions {
  /** Where the API is mounted: the handler's origin plus basePath, e.g. `https://app.example/api`. `/v1` is appended. */
  baseUrl: string;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
  /** Extra headers on every request, or a function returning them (e.g. the host's session cookie or CSRF header). */
  headers?: HeadersInput | (() => Awaitable<HeadersInput>);
  /** A bearer token (an API key or the host's token) fetched per request, so it can be refreshed. */
  getToken?: () => Awaitable<string | null | undefined>;
}

export interface AuthorizeRequest {
  action: string;
  resource: { id: string; [attribute: string]: unknown };
  context?: Record<string, unknown>;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface AiCallOptions extends RequestOptions {
  /** Answer fresh, not from the tenant's response cache. */
  bypassCache?: boolean;
}

/** A streamed chunk; the last one before the end carries the call's meta. */
export type AiStreamChunk = ChatCompletionChunk & { auterity?: CallMeta };

/** One entry of GET /v1/ai/models: a catalog model, a route or an assistant preset (`assistant:<id>`). */
export interface AiModelListing {
  id: string;
  object: 'model';
  created: number;
  owned_by: 'auterity-model' | 'auterity-route' | 'auterity-assistant';
  label?: string;
  provider?: string;
  /** USD per 1M tokens. */
  pricing?: { inputPerMTok: number; outputPerMTok: number };
  contextWindow?: number;
  capabilities?: ModelCapability[];
  region?: string;
  /** Routes: the strategy and the models (this caller may use) it reaches. */
  strategy?: string;
  models?: string[];
  /** Assistants: the route or model serving them. */
  route?: string;
  description?: string;
}

export interface AuterityClient {
  health(options?: RequestOptions): Promise<{ status: 'ok' }>;
  /** The API's OpenAPI 3.1 document. */
  openapi(options?: RequestOptions): Promise<Record<string, unknown>>;
  members: {
    list(options?: RequestOptions): Promise<Member[]>;
    add(input: AddMemberInput, options?: RequestOptions): Promise<Member>;
    get(id: string, options?: RequestOptions): Promise<Member>;
    update(id: string, patch: UpdateMemberInput, options?: RequestOptions): Promise<Member>;
    remove(id: string, options?: RequestOptions): Promise<void>;
  };
  apiKeys: {
    list(options?: RequestOptions): Promise<ApiKey[]>;
    /** The secret `key` is in this response only. */
    create(input?: CreateApiKeyInput, options?: RequestOptions): Promise<CreatedApiKey>;
    get(id: string, options?: RequestOptions): Promise<ApiKey>;
    revoke(id: string, options?: RequestOptions): Promise<ApiKey>;
  };
  policies: {
    list(options?: RequestOptions): Promise<Policy[]>;
    /** Creates or replaces the tenant policy with this id. */
    put(policy: PolicyInput, options?: RequestOptions): Promise<Policy>;
    remove(id: string, options?: RequestOptions): Promise<void>;
  };
  /** Whether the caller may perform `action` on `resource`, and which rules decided. */
  authorize(request: AuthorizeRequest, options?: RequestOptions): Promise<PolicyDecision>;
  audit: {
    list(query?: { afterSeq?: number; limit?: number }, options?: RequestOptions): Promise<AuditEntry[]>;
    verify(options?: RequestOptions): Promise<VerifyResult>;
  };
  approvals: {
    list(query?: { status?: ApprovalStatus }, options?: RequestOptions): Promise<ApprovalView[]>;
    get(id: string, options?: RequestOptions): Promise<ApprovalView>;
    approve(id: string, comment?: string, options?: RequestOptions): Promise<ApprovalView>;
    reject(id: string, comment?: string, options?: RequestOptions): Promise<ApprovalView>;
  };
  workflows: {
    list(options?: RequestOptions): Promise<WorkflowSummary[]>;
    /** Stores a definition as a new workflow (version 1). */
    create(definition: WorkflowDefinitionInput, options?: RequestOptions): Promise<WorkflowVersion>;
    /** The latest version, or `version`. */
    get(id: string, version?: number, options?: RequestOptions): Promise<WorkflowVersion>;
    /** Stores a new version. */
    update(id: string, definition: WorkflowDefinitionInput, options?: RequestOptions): Promise<WorkflowVersion>;
    start(id: string, start?: StartWorkflowOptions, options?: RequestOptions): Promise<WorkflowRun>;
  };
  runs: {
    list(filter?: RunListFilter, options?: RequestOptions): Promise<WorkflowRun[]>;
    get(id: string, options?: RequestOptions): Promise<WorkflowRun>;
    pause(id: string, options?: RequestOptions): Promise<WorkflowRun>;
    resume(id: string, options?: RequestOptions): Promise<WorkflowRun>;
    cancel(id: string, options?: RequestOptions): Promise<WorkflowRun>;
    retry(id: string, options?: RequestOptions): Promise<WorkflowRun>;
    /** The run's events (`data` is a RunEvent as JSON), live until the run ends; resumes after `lastEventId`. */
    events(id: string, options?: SubscribeOptions): AsyncGenerator<ServerSentEvent>;
  };
  deadLetters: {
    list(query?: { limit?: number }, options?: RequestOptions): Promise<WorkflowRun[]>;
    redrive(id: string, options?: RequestOptions): Promise<WorkflowRun>;
  };
  /** Emits an event: starts workflows with a matching event trigger and wakes steps waiting for it. */
  emit(name: string, payload?: unknown, options?: RequestOptions): Promise<{ id: string; runs: string[] }>;
  /** The plan catalog. */
  plans(options?: RequestOptions): Promise<{ currency: string; annualDiscountPercent: number; data: Plan[] }>;
  subscription: {
    get(options?: RequestOptions): Promise<Subscription>;
    /** Upgrades at once (with proration) or schedules a downgrade for period end. */
    change(planId: string, interval?: BillingInterval, options?: RequestOptions): Promise<PlanChange>;
  };
  /** Whether the tenant may use `feature` (for `amount`, default 1), with limit, usage and reset. */
  entitlement(feature: string, amount?: number, options?: RequestOptions): Promise<CheckResult>;
  usage: {
    list(query?: UsageQuery, options?: RequestOptions): Promise<UsageRecord[]>;
    /** Counts usage atomically; throws `quota_exceeded` (429, with retryAfter) when refused. */
    record(input: { feature: string; amount?: number; idempotencyKey?: string }, options?: RequestOptions): Promise<ConsumeResult>;
  };
  billing: {
    checkout(input: { planId: string; interval?: BillingInterval; successUrl: string; cancelUrl: string }, options?: RequestOptions): Promise<CheckoutResult>;
    portal(returnUrl: string, options?: RequestOptions): Promise<{ url: string | null }>;
  };
  /** The tenant's AI routing, OpenAI-compatible (any OpenAI client works too, with baseURL `<baseUrl>/v1/ai`). */
  ai: {
    /** A routed completion with the call's meta (`auterity`). */
    chat(request: ChatRequest, options?: AiCallOptions): Promise<RoutedCompletion>;
    /**
     * The answer's chunks as they arrive. Refusals (policy, budget) throw before the first chunk; a
     * failure after it throws from the iteration, so an incomplete answer never ends quietly.
     */
    stream(request: ChatRequest, options?: AiCallOptions): AsyncGenerator<AiStreamChunk>;
    /** Models, routes and assistants this caller may use. */
    models(options?: RequestOptions): Promise<AiModelListing[]>;
    /** Usage per model; `from` inclusive, `to` exclusive (epoch ms). */
    usage(range?: UsageRange, options?: RequestOptions): Promise<ModelUsage[]>;
    /** An outcome for an experiment's statistics (`callId` from the meta). */
    recordOutcome(callId: string, outcome: number | boolean, options?: RequestOptions): Promise<void>;
  };
  /** Any route by method and path under /v1 (e.g. one newer than this client); JSON in, JSON out. */
  request<T>(method: string, path: `/${string}`, body?: unknown, options?: RequestOptions): Promise<T>;
  /** A server-sent event stream under /v1 (e.g. a run's events), reconnecting with Last-Event-ID. */
  subscribe(path: `/${string}`, options?: SubscribeOptions): AsyncGenerator<ServerSentEvent>;
}

const id = (value: string) => encodeURIComponent(value);

/** `?a=1&b=2` from the defined entries of `query`, or nothing. */
function search(query: Record<string, string | number | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Request options of an AI call: `bypassCache` becomes the `x-auterity-cache: bypass` header. */
const aiHeaders = (o: AiCallOptions | undefined): RequestOptions & { headers: Record<string, string> } => ({
  ...(o?.signal && { signal: o.signal }),
  headers: o?.bypassCache ? { 'x-auterity-cache': 'bypass' } : {},
});

export function createClient(options: ClientOptions): AuterityClient {
  const base = `${options.baseUrl.replace(/\/+$/, '')}/v1`;
  const doFetch: typeof fetch = options.fetch ?? ((input, init) => fetch(input, init));

  async function headers(): Promise<Headers> {
    const extra = typeof options.headers === 'function' ? await options.headers() : options.headers;
    const result = new Headers(extra);
    const token = await options.getToken?.();
    if (token) result.set('authorization', `Bearer ${token}`);
    return result;
  }

  async function request<T>(method: string, path: `/${string}`, body?: unknown, requestOptions: RequestOptions & { headers?: Record<string, string> } = {}): Promise<T> {
    const init: RequestInit = { method, headers: await headers() };
    for (const [name, value] of Object.entries(requestOptions.headers ?? {})) (init.headers as Headers).set(name, value);
    if (requestOptions.signal) init.signal = requestOptions.signal;
    if (body !== undefined) {
      (init.headers as Headers).set('content-type', 'application/json');
      init.body = JSON.stringify(body);
    }
    (init.headers as Headers).set('accept', 'application/json');
    const response = await doFetch(`${base}${path}`, init);
    if (!response.ok) throw await errorFromResponse(response);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  async function* streamChat(chatRequest: ChatRequest, o: AiCallOptions = {}): AsyncGenerator<AiStreamChunk> {
    const init: RequestInit = { method: 'POST', headers: await headers(), body: JSON.stringify({ ...chatRequest, stream: true }) };
    const sent = init.headers as Headers;
    sent.set('content-type', 'application/json');
    sent.set('accept', 'text/event-stream');
    if (o.bypassCache) sent.set('x-auterity-cache', 'bypass');
    if (o.signal) init.signal = o.signal;
    const response = await doFetch(`${base}/ai/chat/completions`, init);
    if (!response.ok) throw await errorFromResponse(response);
    if (!response.body) throw new AuterityApiError(response.status, { error: { code: 'unexpected_response', message: 'The stream had no body.' } });
    for await (const event of parseEventStream(response.body, () => undefined)) {
      if (event.data === '[DONE]') return;
      const data = JSON.parse(event.data) as AiStreamChunk & { error?: { code?: unknown; message?: unknown } };
      if (event.event === 'error' || data.error) {
        const code = typeof data.error?.code === 'string' ? data.error.code : 'upstream_error';
        const message = typeof data.error?.message === 'string' ? data.error.message : 'The stream failed.';
        throw new AuterityApiError(response.status, { error: { code, message } });
      }
      yield data;
    }
    if (o.signal?.aborted) return;
    throw new AuterityApiError(response.status, { error: { code: 'upstream_error', message: 'The stream ended before its end marker: the answer is incomplete.' } });
  }

  return {
    health: (o) => request('GET', '/health', undefined, o),
    openapi: (o) => request('GET', '/openapi.json', undefined, o),
    members: {
      list: async (o) => (await request<{ data: Member[] }>('GET', '/members', undefined, o)).data,
      add: (input, o) => request('POST', '/members', input, o),
      get: (memberId, o) => request('GET', `/members/${id(memberId)}`, undefined, o),
      update: (memberId, patch, o) => request('PATCH', `/members/${id(memberId)}`, patch, o),
      remove: (memberId, o) => request('DELETE', `/members/${id(memberId)}`, undefined, o),
    },
    apiKeys: {
      list: async (o) => (await request<{ data: ApiKey[] }>('GET', '/api-keys', undefined, o)).data,
      create: (input, o) => request('POST', '/api-keys', input ?? {}, o),
      get: (keyId, o) => request('GET', `/api-keys/${id(keyId)}`, undefined, o),
      revoke: (keyId, o) => request('DELETE', `/api-keys/${id(keyId)}`, undefined, o),
    },
    policies: {
      list: async (o) => (await request<{ data: Policy[] }>('GET', '/policies', undefined, o)).data,
      put: (policy, o) => request('POST', '/policies', policy, o),
      remove: (policyId, o) => request('DELETE', `/policies/${id(policyId)}`, undefined, o),
    },
    authorize: (authorizeRequest, o) => request('POST', '/authorize', authorizeRequest, o),
    audit: {
      list: async (query, o) => (await request<{ data: AuditEntry[] }>('GET', `/audit${search(query)}`, undefined, o)).data,
      verify: (o) => request('GET', '/audit/verify', undefined, o),
    },
    approvals: {
      list: async (query, o) => (await request<{ data: ApprovalView[] }>('GET', `/approvals${search(query)}`, undefined, o)).data,
      get: (approvalId, o) => request('GET', `/approvals/${id(approvalId)}`, undefined, o),
      approve: (approvalId, comment, o) => request('POST', `/approvals/${id(approvalId)}/approve`, comment === undefined ? {} : { comment }, o),
      reject: (approvalId, comment, o) => request('POST', `/approvals/${id(approvalId)}/reject`, comment === undefined ? {} : { comment }, o),
    },
    workflows: {
      list: async (o) => (await request<{ data: WorkflowSummary[] }>('GET', '/workflows', undefined, o)).data,
      create: (definition, o) => request('POST', '/workflows', definition, o),
      get: (workflowId, version, o) => request('GET', `/workflows/${id(workflowId)}${search({ version })}`, undefined, o),
      update: (workflowId, definition, o) => request('PUT', `/workflows/${id(workflowId)}`, definition, o),
      start: (workflowId, start, o) => request('POST', `/workflows/${id(workflowId)}/runs`, start ?? {}, o),
    },
    runs: {
      list: async (filter, o) => (await request<{ data: WorkflowRun[] }>('GET', `/runs${search({ ...filter })}`, undefined, o)).data,
      get: (runId, o) => request('GET', `/runs/${id(runId)}`, undefined, o),
      pause: (runId, o) => request('POST', `/runs/${id(runId)}/pause`, undefined, o),
      resume: (runId, o) => request('POST', `/runs/${id(runId)}/resume`, undefined, o),
      cancel: (runId, o) => request('POST', `/runs/${id(runId)}/cancel`, undefined, o),
      retry: (runId, o) => request('POST', `/runs/${id(runId)}/retry`, undefined, o),
      events: (runId, subscribeOptions) => subscribe({ fetch: doFetch, url: `${base}/runs/${id(runId)}/events`, headers }, subscribeOptions),
    },
    deadLetters: {
      list: async (query, o) => (await request<{ data: WorkflowRun[] }>('GET', `/dead-letters${search(query)}`, undefined, o)).data,
      redrive: (runId, o) => request('POST', `/dead-letters/${id(runId)}/redrive`, undefined, o),
    },
    emit: (name, payload, o) => request('POST', '/events', payload === undefined ? { name } : { name, payload }, o),
    plans: (o) => request('GET', '/plans', undefined, o),
    subscription: {
      get: (o) => request('GET', '/subscription', undefined, o),
      change: (planId, interval, o) => request('POST', '/subscription', interval ? { planId, interval } : { planId }, o),
    },
    entitlement: (feature, amount, o) => request('GET', `/entitlements/${id(feature)}${search({ amount })}`, undefined, o),
    usage: {
      list: async (query, o) => (await request<{ data: UsageRecord[] }>('GET', `/usage${search({ ...query })}`, undefined, o)).data,
      record: (input, o) => request('POST', '/usage', input, o),
    },
    billing: {
      checkout: (input, o) => request('POST', '/billing/checkout', input, o),
      portal: (returnUrl, o) => request('POST', '/billing/portal', { returnUrl }, o),
    },
    ai: {
      chat: (chatRequest, o) => request('POST', '/ai/chat/completions', { ...chatRequest, stream: false }, aiHeaders(o)),
      stream: streamChat,
      models: async (o) => (await request<{ data: AiModelListing[] }>('GET', '/ai/models', undefined, o)).data,
      usage: async (range, o) => (await request<{ data: ModelUsage[] }>('GET', `/ai/usage${search({ ...range })}`, undefined, o)).data,
      recordOutcome: (callId, outcome, o) => request('POST', `/ai/calls/${id(callId)}/outcome`, { outcome }, o),
    },
    request,
    subscribe: (path, subscribeOptions) => subscribe({ fetch: doFetch, url: `${base}${path}`, headers }, subscribeOptions),
  };
}
