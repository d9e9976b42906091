// Where governance enforces other domains: the executor's guard (who may start a run, which actions
// a tenant's runs may use) and the tenancy APIs (members, API keys). Every check goes through the
// policy guard, so a deny names its rule and lands on the tenant's audit log; every governed change
// appends an audit entry of its own (never with secrets).
import type { PolicyInput } from './policies/schema.js';
import type { AuditLog } from './audit/index.js';
import type { MembersApi, TenantApiKeysApi } from '../tenancy/index.js';

export interface GovernedPrincipal {
  id: string;
  roles: string[];
}

/**
 * The principal runs act as when no user started them: webhook, cron and event triggers, sub-workflow
 * runs, and every step's action check (`action:<name>`), since steps run long after, and apart from,
 * whoever started the run. It holds the role `system`, granted `workflow:run` and `action:*` by the
 * built-in policy below (always present, even with `builtInRoles: false`); ISV and tenant deny rules
 * still override it, e.g. `{ effect: 'deny', actions: ['action:http.request'] }`.
 */
export const SYSTEM_PRINCIPAL: Readonly<GovernedPrincipal> = Object.freeze({ id: 'system:trigger', roles: ['system'] });

/** The built-in allow rule for the system principal (matched on its id as well as its role). */
export function systemPrincipalPolicy(): PolicyInput {
  return {
    id: 'builtin-system',
    rules: [
      {
        id: 'system:executor',
        description: 'the executor, acting for trigger-started runs and for steps (ai.chat steps call the AI router)',
        effect: 'allow',
        actions: ['workflow:run', 'action:*', 'ai:use'],
        roles: ['system'],
        condition: `principal.id == "${SYSTEM_PRINCIPAL.id}"`,
      },
    ],
  };
}

/** Asks the guard on behalf of one principal; throws `forbidden` naming the deciding rule. */
export type AssertAllowed = (principal: GovernedPrincipal, action: string, resource: string) => Promise<unknown>;

export interface GovernedTenancyDeps {
  tenantId: string;
  actor: GovernedPrincipal;
  assertAllowed: AssertAllowed;
  audit: AuditLog;
}

const summary = (member: { email: string; name: string | null; roles: string[] }) => ({ email: member.email, name: member.name, roles: member.roles });

/** Members behind `member:read` / `member:write`; changes are audited with before/after summaries. */
export function governMembers(members: MembersApi, deps: GovernedTenancyDeps): MembersApi {
  const check = (action: string, resource: string) => deps.assertAllowed(deps.actor, action, resource);
  const record = (action: string, resource: string, data: Record<string, unknown>) =>
    deps.audit.append(deps.tenantId, { actorId: deps.actor.id, action, resource, data });
  return Object.freeze({
    async list() {
      await check('member:read', 'member');
      return members.list();
    },
    async get(id) {
      await check('member:read', `member:${String(id)}`);
      return members.get(id);
    },
    async add(input) {
      await check('member:write', 'member');
      const added = await members.add(input);
      await record('member.added', `member:${added.id}`, { before: null, after: summary(added) });
      return added;
    },
    async update(id, patch) {
      await check('member:write', `member:${String(id)}`);
      const before = await members.get(id);
      const after = await members.update(id, patch);
      await record('member.updated', `member:${after.id}`, { before: summary(before), after: summary(after) });
      return after;
    },
    async remove(id) {
      await check('member:write', `member:${String(id)}`);
      const before = await members.get(id);
      await members.remove(id);
      await record('member.removed', `member:${before.id}`, { before: summary(before), after: null });
    },
  } satisfies MembersApi);
}

/** API keys behind `api-key:read` / `api-key:write`; create and revoke are audited (never the key itself). */
export function governApiKeys(keys: TenantApiKeysApi, deps: GovernedTenancyDeps): TenantApiKeysApi {
  const check = (action: string, resource: string) => deps.assertAllowed(deps.actor, action, resource);
  const record = (action: string, resource: string, data: Record<string, unknown>) =>
    deps.audit.append(deps.tenantId, { actorId: deps.actor.id, action, resource, data });
  return Object.freeze({
    async list() {
      await check('api-key:read', 'api-key');
      return keys.list();
    },
    async get(id) {
      await check('api-key:read', `api-key:${String(id)}`);
      return keys.get(id);
    },
    async create(input) {
      await check('api-key:write', 'api-key');
      const created = await keys.create(input);
      await record('api-key.created', `api-key:${created.id}`, { before: null, after: { name: created.name, scopes: created.scopes } });
      return created;
    },
    async revoke(id) {
      await check('api-key:write', `api-key:${String(id)}`);
      const before = await keys.get(id);
      const after = await keys.revoke(id);
      if (before.revokedAt === null) {
        await record('api-key.revoked', `api-key:${after.id}`, { before: { name: before.name, revoked: false }, after: { name: after.name, revoked: true } });
      }
      return after;
    },
  } satisfies TenantApiKeysApi);
}
