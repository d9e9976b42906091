// What built-in actions need from the executor beyond the public action context. Passed to `run`
// as a second argument that ISV actions never see in their types.
import type { ActionRunContext, AnyAction } from './types.js';

/** Marks the actions the scheduler implements itself as durable timers and waits. */
export const NATIVE_KIND = Symbol.for('auterity.workflows.native');

export interface NativeActionMarker {
  readonly [NATIVE_KIND]: 'delay' | 'event.wait';
}

/** Input fields of a built-in that hold expressions, compiled (and so checked) at definition time. */
export const EXPRESSION_FIELDS = Symbol.for('auterity.workflows.expressionFields');

export interface ExpressionFieldsMarker {
  readonly [EXPRESSION_FIELDS]: { jsonata?: readonly string[]; cel?: readonly string[] };
}

export function expressionFields(action: AnyAction): { jsonata?: readonly string[]; cel?: readonly string[] } | undefined {
  return (action as Partial<ExpressionFieldsMarker>)[EXPRESSION_FIELDS];
}

export function nativeKind(action: AnyAction): 'delay' | 'event.wait' | undefined {
  return (action as Partial<NativeActionMarker>)[NATIVE_KIND];
}

export interface ChildRunResult {
  status: 'succeeded' | 'failed' | 'cancelled';
  output: unknown;
  error?: { message: string; code?: string | undefined } | undefined;
}

export interface ActionRuntime {
  /** Starts (or finds, when it already exists) the sub-workflow run `runId` and waits for its end. */
  runChild(context: ActionRunContext<unknown>, workflowId: string, input: unknown, version: number | undefined): Promise<ChildRunResult>;
  /** The expression context of the run (`input`, `steps`, `run`, `tenant`). */
  context(): Record<string, unknown>;
  /** Looks an action up by name (foreach). */
  action(name: string): AnyAction | undefined;
}
