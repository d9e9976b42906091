// A tenant's members: /v1/members, scopes members:read and members:write.
import { z } from 'zod';
import { defineRoute } from './route.js';
import { idParams, listOf, timestamp } from './schemas.js';

const role = z.string().regex(/^[a-z][a-z0-9_:-]{0,63}$/, { error: 'expected a role name: lowercase letters, digits, "_", ":" and "-", starting with a letter' });
const email = z.email({ error: 'expected an email address' }).max(254);
const name = z.string().min(1).max(200);

export const memberSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  roles: z.array(z.string()),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const addMemberBody = z
  .strictObject({
    id: z.string().min(1).max(128).optional().meta({ description: "The host's user id; default a new `mem_…` id." }),
    email,
    name: name.nullable().optional(),
    roles: z.array(role).min(1).max(50),
  })
  .meta({ examples: [{ email: 'ada@example.com', name: 'Ada', roles: ['editor'] }] });

export const updateMemberBody = z
  .strictObject({
    email: email.optional(),
    name: name.nullable().optional(),
    roles: z.array(role).min(1).max(50).optional(),
  })
  .meta({ examples: [{ roles: ['viewer'] }] });

export const memberRoutes = [
  defineRoute({
    method: 'GET',
    path: '/members',
    operationId: 'listMembers',
    summary: "List the tenant's members",
    tag: 'members',
    scope: 'members:read',
    status: 200,
    response: listOf(memberSchema),
    handle: async ({ tenant }) => ({ data: await tenant.members.list() }),
  }),
  defineRoute({
    method: 'POST',
    path: '/members',
    operationId: 'addMember',
    summary: 'Add a member',
    tag: 'members',
    scope: 'members:write',
    body: addMemberBody,
    status: 201,
    response: memberSchema,
    handle: async ({ tenant, body }) => tenant.members.add(body),
  }),
  defineRoute({
    method: 'GET',
    path: '/members/{id}',
    operationId: 'getMember',
    summary: 'Get a member',
    tag: 'members',
    scope: 'members:read',
    params: idParams,
    status: 200,
    response: memberSchema,
    handle: async ({ tenant, params }) => tenant.members.get(params.id),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/members/{id}',
    operationId: 'updateMember',
    summary: "Change a member's email, name or roles",
    tag: 'members',
    scope: 'members:write',
    params: idParams,
    body: updateMemberBody,
    status: 200,
    response: memberSchema,
    handle: async ({ tenant, params, body }) => tenant.members.update(params.id, body),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/members/{id}',
    operationId: 'removeMember',
    summary: 'Remove a member',
    tag: 'members',
    scope: 'members:write',
    params: idParams,
    status: 204,
    response: null,
    handle: async ({ tenant, params }) => {
      await tenant.members.remove(params.id);
    },
  }),
];
