// Glob patterns compiled to the cheapest test that implements them: equality, prefix, or a regex.
export type PatternTest = (value: string) => boolean;

const matchAll: PatternTest = () => true;

export function compilePattern(pattern: string): PatternTest {
  if (pattern === '*') return matchAll;
  const star = pattern.indexOf('*');
  if (star === -1) return (value) => value === pattern;
  if (star === pattern.length - 1) {
    const prefix = pattern.slice(0, -1);
    return (value) => value.startsWith(prefix);
  }
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const regex = new RegExp(`^${source}$`, 's');
  return (value) => regex.test(value);
}

export function compilePatterns(patterns: readonly string[]): PatternTest {
  const tests = patterns.map(compilePattern);
  if (tests.includes(matchAll)) return matchAll;
  if (tests.length === 1) return tests[0] as PatternTest;
  return (value) => tests.some((test) => test(value));
}
