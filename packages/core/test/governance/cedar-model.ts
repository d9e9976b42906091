// A neutral model of a policy set and requests that renders both to Auterity policy JSON (CEL
// conditions) and to Cedar, used by the differential test. Attributes are always present (except
// the optional `context.mfa`, always guarded) so neither engine hits evaluation errors, whose
// handling differs on purpose (Cedar skips an erroring policy; Auterity fails closed).
import fc from 'fast-check';
import type { AuthorizationRequest, PolicyInput, TenantAttributes } from '../../src/governance/policies/index.js';

export type Condition =
  | { kind: 'int'; path: 'principal.level' | 'context.amount' | 'resource.meta.size'; op: '<' | '<=' | '>' | '>=' | '==' | '!='; value: number }
  | { kind: 'str'; path: 'principal.department' | 'resource.meta.classification' | 'tenant.plan'; op: '==' | '!='; value: string }
  | { kind: 'owner' }
  | { kind: 'contains'; set: 'principal.groups' | 'resource.tags'; value: string }
  | { kind: 'mfa' }
  | { kind: 'not'; inner: Condition }
  | { kind: 'and' | 'or'; left: Condition; right: Condition };

export interface ModelRule {
  effect: 'allow' | 'deny' | 'require_approval';
  actions: string[];
  resources: string[];
  roles: string[] | null;
  condition: Condition | null;
}

export const vocabulary = {
  actions: ['workflow:run', 'workflow:edit', 'workflow:read', 'billing:manage', 'billing:refund', 'ai:use', 'member:invite', 'policy:write'],
  actionPatterns: ['*', 'workflow:*', 'billing:*', '*:read', 'ai:*', 'member:*', 'policy:*'],
  resources: ['workflow:wf_1', 'workflow:prod-1', 'invoice:1', 'model:gpt-4o', 'doc:1/a'],
  resourcePatterns: ['*', 'workflow:*', 'workflow:prod-*', 'invoice:*', 'model:*', 'doc:*/a', '*:1'],
  roles: ['admin', 'editor', 'viewer', 'guest', 'finance'],
  users: ['u1', 'u2', 'u3'],
  departments: ['sales', 'hr', 'eng'],
  groups: ['legal', 'ops'],
  tags: ['pii', 'beta'],
  classifications: ['public', 'secret'],
  plans: ['free', 'pro'],
};

const conditionLeaf: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({
    kind: fc.constant('int' as const),
    path: fc.constantFrom('principal.level' as const, 'context.amount' as const, 'resource.meta.size' as const),
    op: fc.constantFrom('<' as const, '<=' as const, '>' as const, '>=' as const, '==' as const, '!=' as const),
    value: fc.integer({ min: 0, max: 10 }),
  }),
  fc.record({
    kind: fc.constant('str' as const),
    path: fc.constantFrom('principal.department' as const, 'resource.meta.classification' as const, 'tenant.plan' as const),
    op: fc.constantFrom('==' as const, '!=' as const),
    value: fc.constantFrom(...vocabulary.departments, ...vocabulary.classifications, ...vocabulary.plans),
  }),
  fc.constant({ kind: 'owner' as const }),
  fc.record({
    kind: fc.constant('contains' as const),
    set: fc.constantFrom('principal.groups' as const, 'resource.tags' as const),
    value: fc.constantFrom(...vocabulary.groups, ...vocabulary.tags),
  }),
  fc.constant({ kind: 'mfa' as const }),
);

export const conditionArbitrary: fc.Arbitrary<Condition> = fc.letrec<{ node: Condition }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    conditionLeaf,
    fc.record({ kind: fc.constant('not' as const), inner: tie('node') }),
    fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), left: tie('node'), right: tie('node') }),
  ),
})).node;

const subset = <T>(values: readonly T[], min = 0) => fc.subarray([...values], { minLength: min });

export const ruleArbitrary: fc.Arbitrary<ModelRule> = fc.record({
  effect: fc.constantFrom('allow' as const, 'allow' as const, 'deny' as const, 'require_approval' as const),
  actions: fc.oneof(subset(vocabulary.actions, 1).map((a) => a.slice(0, 3)), subset(vocabulary.actionPatterns, 1).map((a) => a.slice(0, 2))),
  resources: subset(vocabulary.resourcePatterns, 1).map((r) => r.slice(0, 2)),
  roles: fc.option(subset(vocabulary.roles, 1).map((r) => r.slice(0, 2)), { nil: null }),
  condition: fc.option(conditionArbitrary, { nil: null, freq: 2 }),
});

export interface ModelRequest {
  request: AuthorizationRequest;
  tenant: TenantAttributes;
}

export const requestArbitrary: fc.Arbitrary<ModelRequest> = fc
  .record({
    user: fc.constantFrom(...vocabulary.users),
    roles: subset(vocabulary.roles),
    level: fc.integer({ min: 0, max: 10 }),
    department: fc.constantFrom(...vocabulary.departments),
    groups: subset(vocabulary.groups),
    action: fc.constantFrom(...vocabulary.actions),
    resource: fc.constantFrom(...vocabulary.resources),
    owner: fc.constantFrom(...vocabulary.users),
    classification: fc.constantFrom(...vocabulary.classifications),
    size: fc.integer({ min: 0, max: 10 }),
    tags: subset(vocabulary.tags),
    amount: fc.integer({ min: 0, max: 10 }),
    mfa: fc.option(fc.boolean(), { nil: undefined }),
    plan: fc.constantFrom(...vocabulary.plans),
  })
  .map((r) => ({
    request: {
      principal: { id: r.user, roles: r.roles, level: r.level, department: r.department, groups: r.groups },
      action: r.action,
      resource: { id: r.resource, owner: r.user === r.owner ? r.user : r.owner, meta: { classification: r.classification, size: r.size }, tags: r.tags },
      context: r.mfa === undefined ? { amount: r.amount } : { amount: r.amount, mfa: r.mfa },
    },
    tenant: { id: 'tenant-1', plan: r.plan },
  }));

// ---- rendering: Auterity (CEL) ----

export function toCel(condition: Condition): string {
  switch (condition.kind) {
    case 'int':
      return `${condition.path} ${condition.op} ${condition.value}`;
    case 'str':
      return `${condition.path} ${condition.op} ${JSON.stringify(condition.value)}`;
    case 'owner':
      return 'resource.owner == principal.id';
    case 'contains':
      return `${JSON.stringify(condition.value)} in ${condition.set}`;
    case 'mfa':
      return '(has(context.mfa) && context.mfa)';
    case 'not':
      return `!(${toCel(condition.inner)})`;
    case 'and':
      return `(${toCel(condition.left)} && ${toCel(condition.right)})`;
    case 'or':
      return `(${toCel(condition.left)} || ${toCel(condition.right)})`;
  }
}

export function toAuterityPolicy(id: string, rules: readonly ModelRule[]): PolicyInput {
  return {
    id,
    rules: rules.map((rule, index) => ({
      id: `r${index}`,
      effect: rule.effect,
      actions: rule.actions,
      resources: rule.resources,
      ...(rule.roles ? { roles: rule.roles } : {}),
      ...(rule.condition ? { condition: toCel(rule.condition) } : {}),
    })),
  };
}

// ---- rendering: Cedar ----

const cedarPath = (path: string) => (path.startsWith('tenant.') ? `context.${path}` : path);

export function toCedarCondition(condition: Condition): string {
  switch (condition.kind) {
    case 'int':
      return `${cedarPath(condition.path)} ${condition.op} ${condition.value}`;
    case 'str':
      return `${cedarPath(condition.path)} ${condition.op} ${JSON.stringify(condition.value)}`;
    case 'owner':
      return 'resource.owner == principal';
    case 'contains':
      return `${condition.set}.contains(${JSON.stringify(condition.value)})`;
    case 'mfa':
      return '(context has mfa && context.mfa)';
    case 'not':
      return `!(${toCedarCondition(condition.inner)})`;
    case 'and':
      return `(${toCedarCondition(condition.left)} && ${toCedarCondition(condition.right)})`;
    case 'or':
      return `(${toCedarCondition(condition.left)} || ${toCedarCondition(condition.right)})`;
  }
}

const anyOf = (clauses: string[]) => (clauses.length === 1 ? (clauses[0] as string) : `(${clauses.join(' || ')})`);
const likeClause = (subject: string, pattern: string) => (pattern.includes('*') ? `${subject} like ${JSON.stringify(pattern)}` : `${subject} == ${JSON.stringify(pattern)}`);

/** Cedar has no third effect: require_approval is "not allowed", i.e. a forbid. */
export function toCedarPolicy(rule: ModelRule): string {
  const effect = rule.effect === 'allow' ? 'permit' : 'forbid';
  const exactActions = rule.actions.every((action) => !action.includes('*'));
  const scope = [
    rule.roles?.length === 1 ? `principal in Role::${JSON.stringify(rule.roles[0])}` : 'principal',
    exactActions ? `action in [${rule.actions.map((a) => `Action::${JSON.stringify(a)}`).join(', ')}]` : 'action',
    'resource',
  ];
  const when: string[] = [];
  if (!exactActions) when.push(anyOf(rule.actions.map((a) => likeClause('context.action', a))));
  if (!rule.resources.includes('*')) when.push(anyOf(rule.resources.map((r) => likeClause('resource.name', r))));
  if (rule.roles && rule.roles.length > 1) when.push(anyOf(rule.roles.map((role) => `principal in Role::${JSON.stringify(role)}`)));
  if (rule.condition) when.push(toCedarCondition(rule.condition));
  return `${effect}(${scope.join(', ')})${when.length ? ` when { ${when.join(' && ')} }` : ''};`;
}

export function toCedarPolicies(rules: readonly ModelRule[]): Record<string, string> {
  return Object.fromEntries(rules.map((rule, index) => [`r${index}`, toCedarPolicy(rule)]));
}

interface CedarUid {
  type: string;
  id: string;
}

export interface CedarRequest {
  principal: CedarUid;
  action: CedarUid;
  resource: CedarUid;
  context: Record<string, unknown>;
  entities: { uid: CedarUid; attrs: Record<string, unknown>; parents: CedarUid[] }[];
}

export function toCedarRequest({ request, tenant }: ModelRequest): CedarRequest {
  const principal = { type: 'User', id: request.principal.id };
  const resource = { type: 'Resource', id: request.resource.id };
  const p = request.principal as AuthorizationRequest['principal'] & { level: number; department: string; groups: string[] };
  const r = request.resource as AuthorizationRequest['resource'] & { owner: string; meta: object; tags: string[] };
  return {
    principal,
    action: { type: 'Action', id: request.action },
    resource,
    context: { ...request.context, action: request.action, tenant: { plan: tenant.plan } },
    entities: [
      {
        uid: principal,
        attrs: { level: p.level, department: p.department, groups: p.groups },
        parents: p.roles.map((role) => ({ type: 'Role', id: role })),
      },
      {
        uid: resource,
        attrs: { name: r.id, owner: { __entity: { type: 'User', id: r.owner } }, meta: r.meta, tags: r.tags },
        parents: [],
      },
    ],
  };
}
