// One error type for the whole engine. `code` is stable and machine-readable (the HTTP layer maps
// it to a status and clients switch on it); `message` is for people and names the field at fault.

export const errorCodes = {
  invalid_options: 500,
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  quota_exceeded: 429,
  rate_limited: 429,
  /** An AI provider (or every target of a route) failed. */
  upstream_error: 502,
  unavailable: 503,
  /** An AI provider did not answer in time. */
  upstream_timeout: 504,
  internal: 500,
} as const;

export type AuterityErrorCode = keyof typeof errorCodes;

/** One problem with an input, located by its path (`steps.2.input.url`, `options.database`). */
export interface AuterityIssue {
  path: string;
  message: string;
}

export interface AuterityErrorOptions {
  issues?: AuterityIssue[];
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class AuterityError extends Error {
  override readonly name = 'AuterityError';
  readonly code: AuterityErrorCode;
  readonly issues: AuterityIssue[];
  readonly details: Record<string, unknown>;

  constructor(code: AuterityErrorCode, message: string, options: AuterityErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.issues = options.issues ?? [];
    this.details = options.details ?? {};
  }

  /** The HTTP status this error maps to. */
  get status(): number {
    return errorCodes[this.code];
  }

  toJSON(): { code: AuterityErrorCode; message: string; issues?: AuterityIssue[] } {
    return this.issues.length
      ? { code: this.code, message: this.message, issues: this.issues }
      : { code: this.code, message: this.message };
  }
}

export function isAuterityError(value: unknown, code?: AuterityErrorCode): value is AuterityError {
  return value instanceof AuterityError && (code === undefined || value.code === code);
}
