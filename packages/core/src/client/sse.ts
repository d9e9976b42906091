// Server-sent events over fetch (EventSource cannot send Authorization): parses the stream, and
// when the connection drops, reconnects after the advised delay with Last-Event-ID, so no event
// is missed or repeated. A 204 answer or the caller's abort ends the subscription.
import { errorFromResponse } from './error.js';

export interface ServerSentEvent {
  /** The event's id, if the server sent one. */
  id?: string;
  /** `message` unless the server named it. */
  event: string;
  data: string;
}

export interface SubscribeOptions {
  signal?: AbortSignal;
  /** Resume after this id (e.g. one stored from a previous session). */
  lastEventId?: string;
  /** Delay before reconnecting, in ms, until the server advises one with `retry:`. Default 1000. */
  retryMs?: number;
  /** Reconnect when the connection drops or the server ends the stream. Default true. */
  reconnect?: boolean;
}

export interface SseConnection {
  fetch: typeof fetch;
  url: string;
  headers(): Promise<Headers>;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Parses an event stream into events; `onRetry` reports `retry:`. */
export async function* parseEventStream(body: ReadableStream<Uint8Array>, onRetry: (ms: number) => void): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let event = '';
  let id: string | undefined;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let newline: RegExpExecArray | null;
      while ((newline = /\r\n|\r|\n/.exec(buffer)) !== null) {
        // A lone "\r" at the end of the buffer may be the first half of "\r\n": wait for more.
        if (newline[0] === '\r' && newline.index === buffer.length - 1) break;
        const line = buffer.slice(0, newline.index);
        buffer = buffer.slice(newline.index + newline[0].length);
        if (line === '') {
          if (data.length) yield { ...(id !== undefined && { id }), event: event || 'message', data: data.join('\n') };
          data = [];
          event = '';
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        const text = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') data.push(text);
        else if (field === 'event') event = text;
        else if (field === 'id' && !text.includes('\u0000')) id = text;
        else if (field === 'retry' && /^\d+$/.test(text)) onRetry(Number(text));
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

export async function* subscribe(connection: SseConnection, options: SubscribeOptions = {}): AsyncGenerator<ServerSentEvent> {
  const { signal } = options;
  let lastEventId = options.lastEventId;
  let retryMs = options.retryMs ?? 1000;
  const reconnect = options.reconnect ?? true;
  for (;;) {
    if (signal?.aborted) return;
    const headers = await connection.headers();
    headers.set('accept', 'text/event-stream');
    if (lastEventId !== undefined) headers.set('last-event-id', lastEventId);
    let response: Response;
    try {
      response = await connection.fetch(connection.url, { headers, ...(signal && { signal }) });
    } catch (error) {
      if (signal?.aborted) return;
      if (!reconnect) throw error;
      await sleep(retryMs, signal);
      continue;
    }
    if (response.status === 204) return;
    if (!response.ok) {
      // 4xx will not get better by retrying; 5xx may (a restarting server).
      if (response.status < 500 || !reconnect) throw await errorFromResponse(response);
      await response.body?.cancel().catch(() => undefined);
      await sleep(retryMs, signal);
      continue;
    }
    if (!response.body) return;
    try {
      for await (const event of parseEventStream(response.body, (ms) => (retryMs = ms))) {
        if (signal?.aborted) return;
        if (event.id !== undefined) lastEventId = event.id;
        yield event;
      }
    } catch (error) {
      if (signal?.aborted) return;
      if (!reconnect) throw error;
    }
    if (!reconnect || signal?.aborted) return;
    await sleep(retryMs, signal);
  }
}
