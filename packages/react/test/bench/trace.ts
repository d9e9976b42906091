// Breaks the long tasks of a Chromium performance trace (the renderer's main thread) down into
// script, style, layout, paint and garbage collection, so `pnpm bench data-table --trace` says
// what a long task is made of, not only how long it took. Each task also reports its thread time
// (CPU time the main thread actually ran): on a loaded machine a task whose wall time is far above
// its thread time was mostly waiting for a CPU, not working.

/** A trace event as Chromium writes it (timestamps and durations in microseconds). */
export interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string; data?: Record<string, unknown>; beginData?: Record<string, unknown> };
}

/** The categories the breakdown needs. */
export const TRACE_CATEGORIES = [
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8',
  'v8.execute',
  'blink',
  'blink.user_timing',
];

type Part = 'script' | 'style' | 'layout' | 'paint' | 'gc';

// The outermost event of each kind counts; what nests inside it belongs to it (a forced layout
// inside a script call is counted as layout and taken out of script, see below).
const PARTS: Record<string, Part> = {
  FunctionCall: 'script',
  EvaluateScript: 'script',
  'v8.callFunction': 'script',
  'v8.run': 'script',
  TimerFire: 'script',
  FireAnimationFrame: 'script',
  EventDispatch: 'script',
  RunMicrotasks: 'script',
  'V8.Execute': 'script',
  UpdateLayoutTree: 'style',
  RecalculateStyles: 'style',
  ParseAuthorStyleSheet: 'style',
  Layout: 'layout',
  PrePaint: 'paint',
  Paint: 'paint',
  PaintImage: 'paint',
  Layerize: 'paint',
  UpdateLayer: 'paint',
  UpdateLayerTree: 'paint',
  'LocalFrameView::RunPostLifecycleSteps': 'paint',
  Commit: 'paint',
  MinorGC: 'gc',
  MajorGC: 'gc',
  'V8.GC_SCAVENGER': 'gc',
  'V8.GC_MARK_COMPACTOR': 'gc',
  'V8.GCScavenger': 'gc',
  'V8.GCFinalizeMC': 'gc',
  BlinkGC: 'gc',
};

export interface LongTaskBreakdown {
  /** Start, ms after the first event of the trace window. */
  atMs: number;
  wallMs: number;
  /** Main-thread CPU time of the task. */
  threadMs: number;
  /** Wall time inside the task by kind; forced (synchronous) style/layout inside script is counted as style/layout. */
  parts: Record<Part | 'other', number>;
  /** Style recalculations and layouts forced synchronously from script (e.g. a measurement). */
  forcedLayouts: number;
  /** Elements whose style was recalculated, summed over the task. */
  styledElements: number;
  /** Objects laid out, summed over the task. */
  laidOutObjects: number;
}

const ms = (us: number) => Math.round(us / 100) / 10;

/** The renderer main thread that ran the most tasks: the page's (the harness has one page). */
function mainThread(events: TraceEvent[]): { pid: number; tid: number } | undefined {
  const counts = new Map<string, number>();
  const mains = new Set(
    events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`),
  );
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (mains.has(key) && e.name === 'RunTask') counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const best = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (!best) return undefined;
  const [pid, tid] = best.split(':').map(Number) as [number, number];
  return { pid, tid };
}

/** The main thread's tasks longer than `thresholdMs` (wall), each broken down. */
export function longTaskBreakdown(events: TraceEvent[], thresholdMs = 50, since = 0): LongTaskBreakdown[] {
  const thread = mainThread(events);
  if (!thread) return [];
  const mine = events
    .filter((e) => e.pid === thread.pid && e.tid === thread.tid && e.ph === 'X' && e.dur !== undefined && e.ts >= since)
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const origin = mine[0]?.ts ?? 0;
  const tasks = mine.filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask');
  // Keep the outermost task events only (RunTask can nest in ThreadControllerImpl::RunTask).
  const top: TraceEvent[] = [];
  for (const task of tasks) {
    const last = top[top.length - 1];
    if (last && task.ts < last.ts + last.dur!) continue;
    top.push(task);
  }
  const result: LongTaskBreakdown[] = [];
  for (const task of top) {
    if (task.dur! < thresholdMs * 1000) continue;
    const end = task.ts + task.dur!;
    const inside = mine.filter((e) => e.ts >= task.ts && e.ts + e.dur! <= end && e !== task);
    const parts: Record<Part | 'other', number> = { script: 0, style: 0, layout: 0, paint: 0, gc: 0, other: 0 };
    let forcedLayouts = 0;
    let styledElements = 0;
    let laidOutObjects = 0;
    // Walk with a stack of open classified events: an event counts toward its own part, and is
    // subtracted from the part of the classified event it is nested in.
    const stack: { end: number; part: Part }[] = [];
    for (const e of inside) {
      while (stack.length && e.ts >= stack[stack.length - 1]!.end) stack.pop();
      const part = PARTS[e.name];
      if (!part) continue;
      const parent = stack[stack.length - 1];
      if (parent?.part === part) continue; // the same kind nested in itself
      if (parent) {
        parts[parent.part] -= e.dur!;
        if (parent.part === 'script' && (part === 'style' || part === 'layout')) forcedLayouts++;
      }
      parts[part] += e.dur!;
      stack.push({ end: e.ts + e.dur!, part });
      if (e.name === 'UpdateLayoutTree') styledElements += Number(e.args?.data?.elementCount ?? 0);
      if (e.name === 'Layout') {
        laidOutObjects += Number(e.args?.beginData?.dirtyObjects ?? 0);
      }
    }
    const classified = parts.script + parts.style + parts.layout + parts.paint + parts.gc;
    parts.other = Math.max(0, task.dur! - classified);
    result.push({
      atMs: ms(task.ts - origin),
      wallMs: ms(task.dur!),
      threadMs: ms(task.tdur ?? task.dur!),
      parts: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, ms(v)])) as Record<Part | 'other', number>,
      forcedLayouts,
      styledElements,
      laidOutObjects,
    });
  }
  return result;
}

/**
 * The whole window's main-thread figures: its task count, wall and CPU time, the longest task's CPU
 * time, and the CPU time of all tasks (not only the long ones) by kind, attributed as in
 * longTaskBreakdown (a nested event counts toward its own kind, not its parent's).
 */
export function mainThreadTotals(events: TraceEvent[]): {
  tasks: number;
  wallMs: number;
  threadMs: number;
  longestThreadMs: number;
  cpuParts: Record<Part, number>;
} {
  const cpuParts: Record<Part, number> = { script: 0, style: 0, layout: 0, paint: 0, gc: 0 };
  const thread = mainThread(events);
  if (!thread) return { tasks: 0, wallMs: 0, threadMs: 0, longestThreadMs: 0, cpuParts };
  const mine = events
    .filter((e) => e.pid === thread.pid && e.tid === thread.tid && e.ph === 'X' && e.dur !== undefined)
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const tasks = mine.filter((e) => e.name === 'RunTask');
  let wall = 0;
  let cpu = 0;
  let longest = 0;
  for (const t of tasks) {
    wall += t.dur ?? 0;
    cpu += t.tdur ?? 0;
    longest = Math.max(longest, t.tdur ?? 0);
  }
  const stack: { end: number; part: Part }[] = [];
  for (const e of mine) {
    while (stack.length && e.ts >= stack[stack.length - 1]!.end) stack.pop();
    const part = PARTS[e.name];
    if (!part) continue;
    const parent = stack[stack.length - 1];
    if (parent?.part === part) continue;
    const time = e.tdur ?? e.dur!;
    if (parent) cpuParts[parent.part] -= time;
    cpuParts[part] += time;
    stack.push({ end: e.ts + e.dur!, part });
  }
  return {
    tasks: tasks.length,
    wallMs: ms(wall),
    threadMs: ms(cpu),
    longestThreadMs: ms(longest),
    cpuParts: Object.fromEntries(Object.entries(cpuParts).map(([k, v]) => [k, ms(v)])) as Record<Part, number>,
  };
}
