import { describe, expect, it } from 'vitest';
import { isAuterityError, type AuterityError } from '../../src/errors.js';
import {
  compilePolicySet,
  createGuard,
  createMemoryPolicyStore,
  parsePolicy,
  type AuthorizationRequest,
  type PolicyInput,
} from '../../src/governance/policies/index.js';

const request = (overrides: Partial<AuthorizationRequest> = {}): AuthorizationRequest => ({
  principal: { id: 'u1', roles: ['editor'] },
  action: 'workflow:run',
  resource: { id: 'workflow:wf_1' },
  ...overrides,
});

function caught(fn: () => unknown): AuterityError {
  try {
    fn();
  } catch (error) {
    if (isAuterityError(error)) return error;
    throw error;
  }
  throw new Error('expected an AuterityError');
}

const doc = (meta: object, owner = 'someone') => ({ id: 'doc:1', owner: { id: owner }, meta: { labels: [], ...meta } });

describe('policy semantics', () => {
  it('denies by default and names no rule', () => {
    const decision = compilePolicySet({}).evaluate(request());
    expect(decision).toMatchObject({ effect: 'deny', allowed: false, decidedBy: null, matched: [] });
  });

  it('lets deny override allow and reports every matching rule', () => {
    const set = compilePolicySet({
      isv: [
        { id: 'base', rules: [{ id: 'editors-run', effect: 'allow', actions: ['workflow:*'], roles: ['editor'] }] },
        { id: 'freeze', rules: [{ id: 'no-prod', effect: 'deny', actions: ['workflow:run'], resources: ['workflow:prod-*'] }] },
      ],
    });
    expect(set.evaluate(request()).effect).toBe('allow');
    const decision = set.evaluate(request({ resource: { id: 'workflow:prod-billing' } }));
    expect(decision.effect).toBe('deny');
    expect(decision.decidedBy).toMatchObject({ policyId: 'freeze', ruleId: 'no-prod', layer: 'isv' });
    expect(decision.matched.map((rule) => rule.ruleId)).toEqual(['editors-run', 'no-prod']);
  });

  it('ranks require_approval between deny and allow', () => {
    const set = compilePolicySet({
      isv: [
        {
          id: 'p',
          rules: [
            { effect: 'allow', actions: ['billing:*'] },
            { effect: 'require_approval', actions: ['billing:refund'], approvalChain: 'finance' },
            { effect: 'deny', actions: ['billing:refund'], condition: 'context.amount > 10000' },
          ],
        },
      ],
    });
    const refund = (amount: number) => set.evaluate(request({ action: 'billing:refund', resource: { id: 'invoice:1' }, context: { amount } }));
    expect(refund(50)).toMatchObject({ effect: 'require_approval', allowed: false, decidedBy: { ruleId: '1', approvalChain: 'finance' } });
    expect(refund(20000).effect).toBe('deny');
    expect(set.evaluate(request({ action: 'billing:view', resource: { id: 'invoice:1' } })).effect).toBe('allow');
  });

  it('matches action and resource globs anywhere in the pattern', () => {
    const set = compilePolicySet({
      isv: [{ id: 'p', rules: [{ effect: 'allow', actions: ['*:read', 'ai:use'], resources: ['project:*/doc:*', 'model:gpt-4o'] }] }],
    });
    const allowed = (action: string, resource: string) => set.evaluate(request({ action, resource: { id: resource } })).allowed;
    expect(allowed('workflow:read', 'project:1/doc:2')).toBe(true);
    expect(allowed('ai:use', 'model:gpt-4o')).toBe(true);
    expect(allowed('ai:use', 'model:gpt-4o-mini')).toBe(false);
    expect(allowed('workflow:readme', 'project:1/doc:2')).toBe(false);
    expect(allowed('workflow:read', 'project:1/file:2')).toBe(false);
    expect(allowed('workflow:read', 'project:1/doc:2.x(y)')).toBe(true);
  });

  it('applies a rule only to principals with one of its roles', () => {
    const set = compilePolicySet({ isv: [{ id: 'p', rules: [{ effect: 'allow', actions: ['*'], roles: ['admin', 'owner'] }] }] });
    expect(set.evaluate(request({ principal: { id: 'a', roles: ['viewer', 'owner'] } })).allowed).toBe(true);
    expect(set.evaluate(request({ principal: { id: 'a', roles: ['viewer'] } })).allowed).toBe(false);
  });

  it('evaluates CEL conditions over nested principal, resource, context and tenant attributes', () => {
    const set = compilePolicySet({
      isv: [
        {
          id: 'abac',
          rules: [
            {
              effect: 'allow',
              actions: ['doc:edit'],
              condition:
                'resource.owner.id == principal.id || (principal.org.department == resource.meta.department && principal.level >= 3)',
            },
            { effect: 'deny', actions: ['doc:*'], condition: 'resource.meta.labels.exists(l, l == "legal-hold") && !("legal" in principal.groups)' },
            { effect: 'deny', actions: ['*'], condition: 'tenant.plan == "suspended" || (has(context.mfa) && !context.mfa)' },
          ],
        },
      ],
    });
    const alice = { id: 'alice', roles: [], level: 3, org: { department: 'sales' }, groups: [] as string[] };
    const ask = (principal: typeof alice, resource: object, context = {}, plan = 'pro') =>
      set.evaluate({ principal, action: 'doc:edit', resource: resource as AuthorizationRequest['resource'], context }, { id: 't1', plan });
    expect(ask(alice, doc({ department: 'sales' })).allowed).toBe(true);
    expect(ask({ ...alice, level: 2 }, doc({ department: 'sales' })).allowed).toBe(false);
    expect(ask({ ...alice, level: 1 }, doc({ department: 'hr' }, 'alice')).allowed).toBe(true);
    expect(ask(alice, doc({ department: 'sales', labels: ['legal-hold'] })).effect).toBe('deny');
    expect(ask({ ...alice, groups: ['legal'] }, doc({ department: 'sales', labels: ['legal-hold'] })).allowed).toBe(true);
    expect(ask(alice, doc({ department: 'sales' }), { mfa: false }).allowed).toBe(false);
    expect(ask(alice, doc({ department: 'sales' }), { mfa: true }).allowed).toBe(true);
    expect(ask(alice, doc({ department: 'sales' }), {}, 'suspended').decidedBy?.ruleIndex).toBe(2);
  });

  it('fails closed when a condition cannot be evaluated', () => {
    const set = compilePolicySet({
      isv: [
        { id: 'p', rules: [{ effect: 'allow', actions: ['*'], condition: 'context.ticket.open' }, { effect: 'deny', actions: ['x:*'], condition: 'context.risk > 5' }] },
      ],
    });
    const allowError = set.evaluate(request());
    expect(allowError.allowed).toBe(false);
    expect(allowError.errors[0]?.message).toMatch(/No such key: ticket/);
    const denyError = set.evaluate(request({ action: 'x:y', context: { ticket: { open: true } } }));
    expect(denyError).toMatchObject({ effect: 'deny', decidedBy: { ruleIndex: 1 } });
  });

  it('never lets a tenant policy weaken an ISV deny, while tenants may restrict further', () => {
    const isv = [{ id: 'isv', rules: [{ effect: 'deny' as const, actions: ['billing:delete'] }, { effect: 'allow' as const, actions: ['*'] }] }];
    const tenant = [
      { id: 'isv', rules: [{ effect: 'allow' as const, actions: ['billing:delete'], roles: ['admin'] }] },
      { id: 'mine', rules: [{ effect: 'deny' as const, actions: ['ai:use'], condition: 'principal.id == "intern"' }] },
    ];
    const set = compilePolicySet({ isv, tenant });
    const admin = { id: 'boss', roles: ['admin'] };
    const decision = set.evaluate(request({ principal: admin, action: 'billing:delete' }));
    expect(decision).toMatchObject({ effect: 'deny', decidedBy: { layer: 'isv', policyId: 'isv', ruleIndex: 0 } });
    expect(decision.matched.map((rule) => rule.layer)).toEqual(['isv', 'isv', 'tenant']);
    expect(set.evaluate(request({ principal: { id: 'intern', roles: [] }, action: 'ai:use' })).decidedBy?.layer).toBe('tenant');
    expect(set.evaluate(request({ principal: { id: 'dev', roles: [] }, action: 'ai:use' })).allowed).toBe(true);
  });

  it('names the rule index and field of invalid policy JSON', () => {
    const bad = (policy: unknown) => caught(() => parsePolicy(policy));
    const base = { id: 'p', rules: [{ effect: 'allow', actions: ['a'] }] };
    expect(bad({ ...base, rules: [...base.rules, ...base.rules, ...base.rules, { effect: 'allow', actions: ['a'], condition: 'principal.level >' }] }).message).toMatch(
      /rules\[3\]\.condition: /,
    );
    const effect = bad({ ...base, rules: [{ effect: 'permit', actions: ['a'] }] });
    expect(effect.issues[0]?.path).toBe('rules[0].effect');
    expect(bad({ ...base, rules: [{ effect: 'allow', actions: [] }] }).message).toMatch(/rules\[0\]\.actions: needs at least one action pattern/);
    expect(bad({ ...base, rules: [{ effect: 'allow', actions: ['a'], extra: 1 }] }).issues[0]?.path).toBe('rules[0]');
    expect(bad({ ...base, rules: [{ effect: 'allow', actions: ['a'], condition: '1 + 1' }] }).message).toMatch(/rules\[0\]\.condition: must be a boolean/);
    expect(bad({ ...base, rules: [{ effect: 'allow', actions: ['a'], condition: 'user.x' }] }).message).toMatch(/Unknown variable: user/);
    expect(bad({ ...base, rules: [{ id: 'x', effect: 'allow', actions: ['a'] }, { id: 'x', effect: 'deny', actions: ['a'] }] }).message).toMatch(
      /rules\[1\]\.id: duplicate/,
    );
    expect(caught(() => compilePolicySet({ tenant: [base, { id: 'q', rules: 'nope' }] as PolicyInput[] })).message).toMatch(/^tenant policies\[1\]: .*rules/);
  });
});

describe('guard', () => {
  const tenant = { id: 't1' };
  const isvPolicies: PolicyInput[] = [
    { id: 'isv', rules: [{ effect: 'allow', actions: ['workflow:*'], roles: ['editor'] }, { effect: 'deny', actions: ['billing:*'], roles: ['guest'] }] },
  ];

  it('assertAllowed throws forbidden with the deciding rule in details, and reports non-allows', async () => {
    const seen: string[] = [];
    const guard = createGuard({ isvPolicies, onDecision: (_tenant, req, decision) => void seen.push(`${req.action}:${decision.effect}`) });
    await expect(guard.assertAllowed(tenant, request())).resolves.toMatchObject({ effect: 'allow' });
    const error = await guard.assertAllowed(tenant, request({ principal: { id: 'g', roles: ['guest'] }, action: 'billing:manage' })).catch((e: unknown) => e);
    expect(isAuterityError(error, 'forbidden')).toBe(true);
    if (!isAuterityError(error)) return;
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/denied by isv policy "isv" rule "1"/);
    expect(error.details.decidedBy).toMatchObject({ policyId: 'isv', ruleIndex: 1 });
    expect(seen).toEqual(['billing:manage:deny']);
  });

  it('loads tenant policies from the store and recompiles after invalidate', async () => {
    const store = createMemoryPolicyStore();
    const guard = createGuard({ isvPolicies, tenantPolicies: store });
    const viewer = request({ principal: { id: 'v', roles: ['viewer'] } });
    expect((await guard.authorize(tenant, viewer)).allowed).toBe(false);
    await store.put('t1', parsePolicy({ id: 'viewers-run', rules: [{ effect: 'allow', actions: ['workflow:run'], roles: ['viewer'] }] }));
    expect((await guard.authorize(tenant, viewer)).allowed).toBe(false);
    guard.invalidate('t1');
    expect((await guard.authorize(tenant, viewer)).decidedBy).toMatchObject({ layer: 'tenant', policyId: 'viewers-run' });
    expect((await guard.authorize({ id: 't2' }, viewer)).allowed).toBe(false);
  });

  it('rejects a broken ISV policy at construction', () => {
    expect(() => createGuard({ isvPolicies: [{ id: 'x', rules: [{ effect: 'allow', actions: ['a'], condition: '(' }] }] })).toThrow(/isv policies\[0\]: .*rules\[0\]\.condition/);
  });
});

describe('policy administration', () => {
  it('authorizes, stores, audits and applies tenant policy changes', async () => {
    const { createPolicyAdmin } = await import('../../src/governance/policies/index.js');
    const { createAuditLog, createMemoryAuditStore } = await import('../../src/governance/audit/index.js');
    const store = createMemoryPolicyStore();
    const audit = createAuditLog({ store: createMemoryAuditStore() });
    const guard = createGuard({
      isvPolicies: [
        { id: 'admins', rules: [{ effect: 'allow', actions: ['policy:*'], roles: ['admin'] }] },
        { id: 'locked', rules: [{ effect: 'deny', actions: ['policy:write'], resources: ['policy:isv-*'] }] },
      ],
      tenantPolicies: store,
      onDecision: async (t, req, decision) => void (await audit.append(t.id, { actorId: req.principal.id, action: `authorization.${decision.effect}`, resource: req.resource.id, data: { action: req.action, decidedBy: decision.decidedBy } })),
    });
    const admin = createPolicyAdmin({ guard, store, record: (tenantId, event) => audit.append(tenantId, event) });
    const tenant = { id: 't1' };
    const boss = { id: 'boss', roles: ['admin'] };
    await admin.put(tenant, boss, { id: 'runners', rules: [{ effect: 'allow', actions: ['workflow:run'], roles: ['viewer'] }] });
    expect((await guard.authorize(tenant, request({ principal: { id: 'v', roles: ['viewer'] } }))).allowed).toBe(true);
    await expect(admin.put(tenant, { id: 'v', roles: ['viewer'] }, { id: 'x', rules: [{ effect: 'allow', actions: ['*'] }] })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(admin.put(tenant, boss, { id: 'isv-override', rules: [{ effect: 'allow', actions: ['*'] }] })).rejects.toMatchObject({
      code: 'forbidden',
      details: { decidedBy: { policyId: 'locked' } },
    });
    await admin.remove(tenant, boss, 'runners');
    expect((await guard.authorize(tenant, request({ principal: { id: 'v', roles: ['viewer'] } }))).allowed).toBe(false);
    const actions = (await audit.list('t1')).map((entry) => entry.action);
    expect(actions).toEqual(['policy.created', 'authorization.deny', 'authorization.deny', 'policy.deleted', 'authorization.deny']);
    expect(await audit.verify('t1')).toMatchObject({ ok: true, checked: 5 });
  });
});
