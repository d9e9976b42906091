// What the client throws for a non-2xx answer: the envelope's code, message and issues, plus the
// status and Retry-After, so callers switch on `code` rather than parse messages.
import { isErrorEnvelope, type ErrorEnvelope, type ErrorIssue } from './envelope.js';

export class AuterityApiError extends Error {
  override readonly name = 'AuterityApiError';
  readonly status: number;
  /** The envelope's stable code (`invalid_input`, `not_found`, …); `unexpected_response` when the body was no envelope. */
  readonly code: string;
  readonly issues: ErrorIssue[];
  readonly envelope: ErrorEnvelope;
  /** Seconds to wait before retrying (429, 503), from Retry-After; null when absent. */
  readonly retryAfter: number | null;

  constructor(status: number, envelope: ErrorEnvelope, retryAfter: number | null = null) {
    super(envelope.error.message);
    this.status = status;
    this.code = envelope.error.code;
    this.issues = envelope.error.issues ?? [];
    this.envelope = envelope;
    this.retryAfter = retryAfter;
  }
}

export function isAuterityApiError(value: unknown, code?: string): value is AuterityApiError {
  return value instanceof AuterityApiError && (code === undefined || value.code === code);
}

/** Builds the error for a failed response, whatever its body. */
export async function errorFromResponse(response: Response): Promise<AuterityApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const header = response.headers.get('retry-after');
  const seconds = header !== null && /^\d+$/.test(header.trim()) ? Number(header) : null;
  const envelope: ErrorEnvelope = isErrorEnvelope(body)
    ? body
    : { error: { code: 'unexpected_response', message: `Unexpected response: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.` } };
  return new AuterityApiError(response.status, envelope, seconds);
}
