// The run and step lifecycles of DESIGN §3 as xstate v5 machines. They are context-free: the state
// value is the whole snapshot, so what is persisted is that value and the machine decides every
// transition. The scheduler asks `advance()` for the next state; xstate's pure `transition()` is
// evaluated once per (state, event) pair and memoised, which keeps thousands of steps per second
// cheap. Timers never live in the machines (xstate does not restore `after` delays from a
// persisted snapshot — DESIGN §10): they are durable rows fed back as events.
import { setup, transition, type AnyStateMachine } from 'xstate';
import { AuterityError } from '../../errors.js';

export type RunStatus = 'queued' | 'running' | 'paused' | 'waiting' | 'succeeded' | 'failed' | 'cancelled';
export type RunEventType = 'START' | 'PAUSE' | 'RESUME' | 'WAIT' | 'WAKE' | 'SUCCEED' | 'FAIL' | 'CANCEL' | 'RETRY';

export type StepStatus = 'pending' | 'ready' | 'running' | 'retrying' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';
export type StepEventType = 'READY' | 'START' | 'RETRY' | 'SUCCEED' | 'FAIL' | 'SKIP' | 'CANCEL' | 'INTERRUPT' | 'RESET';

export const runMachine = setup({ types: {} as { events: { type: RunEventType } } }).createMachine({
  id: 'workflowRun',
  initial: 'queued',
  states: {
    queued: { on: { START: 'running', PAUSE: 'paused', CANCEL: 'cancelled' } },
    running: { on: { PAUSE: 'paused', WAIT: 'waiting', SUCCEED: 'succeeded', FAIL: 'failed', CANCEL: 'cancelled' } },
    paused: { on: { RESUME: 'running', CANCEL: 'cancelled' } },
    waiting: { on: { WAKE: 'running', PAUSE: 'paused', SUCCEED: 'succeeded', FAIL: 'failed', CANCEL: 'cancelled' } },
    succeeded: { type: 'final' },
    // Not final: "retry from failed" re-enters running.
    failed: { on: { RETRY: 'running' } },
    cancelled: { type: 'final' },
  },
});

export const stepMachine = setup({ types: {} as { events: { type: StepEventType } } }).createMachine({
  id: 'workflowStep',
  initial: 'pending',
  states: {
    pending: { on: { READY: 'ready', SKIP: 'skipped', CANCEL: 'cancelled' } },
    ready: { on: { START: 'running', CANCEL: 'cancelled' } },
    // INTERRUPT: the engine running the attempt died; the step goes back to ready, attempt kept.
    running: { on: { SUCCEED: 'succeeded', FAIL: 'failed', RETRY: 'retrying', CANCEL: 'cancelled', INTERRUPT: 'ready' } },
    retrying: { on: { START: 'running', CANCEL: 'cancelled' } },
    succeeded: { type: 'final' },
    failed: { on: { RESET: 'pending' } },
    skipped: { type: 'final' },
    cancelled: { on: { RESET: 'pending' } },
  },
});

const memo = new WeakMap<AnyStateMachine, Map<string, Map<string, string | null>>>();

function next(machine: AnyStateMachine, state: string, event: string): string | null {
  let table = memo.get(machine);
  if (!table) memo.set(machine, (table = new Map()));
  let row = table.get(state);
  if (!row) table.set(state, (row = new Map()));
  let target = row.get(event);
  if (target === undefined) {
    const snapshot = machine.resolveState({ value: state, context: {} });
    const [nextSnapshot] = transition(machine, snapshot, { type: event });
    target = nextSnapshot.value === state ? null : String(nextSnapshot.value);
    row.set(event, target);
  }
  return target;
}

function advance<S extends string>(machine: AnyStateMachine, what: string, state: S, event: string): S {
  const target = next(machine, state, event);
  if (target === null) throw new AuterityError('conflict', `A ${what} that is ${state} cannot ${event.toLowerCase()}.`, { details: { state, event } });
  return target as S;
}

export const runLifecycle = {
  next: (state: RunStatus, event: RunEventType): RunStatus => advance(runMachine, 'run', state, event),
  can: (state: RunStatus, event: RunEventType): boolean => next(runMachine, state, event) !== null,
};

export const stepLifecycle = {
  next: (state: StepStatus, event: StepEventType): StepStatus => advance(stepMachine, 'step', state, event),
  can: (state: StepStatus, event: StepEventType): boolean => next(stepMachine, state, event) !== null,
};

export const TERMINAL_RUN: ReadonlySet<RunStatus> = new Set(['succeeded', 'failed', 'cancelled']);
