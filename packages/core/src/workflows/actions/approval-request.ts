// `approval.request`: asks for an approval through governance and parks the run until it is decided.
// The approval is created once per step (found again by the step's idempotency key,
// `<runId>:<stepId>`), so a step re-run after an engine restart re-attaches to the same request
// instead of asking twice, and completes at once if it was decided meanwhile. While the request is
// pending the step holds no slot and nothing polls: like `event.wait`, the run waits durably for the
// engine's `approval.decided` event (emitted when governance records a final decision) whose
// `approvalId` is the request's. Events are buffered, so a decision made while the action was still
// creating the request is not lost. A rejection or an expiry fails the step (not retried).
import { z } from 'zod';
import { AuterityError } from '../../errors.js';
import { RESUME, type ActionRuntime, type ResumeEvent } from './runtime.js';
import { defineAction, type Action, type ActionRunContext } from './types.js';

/** The event the engine emits when an approval is approved, rejected or expires. Tenants cannot emit it. */
export const APPROVAL_DECIDED_EVENT = 'approval.decided';

export type ApprovalOutcome = 'approved' | 'rejected' | 'expired';

/** What governance tells about a request (an approval view has these fields). */
export interface ApprovalSnapshot {
  id: string;
  status: 'pending' | ApprovalOutcome;
  votes: readonly { actorId: string; decision: 'approve' | 'reject' }[];
  decidedAt: number | null;
}

/** The payload of `approval.decided`. */
export interface ApprovalDecision {
  approvalId: string;
  status: ApprovalOutcome;
  /** Whoever made the final decision: the last approver, the rejecter; null when it expired. */
  decidedBy: string | null;
  decidedAt: number | null;
}

/** What the action needs from governance (wired in engine.ts). */
export interface ApprovalRequestDeps {
  /** Creates the request under the step's key; `requesterId` cannot approve it. */
  create(tenantId: string, request: { chain: string; subject: Record<string, unknown>; requesterId: string; key: string }): Promise<ApprovalSnapshot>;
  /**
   * The request a step made before, by its key, if any. Only a request made by `requesterId`
   * counts, so nobody can pre-create a step's request and become its requester.
   */
  findByStep(tenantId: string, stepKey: string, requesterId: string): Promise<ApprovalSnapshot | undefined>;
  /** The requester of runs no actor started (webhook, cron, event, sub-workflow). */
  systemRequesterId: string;
}

/** The subject field showing the step's idempotency key (the request's key too). */
export const STEP_KEY = 'workflowStep';

export const approvalRequestInputSchema = z.strictObject({
  chain: z.string().min(1).max(128),
  subject: z.record(z.string(), z.unknown()).optional(),
});

const approvalRequestOutputSchema = z.strictObject({
  approvalId: z.string(),
  status: z.literal('approved'),
  decidedBy: z.string().nullable(),
  decidedAt: z.number().nullable(),
});

export type ApprovalRequestOutput = z.output<typeof approvalRequestOutputSchema>;

const decisionSchema = z.object({
  approvalId: z.string(),
  status: z.enum(['approved', 'rejected', 'expired']),
  decidedBy: z.string().nullable(),
  decidedAt: z.number().nullable(),
});

/** The `approval.decided` payload for a decided request (the engine emits it). */
export function approvalDecision(approval: ApprovalSnapshot & { status: ApprovalOutcome }): ApprovalDecision {
  const deciding = approval.status === 'approved' ? 'approve' : 'reject';
  const vote = approval.status === 'expired' ? undefined : approval.votes.findLast((v) => v.decision === deciding);
  return { approvalId: approval.id, status: approval.status, decidedBy: vote?.actorId ?? null, decidedAt: approval.decidedAt };
}

/** The step's output for an approval, or its failure for a rejection or an expiry. */
function settle(stepId: string, decision: ApprovalDecision): ApprovalRequestOutput {
  const { approvalId, status, decidedBy, decidedAt } = decision;
  if (status === 'approved') return { approvalId, status, decidedBy, decidedAt };
  throw new AuterityError('forbidden', `step "${stepId}": approval "${approvalId}" was ${status}${decidedBy ? ` by ${decidedBy}` : ''}`, {
    details: { approvalId, status, decidedBy },
  });
}

function resume(event: ResumeEvent, step: { id: string }): ApprovalRequestOutput {
  const decision = decisionSchema.safeParse(event.payload);
  if (!decision.success) throw new AuterityError('internal', `step "${step.id}": malformed ${APPROVAL_DECIDED_EVENT} event`);
  return settle(step.id, decision.data);
}

export function approvalRequestAction(deps: ApprovalRequestDeps): Action<z.output<typeof approvalRequestInputSchema>, ApprovalRequestOutput> {
  const action = defineAction({
    name: 'approval.request',
    input: approvalRequestInputSchema,
    output: approvalRequestOutputSchema,
    async run(ctx) {
      const runtime = (arguments as unknown as [ActionRunContext<unknown>, ActionRuntime])[1];
      const tenantId = ctx.tenant.id;
      const approval =
        (await deps.findByStep(tenantId, ctx.idempotencyKey, ctx.run.startedBy ?? deps.systemRequesterId)) ??
        (await deps.create(tenantId, {
          chain: ctx.input.chain,
          subject: { ...ctx.input.subject, [STEP_KEY]: ctx.idempotencyKey, runId: ctx.run.id, workflowId: ctx.run.workflowId, stepId: ctx.stepId },
          // The persisted starter of the run, on whichever engine runs the step: they cannot approve it.
          requesterId: ctx.run.startedBy ?? deps.systemRequesterId,
          key: ctx.idempotencyKey,
        }));
      if (approval.status === 'pending') throw runtime.park({ event: APPROVAL_DECIDED_EVENT, match: { approvalId: approval.id } });
      return settle(ctx.stepId, approvalDecision({ ...approval, status: approval.status }));
    },
  });
  return Object.freeze(Object.assign(Object.create(null) as object, action, { [RESUME]: resume })) as typeof action;
}
