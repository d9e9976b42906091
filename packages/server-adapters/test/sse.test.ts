// The SSE helper: wire format, heartbeats, Last-Event-ID, errors, and that an abort frees everything.
import { AuterityError } from '@auterity/core';
import { describe, expect, it } from 'vitest';
import { formatSseEvent, sseResponse, type SseEvent, type SseSource } from '../src/index.js';
import { deferred, readEvents } from './support/http.js';

const noEvents: AsyncIterable<SseEvent> = { [Symbol.asyncIterator]: () => ({ next: async () => ({ done: true, value: undefined }) }) };

async function readUntil(body: ReadableStream<Uint8Array>, needle: string): Promise<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes(needle)) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  reader.releaseLock();
  return text;
}

describe('formatSseEvent', () => {
  it('writes id, event and one data line per line', () => {
    expect(formatSseEvent({ id: '7', event: 'step.completed', data: 'a\nb' })).toBe('id: 7\nevent: step.completed\ndata: a\ndata: b\n\n');
    expect(formatSseEvent({ data: { n: 1 } })).toBe('data: {"n":1}\n\n');
  });

  it('cannot be broken out of by newlines in id or event', () => {
    expect(formatSseEvent({ id: '1\ndata: forged', event: 'x\r\ny', data: '' })).toBe('id: 1 data: forged\nevent: x  y\ndata: \n\n');
  });
});

describe('sseResponse', () => {
  it('streams events as text/event-stream and ends when the source ends', async () => {
    const response = sseResponse(new Request('http://localhost/'), async function* () {
      yield { id: '1', data: 'one' };
      yield { id: '2', event: 'two', data: { two: 2 } };
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const text = await response.text();
    expect(text).toBe(': connected\n\nid: 1\ndata: one\n\nid: 2\nevent: two\ndata: {"two":2}\n\n');
  });

  it('passes Last-Event-ID (header, or ?lastEventId= for a first EventSource connect) to the source', async () => {
    const seen: (string | null)[] = [];
    const source: SseSource = ({ lastEventId }) => {
      seen.push(lastEventId);
      return noEvents;
    };
    await sseResponse(new Request('http://localhost/', { headers: { 'last-event-id': '41' } }), source).text();
    await sseResponse(new Request('http://localhost/?lastEventId=42'), source).text();
    await sseResponse(new Request('http://localhost/'), source).text();
    expect(seen).toEqual(['41', '42', null]);
  });

  it('sends heartbeat comments while the source is quiet, and an advised retry', async () => {
    const abort = new AbortController();
    const response = sseResponse(
      new Request('http://localhost/', { signal: abort.signal }),
      ({ signal }) => ({
        [Symbol.asyncIterator]: () => ({
          next: () => new Promise<IteratorResult<SseEvent>>((resolve) => signal.addEventListener('abort', () => resolve({ done: true, value: undefined }))),
        }),
      }),
      { heartbeatMs: 5, retryMs: 2500 },
    );
    const text = await readUntil(response.body!, ': heartbeat\n\n');
    expect(text.startsWith('retry: 2500\n: connected\n\n')).toBe(true);
    expect(text).toContain(': heartbeat\n\n');
    abort.abort();
  });

  it('frees everything when the client aborts: the source signal fires, its finally runs, heartbeats stop', async () => {
    const ended = deferred();
    let signalAborted = false;
    const abort = new AbortController();
    const response = sseResponse(
      new Request('http://localhost/', { signal: abort.signal }),
      async function* ({ signal }) {
        try {
          yield { id: '1', data: 'first' };
          await new Promise((resolve) => signal.addEventListener('abort', resolve));
        } finally {
          // Closed either at its yield (iterator.return) or at its await (signal): both free it.
          signalAborted = signal.aborted;
          ended.resolve();
        }
      },
      { heartbeatMs: 1 },
    );
    expect(await readEvents(response.body!, 1)).toEqual([{ id: '1', data: 'first' }]);
    abort.abort();
    await ended.promise;
    expect(signalAborted).toBe(true);
    // The stream is closed: reading drains what was queued, then ends instead of heartbeating forever.
    await readUntil(response.body!, '\u0000never');
  });

  it('frees everything when the response body is cancelled', async () => {
    const ended = deferred();
    const response = sseResponse(new Request('http://localhost/'), async function* ({ signal }) {
      try {
        yield { data: 'x' };
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
      } finally {
        ended.resolve();
      }
    });
    expect(await readEvents(response.body!, 1)).toEqual([{ data: 'x' }]);
    await response.body!.cancel();
    await ended.promise;
  });

  it('turns a failing source into an error event with the envelope, never a stack', async () => {
    const errors: unknown[] = [];
    const failing = (error: Error) =>
      sseResponse(
        new Request('http://localhost/'),
        async function* () {
          yield { id: '1', data: 'ok' };
          throw error;
        },
        { onError: (e) => errors.push(e) },
      ).text();
    const internal = await failing(new Error('db password is hunter2'));
    expect(internal).toContain('event: error\ndata: {"error":{"code":"internal","message":"Internal server error."}}\n\n');
    expect(internal).not.toContain('hunter2');
    const known = await failing(new AuterityError('not_found', 'Run "r1" not found.'));
    expect(known).toContain('data: {"error":{"code":"not_found","message":"Run \\"r1\\" not found."}}');
    expect(errors).toHaveLength(2);
  });
});
