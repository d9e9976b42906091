// Token values are written into a <style> element. These characters could end a declaration, a
// rule or the element itself (`</style>`), so no token value may contain them.
const UNSAFE_CSS_CHARACTERS = /[;{}<>\\]/;

/** A non-empty value that cannot break out of its CSS declaration. */
export function isSafeCssValue(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '' && !UNSAFE_CSS_CHARACTERS.test(value);
}
