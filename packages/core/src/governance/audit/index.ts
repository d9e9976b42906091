export { createAuditLog, auditEventSchema, retentionSchema } from './audit-log.js';
export type { AuditEvent, AuditLog, AuditLogOptions, Retention } from './audit-log.js';
export { createMemoryAuditStore } from './store.js';
export type { AuditStore } from './store.js';
export { canonicalJson } from './canonical-json.js';
export type { AuditEntry, AuditRecord, ChainPoint, TamperKind, VerifyResult } from './chain.js';
