// @auterity/core/client: what a browser or another service needs to talk to the HTTP API.
// Dependency-free (no node: imports, no zod; engine types only), so it bundles for the browser.
export { createClient } from './client.js';
export type { AiCallOptions, AiModelListing, AiStreamChunk, AuterityClient, AuthorizeRequest, ClientOptions, HeadersInput, RequestOptions } from './client.js';
export type { CallMeta, ChatCompletion, ChatCompletionChunk, ChatRequest, ModelCapability, RoutedCompletion } from '../ai/types.js';
export type { ModelUsage, UsageRange } from '../ai/records/index.js';
export { AuterityApiError, isAuterityApiError } from './error.js';
export { isErrorEnvelope } from './envelope.js';
export type { ErrorEnvelope, ErrorIssue } from './envelope.js';
export type { ServerSentEvent, SubscribeOptions } from './sse.js';
export type { AddMemberInput, ApiKey, CreateApiKeyInput, CreatedApiKey, Member, UpdateMemberInput } from '../tenancy/types.js';
export type { ApprovalStatus, ApprovalView } from '../governance/approvals/index.js';
export type { AuditEntry, VerifyResult } from '../governance/audit/index.js';
export type { Policy, PolicyDecision, PolicyInput } from '../governance/policies/index.js';
export type { RunListFilter, StartWorkflowOptions, WorkflowRun, WorkflowSummary, WorkflowVersion } from '../workflows/runtime.js';
export type { RunEvent } from '../workflows/events/index.js';
export type { WorkflowDefinitionInput } from '../workflows/definitions/index.js';
export type { UsageQuery, UsageRecord } from '../billing/backends/index.js';
export type { Plan } from '../billing/catalog/index.js';
export type { CheckResult, ConsumeResult } from '../billing/entitlements/index.js';
export type { CheckoutResult } from '../billing/providers/index.js';
export type { BillingInterval, PlanChange, Subscription } from '../billing/subscriptions/subscriptions.js';
