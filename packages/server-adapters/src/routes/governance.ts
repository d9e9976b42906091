// A tenant's governance: its own policies, authorization decisions, the audit log and approvals.
// Every operation is also governed by the engine's guard (built-in roles + policies), so a caller
// needs both the API key scope and a role the policies allow; a denial is a 403 naming the rule.
import { policySchema } from '@auterity/core';
import { z } from 'zod';
import { defineRoute } from './route.js';
import { idParams, listOf, timestamp } from './schemas.js';

const ruleReference = z.object({
  layer: z.enum(['isv', 'tenant']),
  policyId: z.string(),
  ruleId: z.string(),
  ruleIndex: z.number().int(),
  effect: z.enum(['allow', 'deny', 'require_approval']),
  approvalChain: z.string().optional(),
});

const decisionSchema = z.object({
  effect: z.enum(['allow', 'deny', 'require_approval']),
  allowed: z.boolean(),
  decidedBy: ruleReference.nullable().meta({ description: 'The deciding rule; null when the default deny applied.' }),
  matched: z.array(ruleReference),
  errors: z.array(z.object({ rule: ruleReference, message: z.string() })),
});

const authorizeBody = z
  .strictObject({
    action: z.string().min(1).max(256),
    resource: z.looseObject({ id: z.string().min(1).max(512) }),
    context: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ examples: [{ action: 'workflow:run', resource: { id: 'workflow:welcome' } }] });

const chainPoint = z.object({ seq: z.number().int(), hash: z.string() });

const auditEntrySchema = z.object({
  tenantId: z.string(),
  seq: z.number().int(),
  at: z.string().meta({ description: 'ISO-8601 time of the append.' }),
  actorId: z.string(),
  action: z.string(),
  resource: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});

const verifySchema = z.union([
  z.object({ ok: z.literal(true), checked: z.number().int(), head: chainPoint.nullable(), anchor: chainPoint.nullable() }),
  z.object({ ok: z.literal(false), kind: z.enum(['edited', 'deleted', 'inserted', 'reordered']), seq: z.number().int(), message: z.string(), checked: z.number().int() }),
]);

const auditQuery = z.object({
  afterSeq: z.coerce.number().int().min(0).optional().meta({ description: 'Entries after this sequence number.' }),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

const approvalStatus = z.enum(['pending', 'approved', 'rejected', 'expired']);

const approvalSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  chainId: z.string(),
  status: approvalStatus,
  requesterId: z.string(),
  subject: z.record(z.string(), z.unknown()),
  level: z.number().int(),
  levels: z.number().int(),
  neededAtLevel: z.object({ role: z.string(), escalatedTo: z.string().nullable(), required: z.number().int(), given: z.number().int() }).nullable(),
  votes: z.array(
    z.object({ actorId: z.string(), level: z.number().int(), at: timestamp, decision: z.enum(['approve', 'reject']), comment: z.string().optional() }),
  ),
  createdAt: timestamp,
  decidedAt: timestamp.nullable(),
  nextTimerAt: timestamp.nullable(),
});

const voteBody = z
  .strictObject({ comment: z.string().max(2000).optional() })
  .optional()
  .meta({ examples: [{ comment: 'Looks good.' }] });

export const governanceRoutes = [
  defineRoute({
    method: 'GET',
    path: '/policies',
    operationId: 'listPolicies',
    summary: "List the tenant's own policies",
    tag: 'governance',
    scope: 'policies:read',
    status: 200,
    response: listOf(policySchema),
    handle: async ({ tenant }) => ({ data: await tenant.governance.policies.list() }),
  }),
  defineRoute({
    method: 'POST',
    path: '/policies',
    operationId: 'putPolicy',
    summary: 'Create or replace a tenant policy (by id)',
    tag: 'governance',
    scope: 'policies:write',
    body: policySchema.meta({ examples: [{ id: 'no-weekend-runs', rules: [{ effect: 'deny', actions: ['workflow:run'], condition: 'context.weekend == true' }] }] }),
    status: 200,
    response: policySchema,
    handle: async ({ tenant, body }) => tenant.governance.policies.put(body),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/policies/{id}',
    operationId: 'removePolicy',
    summary: 'Delete a tenant policy',
    tag: 'governance',
    scope: 'policies:write',
    params: idParams,
    status: 204,
    response: null,
    handle: async ({ tenant, params }) => {
      await tenant.governance.policies.remove(params.id);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/authorize',
    operationId: 'authorize',
    summary: 'Decide whether the caller may perform an action on a resource (and which rules decided)',
    tag: 'governance',
    scope: 'authorize',
    body: authorizeBody,
    status: 200,
    response: decisionSchema,
    handle: async ({ tenant, body }) => tenant.governance.authorize({ action: body.action, resource: body.resource, ...(body.context && { context: body.context }) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/audit',
    operationId: 'listAudit',
    summary: "Read the tenant's audit log in sequence order",
    tag: 'governance',
    scope: 'audit:read',
    query: auditQuery,
    status: 200,
    response: listOf(auditEntrySchema),
    handle: async ({ tenant, query }) => ({
      data: await tenant.governance.audit.list({ limit: query.limit, ...(query.afterSeq !== undefined && { afterSeq: query.afterSeq }) }),
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/audit/verify',
    operationId: 'verifyAudit',
    summary: "Verify the tenant's audit hash chain",
    tag: 'governance',
    scope: 'audit:read',
    status: 200,
    response: verifySchema,
    handle: async ({ tenant }) => tenant.governance.audit.verify(),
  }),
  defineRoute({
    method: 'GET',
    path: '/approvals',
    operationId: 'listApprovals',
    summary: "List the tenant's approval requests",
    tag: 'governance',
    scope: 'approvals:read',
    query: z.object({ status: approvalStatus.optional() }),
    status: 200,
    response: listOf(approvalSchema),
    handle: async ({ tenant, query }) => ({ data: await tenant.governance.approvals.list(query.status ? { status: query.status } : {}) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/approvals/{id}',
    operationId: 'getApproval',
    summary: 'Get an approval request',
    tag: 'governance',
    scope: 'approvals:read',
    params: idParams,
    status: 200,
    response: approvalSchema,
    handle: async ({ tenant, params }) => tenant.governance.approvals.get(params.id),
  }),
  defineRoute({
    method: 'POST',
    path: '/approvals/{id}/approve',
    operationId: 'approveApproval',
    summary: 'Approve at the current level (the caller must hold its role)',
    tag: 'governance',
    scope: 'approvals:write',
    params: idParams,
    body: voteBody,
    status: 200,
    response: approvalSchema,
    handle: async ({ tenant, params, body }) => tenant.governance.approvals.approve(params.id, body?.comment),
  }),
  defineRoute({
    method: 'POST',
    path: '/approvals/{id}/reject',
    operationId: 'rejectApproval',
    summary: 'Reject at the current level (the caller must hold its role)',
    tag: 'governance',
    scope: 'approvals:write',
    params: idParams,
    body: voteBody,
    status: 200,
    response: approvalSchema,
    handle: async ({ tenant, params, body }) => tenant.governance.approvals.reject(params.id, body?.comment),
  }),
];
