// A compiled policy set: the ISV layer and one tenant's layer, validated and compiled once, then
// evaluated many times. Semantics: deny wins over require_approval, which wins over allow; nothing
// matching means deny. Because deny wins across layers, a tenant rule can never weaken an ISV deny.
import { createExpressionCompiler, type CompiledExpression, type ExpressionCompiler } from '../../expressions/index.js';
import { AuterityError } from '../../errors.js';
import { parseWith } from '../validation.js';
import { compilePatterns, type PatternTest } from './patterns.js';
import { policySchema, type Policy, type PolicyInput, type PolicyLayer, type RuleEffect } from './schema.js';

/** A rule as named in decisions. */
export interface RuleReference {
  layer: PolicyLayer;
  policyId: string;
  ruleId: string;
  ruleIndex: number;
  effect: RuleEffect;
  approvalChain?: string;
}

export interface AuthorizationRequest {
  principal: { id: string; roles: readonly string[]; [attribute: string]: unknown };
  action: string;
  resource: { id: string; [attribute: string]: unknown };
  context?: Readonly<Record<string, unknown>>;
}

export interface TenantAttributes {
  id: string;
  [attribute: string]: unknown;
}

export interface PolicyDecision {
  effect: RuleEffect;
  allowed: boolean;
  /** The rule that decided; `null` when nothing matched and the default deny applied. */
  decidedBy: RuleReference | null;
  /** Every rule whose action, resource, roles and condition all matched, in evaluation order. */
  matched: RuleReference[];
  /** Conditions that failed to evaluate. Such a rule never grants: a failing allow is skipped,
   *  a failing deny or require_approval applies (fail closed). */
  errors: { rule: RuleReference; message: string }[];
}

interface CompiledRule {
  reference: RuleReference;
  matchesAction: PatternTest;
  matchesResource: PatternTest;
  roles: ReadonlySet<string> | null;
  condition: CompiledExpression | null;
}

/** The CEL variables a policy condition can use. */
export const policyConditionVariables = ['principal', 'action', 'resource', 'context', 'tenant'] as const;

let sharedCompiler: ExpressionCompiler | undefined;
function conditionCompiler(): ExpressionCompiler {
  sharedCompiler ??= createExpressionCompiler({ variables: policyConditionVariables, cacheSize: 5000 });
  return sharedCompiler;
}

/** Validates one policy document, naming the field at fault (`rules[3].condition: …`). */
export function parsePolicy(input: unknown): Policy {
  const policy = parseWith(policySchema, input, 'policy');
  const seen = new Set<string>();
  policy.rules.forEach((rule, index) => {
    if (rule.id !== undefined) {
      if (seen.has(rule.id)) {
        throw new AuterityError('invalid_input', `invalid policy: rules[${index}].id: duplicate rule id "${rule.id}"`, {
          issues: [{ path: `rules[${index}].id`, message: `duplicate rule id "${rule.id}"` }],
        });
      }
      seen.add(rule.id);
    }
    if (rule.approvalChain !== undefined && rule.effect !== 'require_approval') {
      const message = 'only a require_approval rule can name an approval chain';
      throw new AuterityError('invalid_input', `invalid policy: rules[${index}].approvalChain: ${message}`, {
        issues: [{ path: `rules[${index}].approvalChain`, message }],
      });
    }
    if (rule.condition !== undefined) {
      conditionCompiler().compile(rule.condition, { path: `rules[${index}].condition`, boolean: true });
    }
  });
  return policy;
}

function compileRules(policies: readonly Policy[], layer: PolicyLayer): CompiledRule[] {
  const rules: CompiledRule[] = [];
  for (const policy of policies) {
    policy.rules.forEach((rule, ruleIndex) => {
      const reference: RuleReference = {
        layer,
        policyId: policy.id,
        ruleId: rule.id ?? String(ruleIndex),
        ruleIndex,
        effect: rule.effect,
        ...(rule.approvalChain ? { approvalChain: rule.approvalChain } : {}),
      };
      rules.push({
        reference,
        matchesAction: compilePatterns(rule.actions),
        matchesResource: compilePatterns(rule.resources),
        roles: rule.roles ? new Set(rule.roles) : null,
        condition: rule.condition
          ? conditionCompiler().compile(rule.condition, { path: `${policy.id}.rules[${ruleIndex}].condition`, boolean: true })
          : null,
      });
    });
  }
  return rules;
}

export interface PolicySetOptions {
  isv?: readonly PolicyInput[];
  tenant?: readonly PolicyInput[];
}

export interface PolicySet {
  readonly ruleCount: number;
  /** The rules whose action patterns match `action` (whatever their roles, resources and conditions): none means the default deny. */
  rulesFor(action: string): readonly RuleReference[];
  evaluate(request: AuthorizationRequest, tenant?: TenantAttributes): PolicyDecision;
}

const emptyContext: Readonly<Record<string, unknown>> = Object.freeze({});
const actionIndexLimit = 4096;

function validateLayer(inputs: readonly PolicyInput[] | undefined, layer: PolicyLayer): Policy[] {
  const policies = (inputs ?? []).map((input, index) => {
    try {
      return parsePolicy(input);
    } catch (error) {
      if (error instanceof AuterityError) {
        const prefix = `${layer} policies[${index}]`;
        throw new AuterityError('invalid_input', `${prefix}: ${error.message}`, {
          issues: error.issues.map((issue) => ({ path: `${prefix}.${issue.path}`, message: issue.message })),
          ...(error.cause === undefined ? {} : { cause: error.cause }),
        });
      }
      throw error;
    }
  });
  const ids = new Set<string>();
  for (const policy of policies) {
    if (ids.has(policy.id)) {
      throw new AuterityError('invalid_input', `${layer} policy id "${policy.id}" is used twice`, { issues: [{ path: `${layer} policies`, message: `duplicate id "${policy.id}"` }] });
    }
    ids.add(policy.id);
  }
  return policies;
}

export function compilePolicySet(options: PolicySetOptions): PolicySet {
  // ISV rules come first so that, among several denies, the ISV's is the one reported as deciding.
  const rules = [...compileRules(validateLayer(options.isv, 'isv'), 'isv'), ...compileRules(validateLayer(options.tenant, 'tenant'), 'tenant')];

  // Actions form a small vocabulary, so the rules that can match one are worked out once and kept.
  const byAction = new Map<string, CompiledRule[]>();
  const candidatesFor = (action: string): CompiledRule[] => {
    let candidates = byAction.get(action);
    if (!candidates) {
      candidates = rules.filter((rule) => rule.matchesAction(action));
      if (byAction.size >= actionIndexLimit) byAction.clear();
      byAction.set(action, candidates);
    }
    return candidates;
  };

  const referencesByAction = new Map<string, readonly RuleReference[]>();

  return {
    ruleCount: rules.length,
    rulesFor(action) {
      let references = referencesByAction.get(action);
      if (!references) {
        references = candidatesFor(action).map((rule) => rule.reference);
        if (referencesByAction.size >= actionIndexLimit) referencesByAction.clear();
        referencesByAction.set(action, references);
      }
      return references;
    },
    evaluate(request, tenant) {
      const matched: RuleReference[] = [];
      const errors: PolicyDecision['errors'] = [];
      let deny: RuleReference | null = null;
      let approval: RuleReference | null = null;
      let allow: RuleReference | null = null;
      let bindings: Record<string, unknown> | undefined;
      const roles = request.principal.roles;
      for (const rule of candidatesFor(request.action)) {
        if (rule.roles && !roles.some((role) => rule.roles?.has(role))) continue;
        if (!rule.matchesResource(request.resource.id)) continue;
        if (rule.condition) {
          bindings ??= {
            principal: request.principal,
            action: request.action,
            resource: request.resource,
            context: request.context ?? emptyContext,
            tenant: tenant ?? { id: '' },
          };
          let holds: boolean;
          try {
            holds = rule.condition.test(bindings);
          } catch (error) {
            errors.push({ rule: rule.reference, message: error instanceof Error ? error.message : String(error) });
            holds = rule.reference.effect !== 'allow';
          }
          if (!holds) continue;
        }
        matched.push(rule.reference);
        if (rule.reference.effect === 'deny') deny ??= rule.reference;
        else if (rule.reference.effect === 'require_approval') approval ??= rule.reference;
        else allow ??= rule.reference;
      }
      const decidedBy = deny ?? approval ?? allow;
      const effect: RuleEffect = decidedBy ? decidedBy.effect : 'deny';
      return { effect, allowed: effect === 'allow', decidedBy, matched, errors };
    },
  };
}
