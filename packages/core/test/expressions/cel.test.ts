import { describe, expect, it } from 'vitest';
import { isAuterityError } from '../../src/errors.js';
import { createExpressionCompiler } from '../../src/expressions/index.js';

const compiler = createExpressionCompiler({ variables: ['input', 'steps'] });

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('expressions (CEL)', () => {
  it('evaluates nested attributes, lists and macros, returning plain numbers', () => {
    const expression = compiler.compile('input.lead.size * 2 + size(input.tags.filter(t, t.startsWith("a")))');
    expect(expression.evaluate({ input: { lead: { size: 4n }, tags: ['ab', 'b', 'ac'] }, steps: {} })).toBe(10);
    expect(compiler.compile('steps.score.output > 10').test({ input: {}, steps: { score: { output: 11 } } })).toBe(true);
  });

  it('compiles once and reuses the program for the same source', () => {
    const a = compiler.compile('input.x == 1');
    const b = compiler.compile('input.x == 1');
    expect(a.test({ input: { x: 1 }, steps: {} })).toBe(true);
    expect(b.test({ input: { x: 2 }, steps: {} })).toBe(false);
  });

  it('reports syntax errors with the path, line and column', () => {
    const error = thrown(() => compiler.compile('input.a &&\n  (input.b', { path: 'steps[2].when' }));
    expect(isAuterityError(error, 'invalid_input')).toBe(true);
    if (!isAuterityError(error)) return;
    expect(error.message).toMatch(/^steps\[2\]\.when: .*line 2, column \d+/);
    expect(error.issues[0]?.path).toBe('steps[2].when');
    expect(error.details.location).toMatchObject({ line: 2 });
  });

  it('rejects unknown variables and non-boolean conditions at compile time', () => {
    expect(() => compiler.compile('user.id == "x"', { path: 'when' })).toThrow(/when: Unknown variable: user/);
    expect(() => compiler.compile('1 + 2', { path: 'when', boolean: true })).toThrow(/when: must be a boolean expression, but its type is int/);
    expect(() => compiler.compile('   ')).toThrow(/non-empty/);
  });

  it('turns runtime failures into located invalid_input errors', () => {
    const expression = compiler.compile('input.missing == 1', { path: 'cond' });
    const error = thrown(() => expression.test({ input: {}, steps: {} }));
    expect(isAuterityError(error, 'invalid_input') && error.message).toMatch(/^cond: No such key: missing \(line 1, column 7\)/);
    expect(() => compiler.compile('input.x', { path: 'cond' }).test({ input: { x: 3 }, steps: {} })).toThrow(/cond: expected a boolean, got number/);
  });

  it('evicts least recently used programs beyond the cache size and still compiles them again', () => {
    const small = createExpressionCompiler({ variables: ['x'], cacheSize: 2 });
    for (let i = 0; i < 5; i++) expect(small.compile(`x == ${i}`).test({ x: i })).toBe(true);
    expect(small.compile('x == 0').test({ x: 0 })).toBe(true);
  });
});
