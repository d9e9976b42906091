// Policy documents are plain JSON so tenants can store, diff and edit them; this schema is the only
// place their shape is defined (types are inferred from it).
import { z } from 'zod';

/** A glob over action or resource names: `*` matches any run of characters (`workflow:*`, `*`). */
export const patternSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(256)
  .regex(/^[^\s]+$/, 'must not contain whitespace');

export const ruleEffectSchema = z.enum(['allow', 'deny', 'require_approval']);

export const policyRuleSchema = z.strictObject({
  /** Stable name shown in decisions; defaults to the rule's index. */
  id: z.string().min(1).max(128).optional(),
  description: z.string().max(1000).optional(),
  effect: ruleEffectSchema,
  actions: z.array(patternSchema).min(1, 'needs at least one action pattern'),
  resources: z.array(patternSchema).min(1, 'needs at least one resource pattern').default(['*']),
  /** The rule applies to principals holding any of these roles; omitted means every principal. */
  roles: z.array(z.string().min(1).max(128)).min(1).optional(),
  /** CEL over `{ principal, action, resource, context, tenant }`; must be true for the rule to apply. */
  condition: z.string().min(1).max(4000).optional(),
  /** For `require_approval`: the approval chain to start (see governance approvals). */
  approvalChain: z.string().min(1).max(128).optional(),
});

export const policySchema = z.strictObject({
  id: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9_.:-]+$/, 'may contain letters, digits and _ . : - only'),
  description: z.string().max(1000).optional(),
  rules: z.array(policyRuleSchema).min(1, 'a policy needs at least one rule').max(1000),
});

export type RuleEffect = z.infer<typeof ruleEffectSchema>;
export type PolicyRule = z.infer<typeof policyRuleSchema>;
/** A policy as written (defaults optional). */
export type PolicyInput = z.input<typeof policySchema>;
/** A validated policy (defaults applied). */
export type Policy = z.output<typeof policySchema>;

/** Where a policy comes from: the ISV's engine options, or a tenant's own stored policies. */
export type PolicyLayer = 'isv' | 'tenant';

/** The attributes a decision is made over; `principal`, `resource` and `context` are open records. */
export const authorizationRequestSchema = z.object({
  principal: z.looseObject({ id: z.string().min(1), roles: z.array(z.string()).default([]) }),
  action: z.string().min(1).max(256),
  resource: z.looseObject({ id: z.string().min(1).max(512) }),
  context: z.record(z.string(), z.unknown()).default({}),
});

export type AuthorizationRequestInput = z.input<typeof authorizationRequestSchema>;
