export { createExpressionCompiler } from './cel.js';
export type {
  CompileOptions,
  CompiledExpression,
  ExpressionCompiler,
  ExpressionCompilerOptions,
  ExpressionLocation,
} from './cel.js';
export { createJsonataCompiler } from './jsonata.js';
export type { CompiledJsonata, JsonataCompileOptions, JsonataCompiler, JsonataCompilerOptions } from './jsonata.js';
