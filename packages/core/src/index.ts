// @auterity/core: the headless engine.
export { createAuterity } from './engine.js';
export type { Auterity, CreateAuterityOptions, EngineAi, EngineApiKeysApi, EngineWorkflows, MigrateResult, TenantHandle, TenantHandleOptions } from './engine.js';
export type { AuterityOptions, Logger } from './config/index.js';
export { AuterityError, isAuterityError, errorCodes } from './errors.js';
export type { AuterityErrorCode, AuterityErrorOptions, AuterityIssue } from './errors.js';
export type {
  Actor,
  AddMemberInput,
  ApiKey,
  CreateApiKeyInput,
  CreatedApiKey,
  CreateTenantInput,
  InvitationAcceptor,
  Member,
  MembersApi,
  Tenant,
  TenantApiKeysApi,
  TenantsApi,
  UpdateMemberInput,
  UpdateTenantInput,
  VerifiedApiKey,
} from './tenancy/index.js';
export type { DialectName } from './storage/index.js';
export * from './governance/index.js';
export type { GovernanceOptions, TenantGovernance } from './governance/engine-surface.js';
export { createExpressionCompiler } from './expressions/index.js';
export type { CompiledExpression, CompileOptions, ExpressionCompiler, ExpressionCompilerOptions, ExpressionLocation } from './expressions/index.js';
export * from './billing/index.js';
export * from './workflows/index.js';
export * from './ai/index.js';
export { aiChatInputSchema, aiChatOutputSchema } from './workflows/actions/ai-chat.js';
export type { AiChatInput, AiChatOutput } from './workflows/actions/ai-chat.js';
