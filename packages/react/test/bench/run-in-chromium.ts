// Runs the DataTable benchmark harness in headless Chromium (Debian's, never a downloaded one):
// bundles it for production, serves it with the kit's stylesheet from a local HTTP server and
// calls `run()` in a fresh page per run, so every first render starts cold.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { bundleDataTableHarness } from './bundle.js';
import type { BenchFigures, BenchOptions, run } from './datatable-harness.js';
import { longTaskBreakdown, mainThreadTotals, TRACE_CATEGORIES, type LongTaskBreakdown, type TraceEvent } from './trace.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const executablePath = process.env.AUTERITY_CHROMIUM ?? '/usr/bin/chromium';

/** What a traced run adds: the scroll's long tasks broken down, and the main thread's totals. */
export interface TraceFigures {
  traceLongTasks: LongTaskBreakdown[];
  traceMainThread: ReturnType<typeof mainThreadTotals>;
}

/**
 * Runs the harness `runs` times, a fresh page each. With `trace`, each run also records a Chromium
 * performance trace (which slows the page a little) and reports what its long tasks are made of.
 */
export async function runDataTableBench(
  options: BenchOptions,
  runs: number,
  onRun: (figures: BenchFigures & Partial<TraceFigures>, index: number) => void = () => {},
  { trace = false }: { trace?: boolean } = {},
): Promise<(BenchFigures & Partial<TraceFigures>)[]> {
  const files: Record<string, [string, string]> = {
    '/': ['text/html', '<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="stylesheet" href="/styles.css"></head><body></body></html>'],
    '/styles.css': ['text/css', readFileSync(path.join(here, '../../src/styles.css'), 'utf8')],
    '/harness.js': ['text/javascript', await bundleDataTableHarness()],
  };
  const server = createServer((request, response) => {
    const file = files[request.url ?? '/'];
    if (!file) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': `${file[0]}; charset=utf-8` }).end(file[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath,
    // --expose-gc: the harness collects its own fixture's garbage before it measures the table.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--js-flags=--expose-gc'],
  });
  const results: (BenchFigures & Partial<TraceFigures>)[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(origin);
      if (trace) await browser.startTracing(page, { categories: TRACE_CATEGORIES });
      const figures: BenchFigures & Partial<TraceFigures> = await page.evaluate(async (opts) => {
        const harness = (await import('/harness.js' as string)) as { run: typeof run };
        return harness.run(opts);
      }, options);
      if (trace) {
        const { traceEvents } = JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] };
        const scrollEvents = scrollWindow(traceEvents);
        figures.traceLongTasks = longTaskBreakdown(scrollEvents);
        figures.traceMainThread = mainThreadTotals(scrollEvents);
      }
      await context.close();
      results.push(figures);
      onRun(figures, i);
    }
  } finally {
    await browser.close();
    server.close();
  }
  return results;
}

// The events between the harness's scroll-start and scroll-end marks (user timing in the trace).
function scrollWindow(events: TraceEvent[]): TraceEvent[] {
  const mark = (name: string) => events.find((e) => e.name === name)?.ts;
  const start = mark('au-bench:scroll-start');
  const end = mark('au-bench:scroll-end');
  if (start === undefined || end === undefined) throw new Error('trace: the harness marks around the scroll are missing');
  return events.filter((e) => e.ph === 'M' || (e.ts >= start && e.ts <= end));
}
