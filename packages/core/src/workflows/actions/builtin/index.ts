export { transformAction, delayAction, eventWaitAction, workflowRunAction, foreachAction } from './core.js';
export { httpRequestAction, isPrivateAddress, type HttpActionOptions, type HttpResponse } from './http.js';
export { codeAction, SandboxPool, type CodeActionOptions } from './code.js';
