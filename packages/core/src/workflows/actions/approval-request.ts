// `approval.request`: asks for an approval through governance and completes once it is approved.
// The approval itself is the durable state: it is created once per step (found again by the step's
// idempotency key, `<runId>:<stepId>`), so a step re-run after an engine restart re-attaches to the
// same request instead of asking twice, and completes at once if it was decided meanwhile. While
// waiting, the step wakes on the governance decision (same process) or by polling (any process).
// A rejection or an expiry fails the step (not retried).
import { z } from 'zod';
import { AuterityError } from '../../errors.js';
import { defineAction, type Action } from './types.js';

export interface ApprovalSnapshot {
  id: string;
  status: 'pending' | 'approved' | 'rejected' | 'expired';
}

/** What the action needs from governance (wired in engine.ts). */
export interface ApprovalRequestDeps {
  /** Creates the request; `requesterId` cannot approve it. */
  create(tenantId: string, request: { chain: string; subject: Record<string, unknown>; requesterId: string }): Promise<ApprovalSnapshot>;
  get(tenantId: string, id: string): Promise<ApprovalSnapshot>;
  /** The request a step made before (its subject carries `STEP_KEY`), if any. */
  findByStep(tenantId: string, stepKey: string): Promise<ApprovalSnapshot | undefined>;
  /** Who asks: the actor who started the run when this engine knows it, else the system principal. */
  requesterFor(tenantId: string, runId: string): string;
  /** Subscribes to decisions (approved, rejected, expired) made in this process. */
  onDecided(listener: (approval: { tenantId: string; id: string; status: string }) => void): () => void;
  /** How often to re-read a pending request (decisions made by other processes). Default 1 s. */
  pollMs?: number;
}

/** The subject field holding the step's idempotency key. */
export const STEP_KEY = 'workflowStep';

export const approvalRequestInputSchema = z.strictObject({
  chain: z.string().min(1).max(128),
  subject: z.record(z.string(), z.unknown()).optional(),
});

export function approvalRequestAction(deps: ApprovalRequestDeps): Action<z.output<typeof approvalRequestInputSchema>, { approvalId: string; status: 'approved' }> {
  const pollMs = deps.pollMs ?? 1000;
  return defineAction({
    name: 'approval.request',
    input: approvalRequestInputSchema,
    output: z.strictObject({ approvalId: z.string(), status: z.literal('approved') }),
    async run(ctx) {
      const tenantId = ctx.tenant.id;
      const existing = await deps.findByStep(tenantId, ctx.idempotencyKey);
      const approval =
        existing ??
        (await deps.create(tenantId, {
          chain: ctx.input.chain,
          subject: { ...ctx.input.subject, [STEP_KEY]: ctx.idempotencyKey, runId: ctx.run.id, workflowId: ctx.run.workflowId, stepId: ctx.stepId },
          requesterId: deps.requesterFor(tenantId, ctx.run.id),
        }));
      const status = approval.status === 'pending' ? await waitForDecision(deps, tenantId, approval.id, pollMs, ctx.signal) : approval.status;
      if (status === 'approved') return { approvalId: approval.id, status: 'approved' as const };
      throw new AuterityError('forbidden', `step "${ctx.stepId}": approval "${approval.id}" was ${status}`, { details: { approvalId: approval.id, status } });
    },
  });
}

function waitForDecision(deps: ApprovalRequestDeps, tenantId: string, id: string, pollMs: number, signal: AbortSignal): Promise<ApprovalSnapshot['status']> {
  return new Promise((resolve, reject) => {
    let done = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (outcome: () => void) => {
      if (done) return;
      done = true;
      unsubscribe();
      if (timer !== undefined) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      outcome();
    };
    const onAbort = () => finish(() => reject(signal.reason));
    const unsubscribe = deps.onDecided((approval) => {
      if (approval.tenantId === tenantId && approval.id === id) finish(() => resolve(approval.status as ApprovalSnapshot['status']));
    });
    const poll = async () => {
      try {
        const current = await deps.get(tenantId, id);
        if (current.status !== 'pending') return finish(() => resolve(current.status));
      } catch (error) {
        return finish(() => reject(error));
      }
      if (!done) {
        timer = setTimeout(() => void poll(), pollMs);
        timer.unref?.();
      }
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    // Re-read once after subscribing: a decision made between creation and subscription is not lost.
    void poll();
  });
}
