export type { TenancyContext } from './context.js';
export { createTenantsApi, type TenantsApi } from './tenants.js';
export { createMembersApi, type MembersApi } from './members.js';
export { createApiKey, createTenantApiKeysApi, verifyApiKey, type TenantApiKeysApi } from './api-keys.js';
export { actorSchema, invitationAcceptorSchema } from './schemas.js';
export type * from './types.js';
