// A local upstream that speaks OpenAI's chat-completions wire format over a real socket, so the official
// `openai` client (and anything built on it) can be tested and benchmarked against programmable
// answers: latency, time to first token, errors with Retry-After, streams cut mid-answer, hangs.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ChatUpstreamBehaviour {
  /** Respond with this HTTP status and an OpenAI error body {error:{message,type,code,param:null}} instead of a completion. */
  status?: number;
  /** The error body's message when `status` is set (default: a message naming the status). */
  errorMessage?: string;
  /** Seconds, sent as `Retry-After` (use with status 429 or 503). */
  retryAfter?: number;
  /** Milliseconds, sent as `retry-after-ms`. */
  retryAfterMs?: number;
  /** Delay before the response headers (non-streaming: before the whole body). */
  latencyMs?: number;
  /** Streaming: delay between headers and the first content chunk (the role chunk goes with it). */
  ttftMs?: number;
  /** Streaming: delay between chunks. */
  chunkDelayMs?: number;
  /** The assistant's answer. Default: `echo(<model>): <content of the last user message>`. */
  content?: string | ((request: RecordedChatRequest) => string);
  /** Streaming: after this many content chunks, destroy the socket (no [DONE], no finish_reason). */
  cutAfterChunks?: number;
  /** Never answer (the socket stays open until the client gives up or the server closes). */
  hang?: boolean;
  /** Override the usage numbers reported. */
  usage?: { prompt_tokens: number; completion_tokens: number };
}

export interface RecordedChatRequest {
  model: string;
  body: Record<string, unknown>;
  headers: Record<string, string>;
  stream: boolean;
  /** Date.now() when the request's body had been read. */
  at: number;
  /** Content of the last user message ('' if none). */
  lastUserMessage: string;
}

export interface ChatUpstream {
  /** Base URL for the openai client, ending in /v1 (e.g. http://127.0.0.1:40123/v1). */
  readonly baseURL: string;
  /** Every chat request received, in order. */
  readonly requests: readonly RecordedChatRequest[];
  /** Programs the answers for `model` ('*' = any model without its own program). An array is a queue: each request takes the next; the last one then repeats. Replaces the previous program of that model. */
  behave(model: string, behaviour: ChatUpstreamBehaviour | ChatUpstreamBehaviour[]): void;
  /** Clears programs and recorded requests. */
  reset(): void;
  /** Number of currently open connections (for leak checks). */
  openConnections(): number;
  /**
   * Chat requests being answered right now: a hang counts until its client gives up. Use this, not
   * openConnections(), to see that a client abandoned a request: Node's fetch may open a fresh idle
   * connection as soon as it drops the aborted one.
   */
  activeRequests(): number;
  close(): Promise<void>;
}

export interface ChatUpstreamOptions {
  /** Listed by GET /v1/models, with every programmed model. Default ['gpt-4o-mini', 'gpt-4o']. */
  models?: string[];
  /** Default true; false for benches and soaks so memory stays flat. */
  recordRequests?: boolean;
}

/** Token count used by the upstream for usage: Math.ceil(chars / 4) per message content, min 1 per message; exported so tests can predict usage. */
export function countUpstreamTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

interface Program {
  queue: ChatUpstreamBehaviour[];
  next: number;
}

const NO_BEHAVIOUR: ChatUpstreamBehaviour = {};
// One SSE event per word (trailing whitespace kept), so the chunks concatenate back to the answer.
const WORD = /\s*\S+\s*/g;

const ERROR_KINDS: Record<number, { type: string; code: string }> = {
  400: { type: 'invalid_request_error', code: 'invalid_request' },
  401: { type: 'invalid_request_error', code: 'invalid_api_key' },
  403: { type: 'permission_error', code: 'permission_denied' },
  404: { type: 'invalid_request_error', code: 'not_found' },
  408: { type: 'timeout_error', code: 'timeout' },
  409: { type: 'conflict_error', code: 'conflict' },
  422: { type: 'invalid_request_error', code: 'unprocessable_entity' },
  429: { type: 'rate_limit_error', code: 'rate_limit_exceeded' },
  503: { type: 'server_error', code: 'service_unavailable' },
};

function errorKind(status: number): { type: string; code: string } {
  return ERROR_KINDS[status] ?? (status >= 500 ? { type: 'server_error', code: 'server_error' } : { type: 'invalid_request_error', code: 'error' });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A message's text: a string, or the text parts of a content array. */
function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    if (isRecord(part) && typeof part.text === 'string') text += part.text;
  }
  return text;
}

function flattenHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function sendError(res: ServerResponse, status: number, message: string, param: string | null = null, code?: string, extraHeaders?: Record<string, string>): void {
  const kind = errorKind(status);
  const body = JSON.stringify({ error: { message, type: kind.type, code: code ?? kind.code, param } });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...extraHeaders });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function createChatUpstream(options: ChatUpstreamOptions = {}): Promise<ChatUpstream> {
  const listedModels = options.models ?? ['gpt-4o-mini', 'gpt-4o'];
  const recordRequests = options.recordRequests ?? true;
  const requests: RecordedChatRequest[] = [];
  const programs = new Map<string, Program>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  let closing: Promise<void> | undefined;
  let completionCounter = 0;
  let active = 0;
  const onResponseClose = () => {
    active -= 1;
  };

  // Pending sleeps are cleared on close: their handlers simply never resume (the socket is gone).
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  const gone = (res: ServerResponse) => closed || res.destroyed;

  function takeBehaviour(model: string): ChatUpstreamBehaviour {
    const program = programs.get(model) ?? programs.get('*');
    if (!program) return NO_BEHAVIOUR;
    const index = Math.min(program.next, program.queue.length - 1);
    if (program.next < program.queue.length) program.next += 1;
    return program.queue[index] ?? NO_BEHAVIOUR;
  }

  function listModels(res: ServerResponse): void {
    const created = Math.floor(Date.now() / 1000);
    const ids = new Set(listedModels);
    for (const model of programs.keys()) if (model !== '*') ids.add(model);
    const body = JSON.stringify({ object: 'list', data: [...ids].map((id) => ({ id, object: 'model', created, owned_by: 'upstream' })) });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  async function chatCompletion(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      sendError(res, 400, 'We could not parse the JSON body of your request.', null, 'invalid_json');
      return;
    }
    if (!isRecord(body)) {
      sendError(res, 400, 'The request body must be a JSON object.', null, 'invalid_json');
      return;
    }
    const model = body.model;
    if (typeof model !== 'string' || model === '') {
      sendError(res, 400, "Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
      return;
    }
    const messages = body.messages;
    if (!Array.isArray(messages)) {
      sendError(res, 400, "Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
      return;
    }

    let promptTokens = 0;
    let lastUserMessage = '';
    for (const message of messages) {
      const text = isRecord(message) ? messageText(message.content) : '';
      promptTokens += countUpstreamTokens(text);
      if (isRecord(message) && message.role === 'user') lastUserMessage = text;
    }
    const stream = body.stream === true;
    const behaviour = takeBehaviour(model);

    // The record is only built when someone will read it, so benches allocate nothing here.
    let record: RecordedChatRequest | undefined;
    if (recordRequests || typeof behaviour.content === 'function') {
      record = { model, body, headers: flattenHeaders(req.headers), stream, at: Date.now(), lastUserMessage };
      if (recordRequests) requests.push(record);
    }

    if (behaviour.hang) return;
    if (behaviour.latencyMs) {
      await sleep(behaviour.latencyMs);
      if (gone(res)) return;
    }

    const headers: Record<string, string> = {};
    if (behaviour.retryAfter !== undefined) headers['retry-after'] = String(behaviour.retryAfter);
    if (behaviour.retryAfterMs !== undefined) headers['retry-after-ms'] = String(behaviour.retryAfterMs);

    if (behaviour.status !== undefined && behaviour.status >= 400) {
      sendError(res, behaviour.status, behaviour.errorMessage ?? `Upstream answered ${behaviour.status} as programmed.`, null, undefined, headers);
      return;
    }

    let content: string;
    if (typeof behaviour.content === 'function') {
      try {
        content = behaviour.content(record as RecordedChatRequest);
      } catch (error) {
        sendError(res, 500, `The programmed content function threw: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
    } else {
      content = behaviour.content ?? `echo(${model}): ${lastUserMessage}`;
    }
    const usage = behaviour.usage ?? { prompt_tokens: promptTokens, completion_tokens: countUpstreamTokens(content) };
    const usageJson = `{"prompt_tokens":${usage.prompt_tokens},"completion_tokens":${usage.completion_tokens},"total_tokens":${usage.prompt_tokens + usage.completion_tokens}}`;
    const id = `chatcmpl-upstream${(completionCounter += 1)}`;
    const created = Math.floor(Date.now() / 1000);
    const modelJson = JSON.stringify(model);

    if (!stream) {
      const json =
        `{"id":"${id}","object":"chat.completion","created":${created},"model":${modelJson},` +
        `"choices":[{"index":0,"message":{"role":"assistant","content":${JSON.stringify(content)},"refusal":null},"finish_reason":"stop","logprobs":null}],` +
        `"usage":${usageJson}}`;
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(json));
      res.writeHead(behaviour.status ?? 200, headers);
      res.end(json);
      return;
    }

    const streamOptions = body.stream_options;
    const includeUsage = isRecord(streamOptions) && streamOptions.include_usage === true;
    // With include_usage the real API sends `usage: null` on every chunk before the usage chunk.
    const chunkHead = `data: {"id":"${id}","object":"chat.completion.chunk","created":${created},"model":${modelJson},`;
    const chunkTail = includeUsage ? ',"usage":null}\n\n' : '}\n\n';
    const deltaChunk = (delta: string, finishReason: string) =>
      `${chunkHead}"choices":[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finishReason}}]${chunkTail}`;

    headers['content-type'] = 'text/event-stream';
    headers['cache-control'] = 'no-cache';
    res.writeHead(behaviour.status ?? 200, headers);
    // Headers go out now only when the first chunk is held back; otherwise they share its packet.
    if (behaviour.ttftMs) res.flushHeaders();

    const pieces = content.match(WORD) ?? (content === '' ? [] : [content]);
    const cutAfter = behaviour.cutAfterChunks;
    if (behaviour.ttftMs) {
      await sleep(behaviour.ttftMs);
      if (gone(res)) return;
    }
    // The role chunk goes out with the first content chunk, so time-to-first-chunk is ttftMs however it is measured.
    let pending = deltaChunk('{"role":"assistant","content":""}', 'null');
    for (let index = 0; index <= pieces.length; index += 1) {
      if (cutAfter !== undefined && index >= cutAfter) {
        // Flush what the client should see, then drop the connection mid-body (chunked encoding
        // left unterminated), as a crashing upstream or a broken proxy would.
        res.write(pending, () => res.socket?.destroy());
        return;
      }
      if (index === pieces.length) break;
      if (index > 0 && behaviour.chunkDelayMs) {
        res.write(pending);
        pending = '';
        await sleep(behaviour.chunkDelayMs);
        if (gone(res)) return;
      }
      pending += deltaChunk(`{"content":${JSON.stringify(pieces[index])}}`, 'null');
    }
    if (behaviour.chunkDelayMs) {
      res.write(pending);
      pending = '';
      await sleep(behaviour.chunkDelayMs);
      if (gone(res)) return;
    }
    pending += deltaChunk('{}', '"stop"');
    if (includeUsage) pending += `${chunkHead}"choices":[],"usage":${usageJson}}\n\n`;
    res.end(`${pending}data: [DONE]\n\n`);
  }

  const server = createServer((req, res) => {
    req.on('error', () => {});
    res.on('error', () => {});
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    if (req.method === 'POST' && path === '/v1/chat/completions') {
      active += 1;
      res.once('close', onResponseClose);
      chatCompletion(req, res).catch(() => {
        if (!res.headersSent && !res.destroyed) sendError(res, 500, 'The upstream failed to read the request.');
        else res.destroy();
      });
    } else if (req.method === 'GET' && path === '/v1/models') {
      listModels(res);
    } else {
      sendError(res, 404, `Invalid URL (${req.method ?? 'GET'} ${path})`, null, 'unknown_url');
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    behave(model, behaviour) {
      const queue = Array.isArray(behaviour) ? behaviour : [behaviour];
      programs.set(model, { queue: queue.length > 0 ? [...queue] : [NO_BEHAVIOUR], next: 0 });
    },
    reset() {
      programs.clear();
      requests.length = 0; // in place: callers may hold the array
    },
    openConnections: () => sockets.size,
    activeRequests: () => active,
    close() {
      if (closing) return closing;
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      // Resolve once every socket has emitted 'close', so openConnections() is 0 afterwards.
      const waits = [new Promise<void>((resolve) => server.close(() => resolve()))];
      for (const socket of sockets) {
        waits.push(new Promise<void>((resolve) => socket.once('close', () => resolve())));
        socket.destroy();
      }
      closing = Promise.all(waits).then(() => undefined);
      return closing;
    },
  };
}
