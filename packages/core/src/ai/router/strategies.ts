// Strategies order a route's candidates: the first is tried first, the rest are fallbacks in order.
import type { ModelCapability, ModelEntry, RouteStrategy } from '../types.js';
import { assignArm } from './experiment.js';
import type { LatencyTracker } from './latency.js';

export interface Target {
  model: ModelEntry;
  weight: number;
}

export interface Arm extends Target {
  id: string;
}

export interface PlanInput {
  routeId: string;
  strategy: RouteStrategy;
  /** Candidates left after constraints and the caller's filter, in declared order. */
  targets: readonly Target[];
  arms: readonly Arm[] | undefined;
  sticky: 'tenant' | 'user';
  tenantId: string;
  userId: string | undefined;
  promptTokens: number;
  expectedCompletionTokens: number;
  stream: boolean;
  latency: LatencyTracker;
  random: () => number;
}

export interface Plan {
  order: ModelEntry[];
  arm?: string;
}

export function estimateCost(model: ModelEntry, promptTokens: number, completionTokens: number): number {
  return (promptTokens * model.inputPerMTok + completionTokens * model.outputPerMTok) / 1e6;
}

function byCost(targets: readonly Target[], promptTokens: number, completionTokens: number): ModelEntry[] {
  // Array.prototype.sort is stable: equal costs keep the declared order.
  return targets.map((target) => target.model).sort((a, b) => estimateCost(a, promptTokens, completionTokens) - estimateCost(b, promptTokens, completionTokens));
}

function fastestFirst(input: PlanInput): ModelEntry[] {
  const score = (model: ModelEntry): number | undefined => {
    const stats = input.latency.get(model.id);
    if (!stats) return undefined;
    return input.stream ? (stats.ttftMs ?? stats.latencyMs) : (stats.latencyMs ?? stats.ttftMs);
  };
  const unknown: ModelEntry[] = [];
  const known: { model: ModelEntry; score: number }[] = [];
  for (const { model } of input.targets) {
    const value = score(model);
    if (value === undefined) unknown.push(model);
    else known.push({ model, score: value });
  }
  known.sort((a, b) => a.score - b.score);
  // Unmeasured models go first so they get measured; a failing one falls through to the fastest.
  return [...unknown, ...known.map((entry) => entry.model)];
}

function weightedFirst(targets: readonly Target[], random: () => number): ModelEntry[] {
  const total = targets.reduce((sum, target) => sum + target.weight, 0);
  let point = random() * total;
  let chosen = targets.length - 1;
  for (let index = 0; index < targets.length; index += 1) {
    point -= (targets[index] as Target).weight;
    if (point < 0) {
      chosen = index;
      break;
    }
  }
  const first = targets[chosen] as Target;
  return [first.model, ...targets.filter((_, index) => index !== chosen).map((target) => target.model)];
}

export function plan(input: PlanInput): Plan {
  switch (input.strategy) {
    case 'fallback':
      return { order: input.targets.map((target) => target.model) };
    case 'cheapest':
    case 'cascade':
      return { order: byCost(input.targets, input.promptTokens, input.expectedCompletionTokens) };
    case 'fastest':
      return { order: fastestFirst(input) };
    case 'weighted':
      return { order: weightedFirst(input.targets, input.random) };
    case 'experiment': {
      const arms = input.arms ?? [];
      const subject = input.sticky === 'user' && input.userId ? `user:${input.userId}` : `tenant:${input.tenantId}`;
      const arm = assignArm(input.routeId, subject, arms);
      // The arm's model first; if it cannot answer, the route's other candidates in declared order.
      const rest = input.targets.map((target) => target.model).filter((model) => model.id !== arm.model.id);
      const allowed = input.targets.some((target) => target.model.id === arm.model.id);
      return { order: allowed ? [arm.model, ...rest] : rest, arm: arm.id };
    }
  }
}

/** Capabilities a request needs: tools, a JSON response format, image inputs. */
export function requiredCapabilities(request: { tools?: unknown; functions?: unknown; response_format?: { type?: string } | undefined; messages: readonly unknown[] }): ModelCapability[] {
  const needs: ModelCapability[] = [];
  if ((Array.isArray(request.tools) && request.tools.length > 0) || (Array.isArray(request.functions) && request.functions.length > 0)) needs.push('tools');
  const format = request.response_format?.type;
  if (format === 'json_object' || format === 'json_schema') needs.push('json');
  const hasImage = request.messages.some((message) => {
    const content = (message as { content?: unknown }).content;
    return Array.isArray(content) && content.some((part) => (part as { type?: unknown }).type === 'image_url');
  });
  if (hasImage) needs.push('vision');
  return needs;
}
