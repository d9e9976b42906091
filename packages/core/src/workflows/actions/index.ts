export { defineAction } from './types.js';
export type { Action, ActionRunContext, AnyAction, DefineActionOptions } from './types.js';
export type { HttpActionOptions, HttpResponse, CodeActionOptions } from './builtin/index.js';
