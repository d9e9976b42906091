// Governance: who may do what (roles, policies, the guard), approvals, redaction and the audit log.
export * from './policies/index.js';
export * from './roles/index.js';
export * from './redaction/index.js';
export * from './audit/index.js';
export * from './approvals/index.js';
