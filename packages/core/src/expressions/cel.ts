// CEL (Common Expression Language) for conditions: policy rules today, workflow `when` and trigger
// filters later. Sources are parsed and type-checked once and cached; the compiled form is then
// evaluated many times against plain JSON-like bindings.
import { Environment, type ParseResult } from '@marcbachmann/cel-js';
import { AuterityError } from '../errors.js';

/** Where in the source an expression went wrong (0-based offset, 1-based line and column). */
export interface ExpressionLocation {
  offset: number;
  line: number;
  column: number;
}

export interface CompileOptions {
  /** Names the expression in error messages and issues, e.g. `rules[3].condition`. */
  path?: string;
  /** Reject at compile time an expression whose static type cannot be a boolean. */
  boolean?: boolean;
}

/** A parsed and type-checked expression, safe to evaluate concurrently and repeatedly. */
export interface CompiledExpression {
  readonly source: string;
  /** Evaluates against `bindings`; throws an `invalid_input` AuterityError naming the location. */
  evaluate(bindings: Readonly<Record<string, unknown>>): unknown;
  /** Like `evaluate`, but the result must be a boolean. */
  test(bindings: Readonly<Record<string, unknown>>): boolean;
}

export interface ExpressionCompilerOptions {
  /** Root variables expressions may use; any other name is a compile error. */
  variables: readonly string[];
  /** Compiled expressions kept (least recently used are dropped first). Default 1000. */
  cacheSize?: number;
}

export interface ExpressionCompiler {
  readonly variables: readonly string[];
  compile(source: string, options?: CompileOptions): CompiledExpression;
}

interface CelError {
  summary?: string;
  message: string;
  range?: { start: number; end: number };
}

function isCelError(error: unknown): error is Error & CelError {
  return error instanceof Error && ['ParseError', 'EvaluationError', 'TypeError'].includes(error.name);
}

export function locate(source: string, offset: number): ExpressionLocation {
  const before = source.slice(0, Math.max(0, Math.min(offset, source.length)));
  const lines = before.split('\n');
  return { offset, line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

function expressionError(source: string, error: CelError, path: string | undefined, phase: 'compile' | 'evaluate'): AuterityError {
  const reason = error.summary ?? error.message.split('\n')[0] ?? 'invalid expression';
  const location = error.range ? locate(source, error.range.start) : undefined;
  const where = location ? ` (line ${location.line}, column ${location.column})` : '';
  const issuePath = path ?? 'expression';
  const message = `${issuePath}: ${reason}${where}`;
  return new AuterityError('invalid_input', message, {
    issues: [{ path: issuePath, message: `${reason}${where}` }],
    details: { expression: source, phase, ...(location ? { location } : {}) },
    cause: error,
  });
}

// CEL integers come back as bigint; callers get plain numbers whenever that loses nothing.
function toPlain(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }
  if (Array.isArray(value)) return value.map(toPlain);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), toPlain(v)]));
  return value;
}

class CelExpression implements CompiledExpression {
  constructor(
    readonly source: string,
    private readonly program: ParseResult,
    private readonly path: string | undefined,
  ) {}

  private run(bindings: Readonly<Record<string, unknown>>): unknown {
    try {
      return this.program(bindings);
    } catch (error) {
      if (isCelError(error)) throw expressionError(this.source, error, this.path, 'evaluate');
      throw error;
    }
  }

  evaluate(bindings: Readonly<Record<string, unknown>>): unknown {
    return toPlain(this.run(bindings));
  }

  test(bindings: Readonly<Record<string, unknown>>): boolean {
    const result = this.run(bindings);
    if (typeof result !== 'boolean') {
      const reason = `expected a boolean, got ${typeof result === 'bigint' ? 'int' : typeof result}`;
      throw new AuterityError('invalid_input', `${this.path ?? 'expression'}: ${reason}`, {
        issues: [{ path: this.path ?? 'expression', message: reason }],
        details: { expression: this.source, phase: 'evaluate' },
      });
    }
    return result;
  }
}

export function createExpressionCompiler(options: ExpressionCompilerOptions): ExpressionCompiler {
  const environment = new Environment({ unlistedVariablesAreDyn: false, homogeneousAggregateLiterals: false });
  for (const name of options.variables) environment.registerVariable(name, 'dyn');
  const cacheSize = options.cacheSize ?? 1000;
  // Keyed by source only: the path is presentation, so a cached program is re-wrapped with it.
  const programs = new Map<string, { program: ParseResult; type: string }>();

  function parseAndCheck(source: string, path: string | undefined): { program: ParseResult; type: string } {
    const cached = programs.get(source);
    if (cached) {
      programs.delete(source);
      programs.set(source, cached);
      return cached;
    }
    let program: ParseResult;
    try {
      program = environment.parse(source);
    } catch (error) {
      if (isCelError(error)) throw expressionError(source, error, path, 'compile');
      throw error;
    }
    const checked = program.check();
    if (!checked.valid && checked.error) throw expressionError(source, checked.error, path, 'compile');
    const entry = { program, type: checked.type ?? 'dyn' };
    programs.set(source, entry);
    if (programs.size > cacheSize) {
      const oldest = programs.keys().next().value;
      if (oldest !== undefined) programs.delete(oldest);
    }
    return entry;
  }

  return {
    variables: [...options.variables],
    compile(source, compileOptions = {}) {
      if (typeof source !== 'string' || source.trim() === '') {
        const path = compileOptions.path ?? 'expression';
        throw new AuterityError('invalid_input', `${path}: expression must be a non-empty string`, {
          issues: [{ path, message: 'expression must be a non-empty string' }],
        });
      }
      const { program, type } = parseAndCheck(source, compileOptions.path);
      if (compileOptions.boolean && type !== 'bool' && type !== 'dyn') {
        const path = compileOptions.path ?? 'expression';
        const reason = `must be a boolean expression, but its type is ${type}`;
        throw new AuterityError('invalid_input', `${path}: ${reason}`, { issues: [{ path, message: reason }], details: { expression: source } });
      }
      return new CelExpression(source, program, compileOptions.path);
    },
  };
}
