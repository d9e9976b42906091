// Invitations in SQL; acceptance and revocation are conditional updates, so each happens once.
import { json, type InvitationsTable } from '../../storage/index.js';
import type { ScopeProvider } from '../scope-provider.js';
import type { Invitation, InvitationStore } from './invitations.js';

const toInvitation = (row: InvitationsTable): Invitation => ({
  tenantId: row.tenant_id,
  id: row.id,
  email: row.email,
  roles: json.parse<string[]>(row.roles),
  invitedBy: row.invited_by,
  createdAt: Number(row.created_at),
  expiresAt: Number(row.expires_at),
  acceptedAt: row.accepted_at === null ? null : Number(row.accepted_at),
  acceptedBy: row.accepted_by,
  revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
});

export function createSqlInvitationStore(scopeFor: ScopeProvider): InvitationStore {
  return {
    async insert(invitation) {
      await scopeFor(invitation.tenantId)
        .insertInto('invitations')
        .values({
          id: invitation.id,
          email: invitation.email,
          roles: json.stringify(invitation.roles),
          invited_by: invitation.invitedBy,
          created_at: invitation.createdAt,
          expires_at: invitation.expiresAt,
          accepted_at: null,
          accepted_by: null,
          revoked_at: null,
        })
        .execute();
    },
    async get(tenantId, id) {
      const row = await scopeFor(tenantId).selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toInvitation(row);
    },
    async list(tenantId) {
      return (await scopeFor(tenantId).selectFrom('invitations').selectAll().orderBy('created_at').orderBy('id').execute()).map(toInvitation);
    },
    async markAccepted(tenantId, id, at, acceptedBy) {
      const result = await scopeFor(tenantId)
        .updateTable('invitations')
        .set({ accepted_at: at, accepted_by: acceptedBy })
        .where('id', '=', id)
        .where('accepted_at', 'is', null)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async markRevoked(tenantId, id, at) {
      const result = await scopeFor(tenantId)
        .updateTable('invitations')
        .set({ revoked_at: at })
        .where('id', '=', id)
        .where('accepted_at', 'is', null)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}
