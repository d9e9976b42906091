// Approval chains (configuration) and the rules of who may act on a request at a given moment.
import { z } from 'zod';
import { roleNameSchema } from '../roles/roles.js';

export const approvalLevelSchema = z
  .strictObject({
    role: roleNameSchema,
    /** Distinct approvals needed at this level. */
    required: z.number().int().min(1).max(50).default(1),
    /** After this long at the level, members with `escalateTo` may act on it as well. */
    escalateAfterMs: z.number().int().positive().optional(),
    escalateTo: roleNameSchema.optional(),
    /** The whole request expires when this level is not completed in time. */
    expiresInMs: z.number().int().positive().optional(),
  })
  .refine((level) => (level.escalateAfterMs === undefined) === (level.escalateTo === undefined), {
    message: 'escalateAfterMs and escalateTo go together',
    path: ['escalateTo'],
  });

export const approvalChainSchema = z.strictObject({
  id: z.string().min(1).max(128),
  description: z.string().max(500).optional(),
  levels: z.array(approvalLevelSchema).min(1, 'needs at least one level').max(10),
  /** Overall lifetime of a request. */
  expiresInMs: z.number().int().positive().optional(),
});

export type ApprovalChain = z.output<typeof approvalChainSchema>;
export type ApprovalChainInput = z.input<typeof approvalChainSchema>;
export type ApprovalLevel = ApprovalChain['levels'][number];

export interface ApprovalVote {
  actorId: string;
  level: number;
  at: number;
  decision: 'approve' | 'reject';
  comment?: string;
}

/** The data an approval machine carries; persisted with its snapshot. */
export interface ApprovalContext {
  chain: ApprovalChain;
  requesterId: string;
  level: number;
  levelStartedAt: number;
  createdAt: number;
  escalated: boolean;
  votes: ApprovalVote[];
  decidedAt: number | null;
}

export interface Approver {
  actorId: string;
  roles: readonly string[];
}

/** Why `approver` may not act now, or null when they may. */
export function ineligibility(context: ApprovalContext, approver: Approver): string | null {
  if (approver.actorId === context.requesterId) return 'nobody approves their own request';
  if (context.votes.some((vote) => vote.actorId === approver.actorId)) return 'this approver already acted on the request';
  const level = context.chain.levels[context.level];
  if (!level) return 'the request is not waiting for approval';
  const allowed = context.escalated && level.escalateTo ? [level.role, level.escalateTo] : [level.role];
  if (!approver.roles.some((role) => allowed.includes(role))) return `level ${context.level + 1} needs the role ${allowed.join(' or ')}`;
  return null;
}

/** When the request next needs attention without anyone acting: expiry or escalation. */
export function timers(context: ApprovalContext): { expiresAt: number | null; escalateAt: number | null } {
  const level = context.chain.levels[context.level];
  const deadlines = [
    context.chain.expiresInMs === undefined ? null : context.createdAt + context.chain.expiresInMs,
    level?.expiresInMs === undefined ? null : context.levelStartedAt + level.expiresInMs,
  ].filter((value): value is number => value !== null);
  return {
    expiresAt: deadlines.length ? Math.min(...deadlines) : null,
    escalateAt: level?.escalateAfterMs !== undefined && !context.escalated ? context.levelStartedAt + level.escalateAfterMs : null,
  };
}
