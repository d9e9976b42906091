// Validates a definition against the registered actions and compiles it for the scheduler. Every
// problem is collected and reported at once, each with its path (`steps[2].dependsOn[0]`).
import { Cron } from 'croner';
import type { z } from 'zod';
import { AuterityError, type AuterityIssue } from '../../errors.js';
import type { CompiledExpression, ExpressionCompiler } from '../../expressions/cel.js';
import type { CompiledJsonata, JsonataCompiler } from '../../expressions/jsonata.js';
import { expressionFields } from '../actions/runtime.js';
import type { AnyAction } from '../actions/types.js';
import { workflowDefinitionSchema, type RetryPolicy, type WorkflowDefinition } from './schema.js';

/** An input value evaluated at run time: `{ "$expr": "<JSONata>" }`. */
export type InputTemplate =
  | { kind: 'literal'; value: unknown }
  | { kind: 'expr'; expr: CompiledJsonata }
  | { kind: 'object'; entries: [string, InputTemplate][] }
  | { kind: 'array'; items: InputTemplate[] };

export interface CompiledStep {
  readonly index: number;
  readonly id: string;
  readonly action: AnyAction;
  /** null when the input has no `$expr`: it is then the literal `literalInput`, validated once. */
  readonly template: InputTemplate | null;
  readonly literalInput: Record<string, unknown>;
  readonly dependsOn: readonly string[];
  readonly dependents: readonly string[];
  readonly when: CompiledExpression | undefined;
  readonly retry: RetryPolicy;
  readonly timeoutMs: number | undefined;
}

export interface CompiledWorkflow {
  readonly definition: WorkflowDefinition;
  /** In a topological order (every step after its dependencies). */
  readonly steps: readonly CompiledStep[];
  readonly byId: ReadonlyMap<string, CompiledStep>;
  /** Steps nothing depends on: their outputs form the run's output. */
  readonly leaves: readonly string[];
  readonly eventTriggers: readonly { event: string; filter: CompiledExpression | undefined }[];
  readonly cronTriggers: readonly CronTrigger[];
  readonly webhook: boolean;
}

export interface CronTrigger {
  index: number;
  schedule: string;
  timezone: string;
  catchUp: 'latest' | 'all' | 'none';
}

export interface DefinitionCompilers {
  actions: ReadonlyMap<string, AnyAction>;
  /** CEL over `input`, `steps`, `run`, `tenant`. */
  conditions: ExpressionCompiler;
  /** CEL over `event`, `tenant` (trigger filters). */
  triggerFilters: ExpressionCompiler;
  jsonata: JsonataCompiler;
}

const NO_RETRY: RetryPolicy = { maxAttempts: 1, backoff: 'fixed', initialMs: 0, factor: 1, maxMs: 0, jitter: false };

/** `['steps', 2, 'dependsOn', 0]` -> `steps[2].dependsOn[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out || 'definition';
}

function zodIssues(error: z.ZodError, base: readonly PropertyKey[]): AuterityIssue[] {
  const issues: AuterityIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) issues.push({ path: formatPath([...base, ...issue.path, key]), message: 'unknown field' });
    } else {
      issues.push({ path: formatPath([...base, ...issue.path]), message: issue.message });
    }
  }
  return issues;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isExprObject(value: unknown): value is { $expr: unknown } {
  return isRecord(value) && Object.keys(value).length === 1 && '$expr' in value;
}

function compileTemplate(value: unknown, path: PropertyKey[], jsonata: JsonataCompiler, issues: AuterityIssue[]): InputTemplate {
  if (isExprObject(value)) {
    const exprPath = formatPath([...path, '$expr']);
    if (typeof value.$expr !== 'string') {
      issues.push({ path: exprPath, message: 'expected a JSONata expression string' });
      return { kind: 'literal', value: null };
    }
    try {
      return { kind: 'expr', expr: jsonata.compile(value.$expr, { path: exprPath }) };
    } catch (error) {
      issues.push(...expressionIssues(error, exprPath));
      return { kind: 'literal', value: null };
    }
  }
  if (Array.isArray(value)) {
    const items = value.map((item, i) => compileTemplate(item, [...path, i], jsonata, issues));
    return items.every((item) => item.kind === 'literal') ? { kind: 'literal', value } : { kind: 'array', items };
  }
  if (isRecord(value)) {
    const entries = Object.entries(value).map(([key, item]): [string, InputTemplate] => [key, compileTemplate(item, [...path, key], jsonata, issues)]);
    return entries.every(([, item]) => item.kind === 'literal') ? { kind: 'literal', value } : { kind: 'object', entries };
  }
  return { kind: 'literal', value };
}

function expressionIssues(error: unknown, path: string): AuterityIssue[] {
  if (error instanceof AuterityError && error.issues.length) return error.issues;
  return [{ path, message: error instanceof Error ? error.message : String(error) }];
}

function findCycle(ids: readonly string[], deps: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    state.set(id, 1);
    stack.push(id);
    for (const dep of deps.get(id) ?? []) {
      if (!deps.has(dep)) continue;
      const seen = state.get(dep);
      if (seen === 1) return [...stack.slice(stack.indexOf(dep)), dep];
      if (seen === undefined) {
        const cycle = visit(dep);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(id, 2);
    return undefined;
  };
  for (const id of ids) {
    if (state.has(id)) continue;
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
}

/**
 * Validates `input` and compiles it. Throws AuterityError('invalid_input') whose `issues` list every
 * problem found, each with its path.
 */
export function compileDefinition(input: unknown, compilers: DefinitionCompilers): CompiledWorkflow {
  const issues: AuterityIssue[] = [];
  const parsed = workflowDefinitionSchema.safeParse(input);
  if (!parsed.success) issues.push(...zodIssues(parsed.error, []));

  // Graph and expression checks run on whatever is structurally usable, so one error lists it all.
  const raw = isRecord(input) && Array.isArray(input.steps) ? input.steps : [];
  const firstIndex = new Map<string, number>();
  raw.forEach((step, i) => {
    if (!isRecord(step) || typeof step.id !== 'string') return;
    if (firstIndex.has(step.id)) issues.push({ path: `steps[${i}].id`, message: `duplicate step id "${step.id}" (first used by steps[${firstIndex.get(step.id)}])` });
    else firstIndex.set(step.id, i);
  });

  const deps = new Map<string, string[]>();
  const templates = new Map<number, InputTemplate>();
  const whens = new Map<number, CompiledExpression>();
  raw.forEach((step, i) => {
    if (!isRecord(step)) return;
    const id = typeof step.id === 'string' ? step.id : undefined;
    const dependsOn = Array.isArray(step.dependsOn) ? step.dependsOn : [];
    dependsOn.forEach((dep, j) => {
      if (typeof dep !== 'string') return;
      if (!firstIndex.has(dep)) issues.push({ path: `steps[${i}].dependsOn[${j}]`, message: `unknown step "${dep}"` });
      else if (dep === id) issues.push({ path: `steps[${i}].dependsOn[${j}]`, message: `step "${dep}" cannot depend on itself` });
      else if (dependsOn.indexOf(dep) !== j) issues.push({ path: `steps[${i}].dependsOn[${j}]`, message: `"${dep}" is listed twice` });
    });
    if (id !== undefined && firstIndex.get(id) === i) {
      deps.set(id, dependsOn.filter((dep): dep is string => typeof dep === 'string' && dep !== id));
    }

    const action = typeof step.action === 'string' ? compilers.actions.get(step.action) : undefined;
    if (typeof step.action === 'string' && !action) {
      const known = [...compilers.actions.keys()].sort().join(', ');
      issues.push({ path: `steps[${i}].action`, message: `unknown action "${step.action}" (registered: ${known})` });
    }
    const stepInput = step.input === undefined ? {} : step.input;
    if (isRecord(stepInput)) {
      const template = compileTemplate(stepInput, ['steps', i, 'input'], compilers.jsonata, issues);
      templates.set(i, template);
      // Inputs fixed at definition time are checked against the action's schema now.
      if (action && template.kind === 'literal') {
        const result = action.input.safeParse(stepInput);
        if (!result.success) issues.push(...zodIssues(result.error, ['steps', i, 'input']));
      }
    }
    const fields = action ? expressionFields(action) : undefined;
    if (fields && isRecord(stepInput)) {
      for (const field of fields.jsonata ?? []) {
        const source = stepInput[field];
        if (typeof source !== 'string') continue;
        try {
          compilers.jsonata.compile(source, { path: `steps[${i}].input.${field}` });
        } catch (error) {
          issues.push(...expressionIssues(error, `steps[${i}].input.${field}`));
        }
      }
      for (const field of fields.cel ?? []) {
        const source = stepInput[field];
        if (typeof source !== 'string') continue;
        try {
          compilers.triggerFilters.compile(source, { path: `steps[${i}].input.${field}`, boolean: true });
        } catch (error) {
          issues.push(...expressionIssues(error, `steps[${i}].input.${field}`));
        }
      }
    }
    if (typeof step.when === 'string' && step.when.trim() !== '') {
      try {
        whens.set(i, compilers.conditions.compile(step.when, { path: `steps[${i}].when`, boolean: true }));
      } catch (error) {
        issues.push(...expressionIssues(error, `steps[${i}].when`));
      }
    }
  });

  const cycle = findCycle([...deps.keys()], deps);
  if (cycle) {
    const at = firstIndex.get(cycle[0] ?? '') ?? 0;
    issues.push({ path: `steps[${at}].dependsOn`, message: `cycle: ${cycle.join(' -> ')}` });
  }

  const triggersRaw = isRecord(input) && Array.isArray(input.triggers) ? input.triggers : [];
  const eventTriggers: { event: string; filter: CompiledExpression | undefined }[] = [];
  const cronTriggers: CronTrigger[] = [];
  let webhook = false;
  triggersRaw.forEach((trigger, i) => {
    if (!isRecord(trigger)) return;
    if (trigger.type === 'webhook') webhook = true;
    if (trigger.type === 'cron' && typeof trigger.schedule === 'string') {
      const timezone = typeof trigger.timezone === 'string' ? trigger.timezone : 'UTC';
      try {
        new Cron(trigger.schedule, { timezone, paused: true }).nextRun();
        const catchUp = trigger.catchUp === 'all' || trigger.catchUp === 'none' ? trigger.catchUp : 'latest';
        cronTriggers.push({ index: i, schedule: trigger.schedule, timezone, catchUp });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const field = /time ?zone/i.test(message) ? 'timezone' : 'schedule';
        issues.push({ path: `triggers[${i}].${field}`, message });
      }
    }
    if (trigger.type === 'event' && typeof trigger.event === 'string') {
      let filter: CompiledExpression | undefined;
      if (typeof trigger.filter === 'string' && trigger.filter.trim() !== '') {
        try {
          filter = compilers.triggerFilters.compile(trigger.filter, { path: `triggers[${i}].filter`, boolean: true });
        } catch (error) {
          issues.push(...expressionIssues(error, `triggers[${i}].filter`));
        }
      }
      eventTriggers.push({ event: trigger.event, filter });
    }
  });

  if (issues.length || !parsed.success) {
    const shown = issues.slice(0, 20).map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    const more = issues.length > 20 ? ` (and ${issues.length - 20} more)` : '';
    throw new AuterityError('invalid_input', `Invalid workflow definition: ${shown}${more}`, { issues });
  }

  const definition = parsed.data;
  const dependents = new Map<string, string[]>(definition.steps.map((step) => [step.id, []]));
  for (const step of definition.steps) for (const dep of step.dependsOn) dependents.get(dep)?.push(step.id);

  // Kahn's order, stable by declaration order.
  const remaining = new Map(definition.steps.map((step) => [step.id, step.dependsOn.length]));
  const order: number[] = [];
  const queue = definition.steps.map((step, i) => (step.dependsOn.length === 0 ? i : -1)).filter((i) => i >= 0);
  const indexOf = new Map(definition.steps.map((step, i) => [step.id, i]));
  while (queue.length) {
    const i = queue.shift() as number;
    order.push(i);
    for (const next of dependents.get(definition.steps[i]?.id ?? '') ?? []) {
      const left = (remaining.get(next) ?? 0) - 1;
      remaining.set(next, left);
      if (left === 0) queue.push(indexOf.get(next) as number);
    }
  }

  const steps: CompiledStep[] = order.map((i) => {
    const step = definition.steps[i] as WorkflowDefinition['steps'][number];
    const template = templates.get(i) ?? { kind: 'literal', value: step.input };
    return {
      index: i,
      id: step.id,
      action: compilers.actions.get(step.action) as AnyAction,
      template: template.kind === 'literal' ? null : template,
      literalInput: step.input,
      dependsOn: step.dependsOn,
      dependents: dependents.get(step.id) ?? [],
      when: whens.get(i),
      retry: step.retry ?? NO_RETRY,
      timeoutMs: step.timeoutMs,
    };
  });
  return {
    definition,
    steps,
    byId: new Map(steps.map((step) => [step.id, step])),
    leaves: steps.filter((step) => step.dependents.length === 0).map((step) => step.id),
    eventTriggers,
    cronTriggers,
    webhook,
  };
}

/** Renders a step input: every `$expr` evaluated against the expression context. */
export async function renderTemplate(template: InputTemplate, context: unknown): Promise<unknown> {
  switch (template.kind) {
    case 'literal':
      return template.value;
    case 'expr':
      return template.expr.evaluate(context);
    case 'array':
      return Promise.all(template.items.map((item) => renderTemplate(item, context)));
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, item] of template.entries) out[key] = await renderTemplate(item, context);
      return out;
    }
  }
}
