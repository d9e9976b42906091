// The error envelope every route answers with on failure: `{ "error": { "code", "message", "issues"? } }`.

/** One problem with an input, located by its path (`steps.2.input.url`). */
export interface ErrorIssue {
  path: string;
  message: string;
}

/** `{ "error": { "code", "message", "issues"? } }`, the body of every non-2xx response. */
export interface ErrorEnvelope {
  error: {
    /** Stable and machine-readable: `invalid_input`, `not_found`, `conflict`, `quota_exceeded`, … */
    code: string;
    message: string;
    issues?: ErrorIssue[];
  };
}

function isIssue(value: unknown): value is ErrorIssue {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ErrorIssue).path === 'string' &&
    typeof (value as ErrorIssue).message === 'string'
  );
}

/** True when `value` is a well-formed error envelope (e.g. a parsed response body). */
export function isErrorEnvelope(value: unknown): value is ErrorEnvelope {
  if (typeof value !== 'object' || value === null) return false;
  const error = (value as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, issues } = error as { code?: unknown; message?: unknown; issues?: unknown };
  return (
    typeof code === 'string' &&
    typeof message === 'string' &&
    (issues === undefined || (Array.isArray(issues) && issues.every(isIssue)))
  );
}
