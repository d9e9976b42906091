// A fetch over node:http(s) for the openai client. The global fetch keeps reading a response body
// after its request is aborted (the socket stays busy until the upstream finishes, and a streaming
// upstream goes on generating tokens); this one destroys the socket at once, and `close()` drops
// the keep-alive pool.
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';

export interface HttpFetch {
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  close(): void;
}

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

function requestBody(body: RequestInit['body']): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError('this fetch sends string or byte bodies only');
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

export function createHttpFetch(): HttpFetch {
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  const fetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      const signal = init.signal ?? undefined;
      if (signal?.aborted) {
        reject(abortError(signal));
        return;
      }
      let body: string | Uint8Array | undefined;
      try {
        body = requestBody(init.body);
      } catch (error) {
        reject(error);
        return;
      }
      const headers: Record<string, string> = {};
      new Headers(init.headers).forEach((value, name) => {
        headers[name] = value;
      });
      const secure = url.protocol === 'https:';
      const request = (secure ? https : http).request(url, { method: init.method ?? 'GET', headers, agent: secure ? agents.https : agents.http });
      const onAbort = () => request.destroy(signal ? (abortError(signal) as Error) : undefined);
      signal?.addEventListener('abort', onAbort, { once: true });
      const unlink = () => signal?.removeEventListener('abort', onAbort);
      request.once('error', (error) => {
        unlink();
        reject(signal?.aborted ? abortError(signal) : error);
      });
      request.once('response', (response) => {
        response.once('close', unlink);
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(response.headers)) {
          if (Array.isArray(value)) for (const item of value) responseHeaders.append(name, item);
          else if (value !== undefined) responseHeaders.set(name, value);
        }
        const status = response.statusCode ?? 502;
        const stream = NULL_BODY_STATUSES.has(status) ? null : (Readable.toWeb(response) as ReadableStream<Uint8Array>);
        if (!stream) response.resume();
        resolve(new Response(stream, { status, statusText: response.statusMessage ?? '', headers: responseHeaders }));
      });
      request.end(body);
    });
  return {
    fetch,
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
