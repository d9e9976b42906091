// JSONata for data mapping: the `transform` action and any workflow input value written as
// `{ "$expr": "..." }`. Like cel.ts: sources are parsed once and cached; errors name the path and
// the position of the problem. Evaluation is bounded in time and depth (JSONata can recurse).
import jsonata from 'jsonata';
import { AuterityError } from '../errors.js';
import { locate, type ExpressionLocation } from './cel.js';

export interface JsonataCompileOptions {
  /** Names the expression in error messages and issues, e.g. `steps[0].input.expression`. */
  path?: string;
}

/** A parsed JSONata expression, safe to evaluate concurrently and repeatedly. */
export interface CompiledJsonata {
  readonly source: string;
  /** Evaluates against `data` (the root `$`); `undefined` results become `null`. */
  evaluate(data: unknown): Promise<unknown>;
}

export interface JsonataCompiler {
  compile(source: string, options?: JsonataCompileOptions): CompiledJsonata;
}

export interface JsonataCompilerOptions {
  /** Compiled expressions kept (least recently used dropped first). Default 1000. */
  cacheSize?: number;
  /** Longest evaluation in ms before it is stopped. Default 1000. */
  timeoutMs?: number;
  /** Deepest recursion allowed. Default 200. */
  maxDepth?: number;
}

interface JsonataErrorShape {
  code?: string;
  position?: number;
  token?: string;
  message: string;
}

function describe(error: unknown): JsonataErrorShape {
  if (typeof error === 'object' && error !== null && 'message' in error) return error as JsonataErrorShape;
  return { message: String(error) };
}

function jsonataError(source: string, error: unknown, path: string | undefined, phase: 'compile' | 'evaluate'): AuterityError {
  const shape = describe(error);
  // JSONata positions point just past the offending token.
  const location: ExpressionLocation | undefined =
    typeof shape.position === 'number' ? locate(source, Math.max(0, shape.position - (shape.token?.length ?? 1))) : undefined;
  const where = location ? ` (line ${location.line}, column ${location.column})` : '';
  const issuePath = path ?? 'expression';
  const reason = `${shape.message}${where}`;
  return new AuterityError('invalid_input', `${issuePath}: ${reason}`, {
    issues: [{ path: issuePath, message: reason }],
    details: { expression: source, phase, ...(shape.code ? { jsonataCode: shape.code } : {}), ...(location ? { location } : {}) },
    cause: error,
  });
}

export function createJsonataCompiler(options: JsonataCompilerOptions = {}): JsonataCompiler {
  const cacheSize = options.cacheSize ?? 1000;
  const timeout = options.timeoutMs ?? 1000;
  const stack = options.maxDepth ?? 200;
  const cache = new Map<string, jsonata.Expression>();

  function parse(source: string, path: string | undefined): jsonata.Expression {
    const cached = cache.get(source);
    if (cached) {
      cache.delete(source);
      cache.set(source, cached);
      return cached;
    }
    let expression: jsonata.Expression;
    try {
      expression = jsonata(source, { timeout, stack });
    } catch (error) {
      throw jsonataError(source, error, path, 'compile');
    }
    cache.set(source, expression);
    if (cache.size > cacheSize) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    return expression;
  }

  return {
    compile(source, compileOptions = {}) {
      const path = compileOptions.path;
      if (typeof source !== 'string' || source.trim() === '') {
        const where = path ?? 'expression';
        throw new AuterityError('invalid_input', `${where}: expression must be a non-empty string`, {
          issues: [{ path: where, message: 'expression must be a non-empty string' }],
        });
      }
      const expression = parse(source, path);
      return {
        source,
        async evaluate(data) {
          try {
            const result: unknown = await expression.evaluate(data);
            return normalize(result);
          } catch (error) {
            throw jsonataError(source, error, path, 'evaluate');
          }
        },
      };
    },
  };
}

// JSONata returns sequences (arrays tagged with extra properties) and `undefined` for no match;
// callers get plain JSON.
function normalize(value: unknown): unknown {
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value)) if (entry !== undefined) out[key] = normalize(entry);
    return out;
  }
  if (typeof value === 'function') return null;
  return value;
}
