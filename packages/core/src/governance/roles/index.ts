export {
  builtInRoleNames,
  builtInRoles,
  builtInRolesPolicy,
  customRoleSchema,
  customRolesPolicy,
  parseCustomRole,
  resolvePermissions,
  roleNameSchema,
} from './roles.js';
export type { BuiltInRole, CustomRole, PermissionSet } from './roles.js';
export { createInvitations, createMemoryInvitationStore, invitationRequestSchema } from './invitations.js';
export type { Invitation, InvitationAcceptance, InvitationOptions, InvitationJoin, InvitationRequest, InvitationStore, Invitations } from './invitations.js';
