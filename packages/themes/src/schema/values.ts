import { isSafeCssValue } from '../tokens/index.js';

// Predicates for the non-colour token values. Deliberately a little stricter than CSS: a theme is
// data passed between tools, and a typo caught at import beats a silently ignored declaration.

const NUMBER = String.raw`(?:\d+\.?\d*|\.\d+)`;
const LENGTH = new RegExp(String.raw`^(?:0|${NUMBER}(?:px|rem|em|%|vw|vh|ch|ex))$`);
const MATH_FUNCTION = /^(?:calc|clamp|min|max)\(.+\)$/;
const DURATION = new RegExp(String.raw`^${NUMBER}(?:ms|s)$`);
const EASING_KEYWORD = /^(?:linear|ease|ease-in|ease-out|ease-in-out|step-start|step-end)$/;
const EASING_FUNCTION = /^(?:cubic-bezier|steps|linear)\([^()]+\)$/;

/** A non-negative CSS length, or calc()/clamp()/min()/max() of lengths. */
export function isCssLength(value: unknown): value is string {
  return isSafeCssValue(value) && (LENGTH.test(value.trim()) || MATH_FUNCTION.test(value.trim()));
}

export function isCssDuration(value: unknown): value is string {
  return typeof value === 'string' && DURATION.test(value.trim());
}

export function isCssEasing(value: unknown): value is string {
  return isSafeCssValue(value) && (EASING_KEYWORD.test(value.trim()) || EASING_FUNCTION.test(value.trim()));
}
