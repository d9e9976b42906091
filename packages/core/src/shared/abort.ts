/** What an aborted signal rejects with: its reason, or an `AbortError` as fetch throws when none was given. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}
