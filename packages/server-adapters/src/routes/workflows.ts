// A tenant's workflows (DESIGN §3): definitions and their versions, runs and their controls, the
// live event stream of a run (SSE with Last-Event-ID resume), dead letters and emitted events.
// Scopes: workflows:read|write, runs:read|write, events:write. The webhook trigger is public: its
// token (`<tenant>.<workflow>.<secret>`, from the workflow's `webhookToken`) is the credential.
import { workflowDefinitionSchema } from '@auterity/core';
import { z } from 'zod';
import { HttpError } from '../http/errors.js';
import { lastEventIdOf, sseResponse } from '../http/sse.js';
import { defineRoute } from './route.js';
import { idParams, listOf, timestamp } from './schemas.js';

const serializedError = z.object({ message: z.string(), code: z.string().optional(), name: z.string().optional() });
const runStatus = z.enum(['queued', 'running', 'paused', 'waiting', 'succeeded', 'failed', 'cancelled']);

const workflowSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  latestVersion: z.number().int(),
  webhookToken: z.string().nullable().meta({ description: 'Secret path segment of the webhook URL, for workflows with a webhook trigger.' }),
  createdAt: timestamp,
  updatedAt: timestamp,
});

const workflowVersionSchema = z.object({
  id: z.string(),
  version: z.number().int(),
  name: z.string(),
  definition: workflowDefinitionSchema,
  createdAt: timestamp,
});

const stepRunSchema = z.object({
  id: z.string(),
  status: z.enum(['pending', 'ready', 'running', 'retrying', 'succeeded', 'failed', 'skipped', 'cancelled']),
  attempts: z.number().int(),
  output: z.unknown(),
  error: serializedError.nullable(),
  startedAt: timestamp.nullable(),
  finishedAt: timestamp.nullable(),
  durationMs: z.number().nullable(),
});

const workflowRunSchema = z.object({
  id: z.string(),
  workflowId: z.string(),
  version: z.number().int(),
  status: runStatus,
  priority: z.number(),
  input: z.unknown(),
  output: z.unknown(),
  error: serializedError.nullable(),
  deadLettered: z.boolean(),
  parentRunId: z.string().nullable(),
  createdAt: timestamp,
  startedAt: timestamp.nullable(),
  finishedAt: timestamp.nullable(),
  durationMs: z.number().nullable(),
  steps: z.array(stepRunSchema),
});

const runEventSchema = z.object({
  runId: z.string(),
  seq: z.number().int().meta({ description: '1, 2, 3… per run; also the SSE event id.' }),
  type: z.string().meta({ description: 'run.started, step.started, step.completed, step.failed, step.retrying, run.completed, …' }),
  at: timestamp,
  stepId: z.string().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});

const definitionBody = workflowDefinitionSchema.meta({
  examples: [{ name: 'welcome', steps: [{ id: 'score', action: 'transform', input: { expression: 'input.size * 2' } }] }],
});

const startBody = z
  .strictObject({
    input: z.unknown().optional(),
    priority: z.number().int().min(-1000).max(1000).optional(),
    version: z.number().int().min(1).optional().meta({ description: 'Pin an older version; default the latest.' }),
    idempotencyKey: z.string().min(1).max(256).optional().meta({ description: 'A second start with the same key returns the first run.' }),
  })
  .optional()
  .meta({ examples: [{ input: { size: 21 } }] });

const webhookParams = z.object({
  workflowId: z.string().min(1).max(256).meta({ description: 'The workflow the token belongs to.' }),
  token: z.string().min(1).max(1024).meta({ description: "The workflow's `webhookToken`." }),
});

const unknownWebhook = () => new HttpError(404, 'not_found', 'Unknown webhook.');

const runControl = (action: 'pause' | 'resume' | 'cancel' | 'retry', summary: string) =>
  defineRoute({
    method: 'POST',
    path: `/runs/{id}/${action}`,
    operationId: `${action}Run`,
    summary,
    tag: 'workflows',
    scope: 'runs:write',
    params: idParams,
    status: 200,
    response: workflowRunSchema,
    handle: async ({ tenant, params }) => tenant.workflows.runs[action](params.id),
  });

export const workflowRoutes = [
  defineRoute({
    method: 'GET',
    path: '/workflows',
    operationId: 'listWorkflows',
    summary: "List the tenant's workflows",
    tag: 'workflows',
    scope: 'workflows:read',
    status: 200,
    response: listOf(workflowSummarySchema),
    handle: async ({ tenant }) => ({ data: await tenant.workflows.list() }),
  }),
  defineRoute({
    method: 'POST',
    path: '/workflows',
    operationId: 'createWorkflow',
    summary: 'Store a workflow definition as a new workflow (version 1)',
    tag: 'workflows',
    scope: 'workflows:write',
    body: definitionBody,
    status: 201,
    response: workflowVersionSchema,
    handle: async ({ tenant, body }) => tenant.workflows.save(body),
  }),
  defineRoute({
    method: 'GET',
    path: '/workflows/{id}',
    operationId: 'getWorkflow',
    summary: 'Get a workflow definition (the latest version unless `version` is given)',
    tag: 'workflows',
    scope: 'workflows:read',
    params: idParams,
    query: z.object({ version: z.coerce.number().int().min(1).optional() }),
    status: 200,
    response: workflowVersionSchema,
    handle: async ({ tenant, params, query }) => tenant.workflows.get(params.id, query.version),
  }),
  defineRoute({
    method: 'PUT',
    path: '/workflows/{id}',
    operationId: 'updateWorkflow',
    summary: 'Store a new version of a workflow (runs in flight keep the version they started on)',
    tag: 'workflows',
    scope: 'workflows:write',
    params: idParams,
    body: definitionBody,
    status: 200,
    response: workflowVersionSchema,
    handle: async ({ tenant, params, body }) => {
      await tenant.workflows.get(params.id); // 404 rather than creating a workflow under a chosen id
      return tenant.workflows.save(body, { id: params.id });
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/workflows/{id}/runs',
    operationId: 'startRun',
    summary: 'Start a run',
    tag: 'workflows',
    scope: 'runs:write',
    params: idParams,
    body: startBody,
    status: 201,
    response: workflowRunSchema,
    handle: async ({ tenant, params, body }) => tenant.workflows.start(params.id, body ?? {}),
  }),
  defineRoute({
    method: 'GET',
    path: '/runs',
    operationId: 'listRuns',
    summary: 'List runs, newest first',
    tag: 'workflows',
    scope: 'runs:read',
    query: z.object({
      status: runStatus.optional(),
      workflowId: z.string().min(1).max(256).optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
    }),
    status: 200,
    response: listOf(workflowRunSchema),
    handle: async ({ tenant, query }) => ({
      data: await tenant.workflows.runs.list({
        limit: query.limit,
        ...(query.status && { status: query.status }),
        ...(query.workflowId && { workflowId: query.workflowId }),
      }),
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/runs/{id}',
    operationId: 'getRun',
    summary: 'Get a run with its steps',
    tag: 'workflows',
    scope: 'runs:read',
    params: idParams,
    status: 200,
    response: workflowRunSchema,
    handle: async ({ tenant, params }) => tenant.workflows.runs.get(params.id),
  }),
  runControl('pause', 'Pause a run'),
  runControl('resume', 'Resume a paused run'),
  runControl('cancel', 'Cancel a run'),
  runControl('retry', 'Retry a failed run from its failed steps'),
  defineRoute({
    method: 'GET',
    path: '/runs/{id}/events',
    operationId: 'streamRunEvents',
    summary: "A run's events as server-sent events, following live until the run ends; resumes after Last-Event-ID",
    tag: 'workflows',
    scope: 'runs:read',
    params: idParams,
    status: 200,
    response: runEventSchema,
    responseType: 'text/event-stream',
    handle: async ({ tenant, params, request }) => {
      const last = lastEventIdOf(request);
      if (last !== null && !/^\d{1,15}$/.test(last)) {
        throw new HttpError(400, 'invalid_input', 'Last-Event-ID must be an event sequence number.', [{ path: 'Last-Event-ID', message: 'expected a non-negative integer' }]);
      }
      const runs = tenant.workflows.runs;
      await runs.get(params.id); // a 404 as JSON before the stream starts
      return sseResponse(request, async function* ({ signal }) {
        for await (const event of runs.events(params.id, { after: last === null ? 0 : Number(last), signal })) {
          yield { id: String(event.seq), event: event.type, data: event };
        }
      });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/dead-letters',
    operationId: 'listDeadLetters',
    summary: 'Runs that failed for good, newest first',
    tag: 'workflows',
    scope: 'runs:read',
    query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
    status: 200,
    response: listOf(workflowRunSchema),
    handle: async ({ tenant, query }) => ({ data: await tenant.workflows.deadLetters.list({ limit: query.limit }) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/dead-letters/{id}/redrive',
    operationId: 'redriveRun',
    summary: 'Retry a dead-lettered run and take it off the queue',
    tag: 'workflows',
    scope: 'runs:write',
    params: idParams,
    status: 200,
    response: workflowRunSchema,
    handle: async ({ tenant, params }) => tenant.workflows.deadLetters.redrive(params.id),
  }),
  defineRoute({
    method: 'POST',
    path: '/hooks/{workflowId}/{token}',
    operationId: 'triggerWebhook',
    summary: 'Start a workflow with a webhook trigger; the JSON body is the run input. 404 for any unknown or wrong token or workflow.',
    tag: 'workflows',
    scope: null, // the token in the path is the credential
    params: webhookParams,
    body: z.unknown().optional().meta({ description: "Any JSON value: the run's `input` (null when the body is empty)." }),
    status: 202,
    response: z.object({ runId: z.string(), status: runStatus }),
    handle: async ({ engine, params, body }) => {
      // The token names its workflow; one named differently in the path is as unknown as a wrong secret.
      if (params.token.split('.')[1] !== params.workflowId) throw unknownWebhook();
      const run = await engine.workflows.webhook(params.token, body ?? null);
      return { runId: run.id, status: run.status };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/events',
    operationId: 'emitEvent',
    summary: 'Emit an event: starts workflows with a matching event trigger and wakes steps waiting for it',
    tag: 'workflows',
    scope: 'events:write',
    body: z.strictObject({ name: z.string().min(1).max(200), payload: z.unknown().optional() }).meta({ examples: [{ name: 'lead.created', payload: { size: 12 } }] }),
    status: 202,
    response: z.object({ id: z.string(), runs: z.array(z.string()) }),
    handle: async ({ tenant, body }) => tenant.events.emit(body.name, body.payload),
  }),
];
