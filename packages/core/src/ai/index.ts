// The AI domain's public surface: the shared shapes, the tenant pipeline and its options.
export type {
  AttemptRecord,
  BreakerSnapshot,
  BreakerState,
  BreakerTransition,
  CallMeta,
  ChatCompletion,
  ChatCompletionChunk,
  ChatRequest,
  ModelCapability,
  ModelEntry,
  RouteCallOptions,
  RoutedCompletion,
  RoutedStream,
  RouteStrategy,
} from './types.js';
export { aiOptionsSchema, createAiEngine } from './ai-engine.js';
export type { AiEngine, AiEngineDeps, AiOptions, AiPrincipal, ChatCallOptions, ExperimentArm, ExperimentResults, TenantAi } from './ai-engine.js';
export type { BudgetsOptions } from './budgets/index.js';
export type { CacheStats } from './cache/index.js';
export type { ArmResult, ModelUsage, UsageRange } from './records/index.js';
export { compareArms } from './router/index.js';
export { assistantPresets } from './assistants/index.js';
export type { Assistant, AssistantInput } from './assistants/index.js';
export type { Router, RouterOptions } from './router/index.js';
