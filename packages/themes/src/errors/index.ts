/** Renders a received value for an error message: strings quoted (and cut), anything else by kind. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

/**
 * Throws the package's one error shape, `<where>: expected <what>, got <value>`, so every bad
 * input names the option or token path at fault and what would have been accepted.
 */
export function invalid(where: string, expected: string, value: unknown): never {
  throw new TypeError(`${where}: expected ${expected}, got ${describe(value)}`);
}
