// Roles are named sets of permissions. Permissions use the same `domain:verb` names and globs as
// policy actions, so a role is compiled into allow rules and joins the policy engine: deny rules
// (the ISV's or the tenant's) still win over anything a role grants.
import { z } from 'zod';
import { AuterityError } from '../../errors.js';
import { compilePatterns } from '../policies/patterns.js';
import { patternSchema, type PolicyInput } from '../policies/schema.js';
import { parseWith } from '../validation.js';

export const builtInRoles = {
  admin: ['*'],
  editor: ['workflow:*', 'run:*', 'action:*', 'template:*', 'ai:use', 'analytics:read', 'member:read', 'billing:read', 'approval:*'],
  viewer: ['workflow:read', 'run:read', 'template:read', 'analytics:read', 'member:read', 'billing:read'],
  guest: ['workflow:read', 'run:read'],
} as const satisfies Record<string, readonly string[]>;

export type BuiltInRole = keyof typeof builtInRoles;
export const builtInRoleNames = Object.keys(builtInRoles) as BuiltInRole[];

export const roleNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9_-]*$/, 'must start with a lowercase letter and use a-z, 0-9, _ or - only');

export const customRoleSchema = z.strictObject({
  name: roleNameSchema.refine((name) => !(name in builtInRoles), 'is a built-in role and cannot be redefined'),
  description: z.string().max(500).optional(),
  permissions: z.array(patternSchema).min(1, 'needs at least one permission').max(200),
});

export type CustomRole = z.infer<typeof customRoleSchema>;

export function parseCustomRole(input: unknown): CustomRole {
  return parseWith(customRoleSchema, input, 'role');
}

/** What a set of roles may do, before policies (deny rules, conditions) are applied. */
export interface PermissionSet {
  has(permission: string): boolean;
}

export function resolvePermissions(roles: readonly string[], customRoles: readonly CustomRole[] = []): PermissionSet {
  const byName = new Map<string, readonly string[]>(Object.entries(builtInRoles));
  for (const role of customRoles) byName.set(role.name, role.permissions);
  const patterns = roles.flatMap((role) => byName.get(role) ?? []);
  const test = patterns.length ? compilePatterns(patterns) : () => false;
  return { has: (permission) => test(permission) };
}

/** The allow rules that grant each role its permissions (one rule per role). */
export function rolesAsPolicy(id: string, roles: Readonly<Record<string, readonly string[]>>): PolicyInput {
  const rules = Object.entries(roles).map(([name, permissions]) => ({
    id: `role:${name}`,
    description: `permissions of the ${name} role`,
    effect: 'allow' as const,
    actions: [...permissions],
    roles: [name],
  }));
  if (!rules.length) throw new AuterityError('invalid_input', `${id}: no roles to turn into a policy`);
  return { id, rules };
}

export const builtInRolesPolicy = (): PolicyInput => rolesAsPolicy('builtin-roles', builtInRoles);

export function customRolesPolicy(roles: readonly CustomRole[]): PolicyInput | null {
  return roles.length ? rolesAsPolicy('tenant-roles', Object.fromEntries(roles.map((role) => [role.name, role.permissions]))) : null;
}
