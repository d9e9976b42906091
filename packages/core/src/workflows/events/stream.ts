// The per-run event stream: everything persisted after `after`, then new events as they are
// persisted, until the run ends. Sequence numbers have no gaps, so a reader that reconnects with the
// last seq it saw (SSE Last-Event-ID) misses nothing and sees nothing twice.
import { TERMINAL_RUN } from '../machines/lifecycles.js';
import type { RunEvent, WorkflowStore } from '../store/types.js';

export interface RunEventStreamOptions {
  /** Resume after this sequence number. Default 0 (from the start). */
  after?: number;
  /** Keep following until the run ends. Default true; false yields what is stored and stops. */
  follow?: boolean;
  signal?: AbortSignal;
}

export interface StreamSource {
  store: WorkflowStore;
  /** Registers a listener for "new events of this run were persisted here"; returns its remover. */
  onPersisted(tenantId: string, runId: string, listener: () => void): () => void;
  /** Fallback poll for events persisted by other engines. */
  pollMs: number;
}

export async function* runEventStream(source: StreamSource, tenantId: string, runId: string, options: RunEventStreamOptions = {}): AsyncGenerator<RunEvent> {
  let after = options.after ?? 0;
  const follow = options.follow ?? true;
  for (;;) {
    options.signal?.throwIfAborted();
    let wake: (() => void) | undefined;
    let notified = false;
    const off = source.onPersisted(tenantId, runId, () => {
      notified = true;
      wake?.();
    });
    try {
      const events = await source.store.readEvents(tenantId, runId, after, 500);
      for (const event of events) {
        after = event.seq;
        yield event;
      }
      if (events.length === 500) continue;
      if (!follow) return;
      const run = await source.store.loadRun(tenantId, runId);
      if (!run || (TERMINAL_RUN.has(run.status) && run.seq <= after)) return;
      if (notified) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, source.pollMs);
        timer.unref();
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
        options.signal?.addEventListener('abort', wake, { once: true });
      });
    } finally {
      off();
    }
  }
}
