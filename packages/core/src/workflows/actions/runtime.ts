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

/** What a built-in asks for when it parks its step: a durable wait for one event, no slot held. */
export interface ParkRequest {
  /** The event's name (the engine's own events, such as `approval.decided`, included). */
  event: string;
  /** Payload fields the event must carry with exactly these values. */
  match: Record<string, string>;
}

/**
 * Thrown by `ActionRuntime.park`: the scheduler hands the step back to the database until a
 * matching event is buffered, then completes it through the action's resume hook (`RESUME`).
 */
export class ParkStep {
  constructor(readonly request: ParkRequest) {}
}

/** A matched event, as the resume hook sees it. */
export interface ResumeEvent {
  name: string;
  payload: unknown;
  at: number;
}

/**
 * The hook of an action that parks: turns the event that ended the wait into the step's output, or
 * throws to fail the step. Synchronous and free of I/O, so any engine (after a restart, or another
 * one sharing the database) completes the step the same way.
 */
export const RESUME = Symbol.for('auterity.workflows.resume');

export interface ResumableMarker {
  readonly [RESUME]: (event: ResumeEvent, step: { id: string }) => unknown;
}

export function resumeHook(action: AnyAction): ResumableMarker[typeof RESUME] | undefined {
  return (action as Partial<ResumableMarker>)[RESUME];
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
  /** Parks the step (`throw runtime.park(...)`); only for actions with a resume hook (`RESUME`). */
  park(request: ParkRequest): ParkStep;
}
