// Server-sent events for live streams (a run's events): a source async iterable becomes a
// text/event-stream Response with heartbeats (so proxies keep the connection open), resume from
// Last-Event-ID, and one abort path: when the client goes away, the heartbeat timer is cleared, the
// source's signal fires and its iterator is closed, so nothing outlives the connection.
import { isAuterityError } from '@auterity/core';

export interface SseEvent {
  /** Sent as `id:`; the client sends the last one back as Last-Event-ID when it reconnects. */
  id?: string;
  event?: string;
  /** A string is sent as is; anything else as JSON. */
  data: unknown;
}

export interface SseSourceContext {
  /** The id the client last saw (Last-Event-ID header, or `?lastEventId=` for EventSource's first connect). */
  lastEventId: string | null;
  /** Fires when the client disconnects or the stream is cancelled. */
  signal: AbortSignal;
}

export type SseSource = (context: SseSourceContext) => AsyncIterable<SseEvent>;

export interface SseOptions {
  /** Interval of `: heartbeat` comments. Default 15 000 ms. */
  heartbeatMs?: number;
  /** Reconnect delay advised to the client (`retry:`), in ms. */
  retryMs?: number;
  headers?: Record<string, string>;
  /** Called with an error the source threw; the client gets an `error` event with the envelope. */
  onError?: (error: unknown) => void;
}

/** Every event stream's headers: never cached, never held back by a buffering proxy, never sniffed. */
export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-store',
  'x-accel-buffering': 'no',
  'x-content-type-options': 'nosniff',
} as const;

const encoder = new TextEncoder();
const clean = (value: string) => value.replace(/[\r\n]/g, ' ');

/** One event in the wire format: `id:`, `event:`, a `data:` line per line of data, blank line. */
export function formatSseEvent(event: SseEvent): string {
  const data = typeof event.data === 'string' ? event.data : JSON.stringify(event.data);
  let out = '';
  if (event.id !== undefined) out += `id: ${clean(event.id)}\n`;
  if (event.event !== undefined) out += `event: ${clean(event.event)}\n`;
  for (const line of (data ?? '').split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return `${out}\n`;
}

export function lastEventIdOf(request: Request): string | null {
  const header = request.headers.get('last-event-id');
  if (header !== null && header !== '') return header;
  try {
    return new URL(request.url).searchParams.get('lastEventId');
  } catch {
    return null;
  }
}

function errorEvent(error: unknown): SseEvent {
  const body =
    isAuterityError(error) && error.status < 500
      ? { error: { code: error.code, message: error.message } }
      : { error: { code: 'internal', message: 'Internal server error.' } };
  return { event: 'error', data: body };
}

export function sseResponse(request: Request, source: SseSource, options: SseOptions = {}): Response {
  const abort = new AbortController();
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  let iterator: AsyncIterator<SseEvent> | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let finished = false;

  const finish = () => {
    if (finished) return;
    finished = true;
    clearInterval(heartbeat);
    request.signal.removeEventListener('abort', onClientAbort);
    abort.abort();
    void iterator?.return?.()?.catch(() => undefined);
  };
  let streamController: ReadableStreamDefaultController<Uint8Array> | undefined;
  const onClientAbort = () => {
    finish();
    try {
      streamController?.close();
    } catch {
      // already closed or cancelled
    }
  };

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      streamController = controller;
      if (request.signal.aborted) return onClientAbort();
      request.signal.addEventListener('abort', onClientAbort, { once: true });
      // A first comment gets headers and bytes through buffering proxies at once.
      controller.enqueue(encoder.encode(`${options.retryMs !== undefined ? `retry: ${Math.floor(options.retryMs)}\n` : ''}: connected\n\n`));
      heartbeat = setInterval(() => {
        try {
          controller.enqueue(encoder.encode(': heartbeat\n\n'));
        } catch {
          finish();
        }
      }, heartbeatMs);
      iterator = source({ lastEventId: lastEventIdOf(request), signal: abort.signal })[Symbol.asyncIterator]();
    },
    async pull(controller) {
      if (finished || !iterator) return;
      try {
        const next = await iterator.next();
        if (finished) return;
        if (next.done) {
          finish();
          controller.close();
        } else {
          controller.enqueue(encoder.encode(formatSseEvent(next.value)));
        }
      } catch (error) {
        if (finished) return;
        options.onError?.(error);
        controller.enqueue(encoder.encode(formatSseEvent(errorEvent(error))));
        finish();
        controller.close();
      }
    },
    cancel() {
      finish();
    },
  });

  return new Response(body, {
    status: 200,
    headers: { ...SSE_HEADERS, ...options.headers },
  });
}
