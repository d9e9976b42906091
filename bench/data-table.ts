// pnpm bench data-table [--runs N] [--trace]: the virtualised DataTable of @auterity/react with 100,000 rows
// in headless Chromium (React's production build, minified, as users run it): first render (render
// call to committed DOM) and the longest main-thread task (PerformanceObserver "longtask", i.e.
// > 50 ms) while scrolling through 10,000 rows, 25 rows a frame, starting at the frame after the
// first paint (with --settle MS, after the page has idled that long; long tasks in that time are
// then reported on their own). Each run is a fresh page; the 100,000 rows are made, and their
// garbage collected, before the render starts (they stand for the host's data). The
// peers are the targets: first render <= 150 ms, no long task over 50 ms while scrolling. One JSON
// line per run, then the medians and worst values; the last line is the summary. With --trace,
// each run also records a Chromium performance trace and breaks its long tasks down into script,
// style, layout, paint and GC with their main-thread CPU time (tracing slows the page a little).
import path from 'node:path';
import { pathToFileURL } from 'node:url';

interface Figures {
  firstRenderMs: number;
  longestTaskMs: number;
  scrollFrames: number;
  traceMainThread?: { threadMs: number; cpuParts: Record<string, number> };
  [figure: string]: unknown;
}
interface Runner {
  runDataTableBench(
    options: { rows: number; scrolledRows: number; rowHeight: number; rowsPerFrame: number; settleMs: number },
    runs: number,
    onRun: (figures: Figures, index: number) => void,
    settings?: { trace?: boolean },
  ): Promise<Figures[]>;
}

const FIRST_RENDER_TARGET_MS = 150;
const LONG_TASK_TARGET_MS = 50;
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;
const trace = process.argv.includes('--trace');
const settleArg = process.argv.indexOf('--settle');
const settleMs = settleArg > 0 ? Number(process.argv[settleArg + 1]) : 0;

// The harness lives with the React package (its browser code, Chromium launcher and bundler).
const runnerPath = path.resolve(import.meta.dirname, '../packages/react/test/bench/run-in-chromium.ts');
const { runDataTableBench } = (await import(pathToFileURL(runnerPath).href)) as Runner;

const emit = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const round = (n: number) => Math.round(n * 100) / 100;

const results = await runDataTableBench({ rows: 100_000, scrolledRows: 10_000, rowHeight: 40, rowsPerFrame: 25, settleMs }, runs, (figures, index) =>
  emit({ run: index + 1, ...figures }),
  { trace },
);
const firstRender = results.map((r) => r.firstRenderMs);
const longestTask = results.map((r) => r.longestTaskMs);
const line = (metric: string, value: number, target: number) =>
  emit({ bench: 'data-table', metric, value: round(value), unit: 'ms', peer: `target (<= ${target} ms)`, peerValue: target, ratio: round(value / target) });
// With --trace: the main thread's CPU time per scroll frame (all tasks), in total and by kind.
if (trace) {
  const perFrame = (pick: (r: Figures) => number) => round(median(results.map((r) => pick(r) / r.scrollFrames)));
  const parts = Object.keys(results[0]?.traceMainThread?.cpuParts ?? {});
  emit({
    metric: `main-thread CPU per scroll frame, median of ${runs}`,
    unit: 'ms',
    total: perFrame((r) => r.traceMainThread?.threadMs ?? 0),
    ...Object.fromEntries(parts.map((part) => [part, perFrame((r) => r.traceMainThread?.cpuParts[part] ?? 0)])),
  });
}
line(`first render, median of ${runs}`, median(firstRender), FIRST_RENDER_TARGET_MS);
line(`first render, worst of ${runs}`, Math.max(...firstRender), FIRST_RENDER_TARGET_MS);
const scrolling = `longest task while scrolling 10,000 rows${settleMs > 0 ? ` (after ${settleMs} ms idle)` : ''}`;
if (settleMs > 0) {
  const afterPaint = results.map((r) => Number(r['afterPaintLongestTaskMs'] ?? 0));
  line(`longest task in the ${settleMs} ms idle after first paint, worst of ${runs}`, Math.max(...afterPaint), LONG_TASK_TARGET_MS);
}
line(`${scrolling}, median of ${runs}`, median(longestTask), LONG_TASK_TARGET_MS);
line(`${scrolling}, worst of ${runs}`, Math.max(...longestTask), LONG_TASK_TARGET_MS);
