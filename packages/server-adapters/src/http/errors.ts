// Every failure leaves the handler as the DESIGN §7 envelope `{ error: { code, message, issues? } }`.
// Engine errors keep their code and status; anything unexpected becomes a generic 500 whose details
// go to the log only, so no stack trace or internal message ever reaches a client.
import { isAuterityError } from '@auterity/core';
import { lazyJsonResponse } from './fast-path.js';

export interface Issue {
  path: string;
  message: string;
}

/** An HTTP-level failure raised by the handler itself (routing, auth, body parsing, limits). */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: Issue[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Logs what a client must not see. Defaults to console.error. */
export type ErrorLogger = (message: string, error: unknown) => void;

const encoder = new TextEncoder();

/**
 * A JSON response with an explicit Content-Length, so every adapter sends the same headers. Built
 * lazily: the Node bridge writes the bytes straight out; anyone else gets a real Response on first use.
 */
export function jsonResponse(status: number, body: unknown, headers?: Record<string, string>): Response {
  const bytes = encoder.encode(JSON.stringify(body));
  const all: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(bytes.byteLength),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  };
  if (headers) for (const name in headers) all[name] = headers[name]!;
  return lazyJsonResponse({ status, headers: all, bytes });
}

function envelope(code: string, message: string, issues: Issue[]) {
  return { error: issues.length ? { code, message, issues } : { code, message } };
}

/**
 * Seconds to wait before retrying, from an engine error's details (`retryAfter` s, `retryAfterMs`,
 * or `resetsAt` epoch ms); null when the limit never resets (a retry cannot succeed by waiting).
 */
function retryAfterSeconds(details: Record<string, unknown>, now: number): number | null {
  const { retryAfter, retryAfterMs, resetsAt } = details;
  if (typeof retryAfter === 'number' && Number.isFinite(retryAfter)) return Math.max(1, Math.ceil(retryAfter));
  if (typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs)) return Math.max(1, Math.ceil(retryAfterMs / 1000));
  if (typeof resetsAt === 'number' && Number.isFinite(resetsAt)) return Math.max(1, Math.ceil((resetsAt - now) / 1000));
  return 'resetsAt' in details ? null : 1;
}

const PASSED_THROUGH_5XX: ReadonlySet<string> = new Set(['unavailable', 'upstream_error', 'upstream_timeout']);

export function errorResponse(error: unknown, log: ErrorLogger): Response {
  if (error instanceof HttpError) {
    return jsonResponse(error.status, envelope(error.code, error.message, error.issues), error.headers);
  }
  if (isAuterityError(error)) {
    const status = error.status;
    // A 5xx from the engine is a server problem (bad options, a bug): log it, say nothing specific.
    // Unavailability and an AI provider's failure (502) or timeout (504) are the client's to know.
    if (status >= 500 && !PASSED_THROUGH_5XX.has(error.code)) return internal(error, log);
    const headers: Record<string, string> = {};
    const retryAfter = status === 429 ? retryAfterSeconds(error.details, Date.now()) : null;
    if (retryAfter !== null) headers['retry-after'] = String(retryAfter);
    if (status === 401) headers['www-authenticate'] = 'Bearer';
    return jsonResponse(status, envelope(error.code, error.message, error.issues), headers);
  }
  return internal(error, log);
}

function internal(error: unknown, log: ErrorLogger): Response {
  try {
    log('auterity: unexpected error while handling a request', error);
  } catch {
    // A failing logger must not turn a 500 into a crash.
  }
  return jsonResponse(500, envelope('internal', 'Internal server error.', []));
}

export const notFound = (message: string) => new HttpError(404, 'not_found', message);
export const unauthorized = (message: string) => new HttpError(401, 'unauthorized', message, [], { 'www-authenticate': 'Bearer' });
export const forbidden = (message: string) => new HttpError(403, 'forbidden', message);
