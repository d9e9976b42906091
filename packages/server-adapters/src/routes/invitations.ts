// Invitations to join a tenant (DESIGN §5): /v1/invitations, scopes invitations:read and
// invitations:write, each also governed by the engine (`member:read`, `member:invite`). The signed
// token is returned once, on creation. Accepting is for a person, so only the host's users can: the
// token names its tenant and the member joins it as the host's user id, with the invited roles.
import type { Invitation } from '@auterity/core';
import { z } from 'zod';
import { HttpError, notFound } from '../http/errors.js';
import { memberSchema } from './members.js';
import { defineRoute } from './route.js';
import { idParams, listOf, timestamp } from './schemas.js';

const role = z.string().regex(/^[a-z][a-z0-9_:-]{0,63}$/, { error: 'expected a role name: lowercase letters, digits, "_", ":" and "-", starting with a letter' });

const MAX_EXPIRY_MS = 30 * 24 * 3600 * 1000;

export const invitationSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  email: z.string(),
  roles: z.array(z.string()),
  invitedBy: z.string(),
  createdAt: timestamp,
  expiresAt: timestamp,
  acceptedAt: timestamp.nullable(),
  acceptedBy: z.string().nullable(),
  revokedAt: timestamp.nullable(),
});

const createInvitationBody = z
  .strictObject({
    email: z.email({ error: 'expected an email address' }).max(254),
    roles: z.array(role).min(1).max(50),
    expiresInMs: z.number().int().positive().max(MAX_EXPIRY_MS).optional().meta({ description: 'Lifetime of the token; default 7 days, at most 30.' }),
  })
  .meta({ examples: [{ email: 'grace@example.com', roles: ['editor'] }] });

const acceptBody = z
  .strictObject({
    token: z.string().min(1).max(4096).meta({ description: 'The token from the invitation.' }),
    name: z.string().min(1).max(200).nullable().optional().meta({ description: "The new member's display name." }),
  })
  .meta({ examples: [{ token: 'eyJ0Ijoi….signature', name: 'Grace' }] });

// The invitation's own row, as the tenant's list has it (core revokes and lists; it has no `get`).
async function findInvitation(list: () => Promise<Invitation[]>, id: string): Promise<Invitation> {
  const found = (await list()).find((invitation) => invitation.id === id);
  if (!found) throw notFound(`Invitation ${id.slice(0, 256)} not found.`);
  return found;
}

export const invitationRoutes = [
  defineRoute({
    method: 'GET',
    path: '/invitations',
    operationId: 'listInvitations',
    summary: "List the tenant's invitations (accepted, revoked and expired ones too; never the tokens)",
    tag: 'members',
    scope: 'invitations:read',
    status: 200,
    response: listOf(invitationSchema),
    handle: async ({ tenant }) => ({ data: await tenant.governance.invitations.list() }),
  }),
  defineRoute({
    method: 'POST',
    path: '/invitations',
    operationId: 'createInvitation',
    summary: 'Invite someone to join the tenant with the given roles; the token is in this response only',
    tag: 'members',
    scope: 'invitations:write',
    body: createInvitationBody,
    status: 201,
    response: z.object({ invitation: invitationSchema, token: z.string().meta({ description: 'The signed invitation token, shown only in this response.' }) }),
    handle: async ({ tenant, body }) =>
      tenant.governance.invitations.create({ email: body.email, roles: body.roles, ...(body.expiresInMs !== undefined && { expiresInMs: body.expiresInMs }) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/invitations/{id}',
    operationId: 'getInvitation',
    summary: 'Get an invitation (never its token)',
    tag: 'members',
    scope: 'invitations:read',
    params: idParams,
    status: 200,
    response: invitationSchema,
    handle: async ({ tenant, params }) => findInvitation(() => tenant.governance.invitations.list(), params.id),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/invitations/{id}',
    operationId: 'revokeInvitation',
    summary: 'Revoke an open invitation (idempotent); an accepted one is a 409',
    tag: 'members',
    scope: 'invitations:write',
    params: idParams,
    status: 200,
    response: invitationSchema,
    handle: async ({ tenant, params }) => {
      const { invitations } = tenant.governance;
      const before = await findInvitation(() => invitations.list(), params.id);
      if (before.acceptedAt !== null) throw new HttpError(409, 'conflict', `Invitation ${before.id} was already accepted.`);
      if (before.revokedAt === null) await invitations.revoke(before.id);
      return findInvitation(() => invitations.list(), params.id);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/invitations/accept',
    operationId: 'acceptInvitation',
    summary: "Accept an invitation as the host's signed-in user: joins the token's tenant with the invited roles",
    tag: 'members',
    scope: 'invitations:accept',
    body: acceptBody,
    status: 201,
    response: z.object({ invitation: invitationSchema, member: memberSchema }),
    handle: async ({ engine, principal, body }) => {
      // An API key is a tenant's service credential, not a person who could join a tenant.
      if (principal?.via !== 'host') throw new HttpError(403, 'forbidden', "Invitations are accepted by the host's signed-in users, not with an API key.");
      // The engine checks signature, expiry, revocation and single use, adds the member (a seat),
      // and only then consumes the token: a join that fails leaves it usable.
      return engine.acceptInvitation(body.token, { id: principal.actor.id, ...(body.name !== undefined && { name: body.name }) });
    },
  }),
];
