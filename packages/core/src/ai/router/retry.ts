// Which failures are worth another attempt, how long to wait before it, and what the upstream asked
// for (Retry-After). Retries are ours alone: the openai client runs with maxRetries 0.
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';

export interface FailureInfo {
  /** HTTP status, or a short code: 'timeout', 'connection', 'stream_cut', 'error'. */
  code: string;
  status: number | undefined;
  /** Worth trying the same target again (and counted against its breaker). */
  retryable: boolean;
  timeout: boolean;
  /** Milliseconds the upstream asked us to wait (429/503 only). */
  retryAfterMs: number | undefined;
  message: string;
}

export class AttemptTimeout extends Error {
  override readonly name = 'AttemptTimeout';
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

/** A stream that ended before a finish_reason, or failed mid-way. */
export class StreamCut extends Error {
  override readonly name = 'StreamCut';
}

function header(headers: unknown, name: string): string | null {
  if (headers && typeof (headers as Headers).get === 'function') return (headers as Headers).get(name);
  return null;
}

/** `retry-after-ms`, else `Retry-After` as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(headers: unknown, now: number): number | undefined {
  const ms = header(headers, 'retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const after = header(headers, 'retry-after');
  if (after === null || after.trim() === '') return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function classifyFailure(error: unknown, now: number): FailureInfo {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof AttemptTimeout || error instanceof APIConnectionTimeoutError) {
    return { code: 'timeout', status: undefined, retryable: true, timeout: true, retryAfterMs: undefined, message };
  }
  if (error instanceof StreamCut) return { code: 'stream_cut', status: undefined, retryable: true, timeout: false, retryAfterMs: undefined, message };
  if (error instanceof APIUserAbortError) return { code: 'aborted', status: undefined, retryable: false, timeout: false, retryAfterMs: undefined, message };
  if (error instanceof APIConnectionError) return { code: 'connection', status: undefined, retryable: true, timeout: false, retryAfterMs: undefined, message };
  if (error instanceof APIError && typeof error.status === 'number') {
    const status = error.status;
    const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
    const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(error.headers, now) : undefined;
    return { code: String(status), status, retryable, timeout: status === 408, retryAfterMs, message };
  }
  // A body that broke while being read (socket reset, upstream gone) surfaces as a plain error.
  if (isConnectionLoss(error)) return { code: 'connection', status: undefined, retryable: true, timeout: false, retryAfterMs: undefined, message };
  return { code: 'error', status: undefined, retryable: true, timeout: false, retryAfterMs: undefined, message };
}

/** Exponential backoff with full jitter: a random wait up to min(maxDelayMs, baseDelayMs * 2^(retry-1)). */
export function backoffDelay(retry: number, baseDelayMs: number, maxDelayMs: number, random: () => number): number {
  const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * cap);
}

/** Waits `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function isConnectionLoss(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 4; current = current.cause, depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^(E[A-Z]+|ERR_STREAM_PREMATURE_CLOSE|UND_ERR_SOCKET)$/.test(code)) return true;
    if (current.message === 'aborted' || current.message === 'terminated') return true;
  }
  return false;
}
