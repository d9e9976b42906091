// Browser side of `pnpm bench data-table`: ./run-in-chromium.ts bundles this file with React's
// production build (NODE_ENV=production, minified, like a consumer's app), loads it into a fresh
// Chromium page and calls `run()`.
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { DataTable, type DataTableColumn } from '../../src/data-table/index.js';
import { AuterityProvider } from '../../src/index.js';
import { makeRuns, type Run } from '../../stories/fixtures.js';

export interface BenchOptions {
  rows: number;
  scrolledRows: number;
  rowHeight: number;
  /** Rows scrolled per animation frame. */
  rowsPerFrame: number;
  /** Idle time between the first paint and the scroll (0: scroll at the next frame, as an impatient user). */
  settleMs?: number;
}

export interface BenchFigures {
  settleMs: number;
  /** Longest task while the page idled after its first paint (0 without settleMs). */
  afterPaintLongestTaskMs: number;
  afterPaintTaskTimes: number[][];
  bench: string;
  rows: number;
  react: string;
  firstRenderMs: number;
  firstPaintMs: number;
  scrolledRows: number;
  scrollFrames: number;
  scrollMs: number;
  longTasks: number;
  longestTaskMs: number;
  /** Long tasks as [start ms after the scroll began, duration ms]. */
  longTaskTimes: [number, number][];
  slowestFrameMs: number;
  maxRenderedRows: number;
  lastRenderedIndex: number;
}

const columns: DataTableColumn<Run>[] = [
  { id: 'id', header: 'Run', width: 120 },
  { id: 'workflow', header: 'Workflow' },
  { id: 'tenant', header: 'Tenant' },
  { id: 'status', header: 'Status' },
  { id: 'durationMs', header: 'Duration (ms)', align: 'end' },
  { id: 'cost', header: 'Cost', align: 'end' },
];

const round = (n: number) => Math.round(n * 10) / 10;
const frame = () => new Promise<number>((resolve) => requestAnimationFrame(() => resolve(performance.now())));

export async function run(options: BenchOptions): Promise<BenchFigures> {
  const { rows, scrolledRows, rowHeight, rowsPerFrame, settleMs = 0 } = options;
  // The rows are the host's data, made before the table exists (as a host's fetched data is): the
  // young-generation collection that promotes them is the fixture's cost, not the table's, so it
  // runs here, before anything is measured, instead of landing in the first scroll frames.
  const data = makeRuns(rows);
  (globalThis as { gc?: () => void }).gc?.();
  await frame();
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  const renderedRows = () => container.querySelectorAll<HTMLElement>('tbody tr[data-index]');

  // First render: render() until the DOM is committed (flushSync), then until the next frame.
  const start = performance.now();
  flushSync(() =>
    root.render(
      <AuterityProvider>
        <DataTable data={data} columns={columns} caption="Runs" virtualized height={480} rowHeight={rowHeight} selectable />
      </AuterityProvider>,
    ),
  );
  const committed = performance.now();
  const painted = await frame();
  if (renderedRows().length === 0) throw new Error('DataTable rendered no rows');

  // With `settleMs`, the page idles before the scroll and long tasks in that time are reported on
  // their own (after-paint work: effects, the row window observing its scroller, and V8 collecting
  // the first render's garbage in idle time). Without it the scroll starts at the next frame.
  const settleTasks: PerformanceEntry[] = [];
  if (settleMs > 0) {
    const settleObserver = new PerformanceObserver((list) => {
      settleTasks.push(...list.getEntries());
    });
    settleObserver.observe({ type: 'longtask' });
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    await frame();
    await new Promise((resolve) => setTimeout(resolve, 50)); // let the observer deliver
    settleObserver.disconnect();
  }

  // Scroll through `scrolledRows` rows, a step per frame, recording long tasks (> 50 ms).
  const scroller = container.querySelector<HTMLElement>('.au-data-table__scroll')!;
  const longTasks: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => {
    longTasks.push(...list.getEntries());
  });
  observer.observe({ type: 'longtask' });
  const target = scrolledRows * rowHeight;
  let maxRendered = 0;
  let frames = 0;
  let slowestFrame = 0;
  let previous = await frame();
  const scrollStart = previous;
  performance.mark('au-bench:scroll-start'); // for a recorded trace (./trace.ts)
  while (scroller.scrollTop < target) {
    scroller.scrollTop = Math.min(target, scroller.scrollTop + rowsPerFrame * rowHeight);
    const now = await frame();
    slowestFrame = Math.max(slowestFrame, now - previous);
    previous = now;
    frames++;
    maxRendered = Math.max(maxRendered, renderedRows().length);
  }
  await frame();
  const scrollMs = performance.now() - scrollStart;
  performance.mark('au-bench:scroll-end');
  await new Promise((resolve) => setTimeout(resolve, 100)); // let the observer deliver
  observer.disconnect();
  const indexes = [...renderedRows()].map((row) => Number(row.dataset.index));

  root.unmount();
  container.remove();
  return {
    bench: 'datatable-virtualized',
    rows,
    react: (await import('react')).version,
    firstRenderMs: round(committed - start),
    firstPaintMs: round(painted - start),
    settleMs,
    afterPaintLongestTaskMs: Math.round(Math.max(0, ...settleTasks.map((task) => task.duration))),
    afterPaintTaskTimes: settleTasks.map((task) => [Math.round(task.startTime - painted), Math.round(task.duration)]),
    scrolledRows,
    scrollFrames: frames,
    scrollMs: Math.round(scrollMs),
    longTasks: longTasks.length,
    longestTaskMs: Math.round(Math.max(0, ...longTasks.map((task) => task.duration))),
    longTaskTimes: longTasks.map((task) => [Math.round(task.startTime - scrollStart), Math.round(task.duration)]),
    slowestFrameMs: round(slowestFrame),
    maxRenderedRows: maxRendered,
    lastRenderedIndex: Math.max(...indexes),
  };
}
