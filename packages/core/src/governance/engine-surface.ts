// What engine.ts needs from governance, kept to one import.
export { createGovernanceEngine } from './governance-engine.js';
export type { GovernanceEngine, GovernanceOptions, TenantGovernance } from './governance-engine.js';
export type { Invitation } from './roles/index.js';
export { alreadyAccepted } from './roles/invitations.js';
