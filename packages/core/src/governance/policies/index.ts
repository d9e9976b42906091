export { compilePolicySet, parsePolicy, policyConditionVariables } from './policy-set.js';
export type {
  AuthorizationRequest,
  PolicyDecision,
  PolicySet,
  PolicySetOptions,
  RuleReference,
  TenantAttributes,
} from './policy-set.js';
export { createGuard, createMemoryPolicyStore, forbiddenError } from './guard.js';
export type { DecisionListener, Guard, GuardOptions, TenantPolicyStore } from './guard.js';
export { authorizationRequestSchema, policyRuleSchema, policySchema, ruleEffectSchema } from './schema.js';
export type { AuthorizationRequestInput, Policy, PolicyInput, PolicyLayer, PolicyRule, RuleEffect } from './schema.js';
export { createPolicyAdmin } from './policy-admin.js';
export type { GovernedActor, MutationRecorder, PolicyAdmin } from './policy-admin.js';
