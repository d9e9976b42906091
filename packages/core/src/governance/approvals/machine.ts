// The approval lifecycle as an xstate v5 machine. Time never lives inside the machine: xstate does
// not restore pending `after` delays from a persisted snapshot, so deadlines are data (see
// `timers`) and the service feeds a TICK event when one falls due.
import { assign, setup } from 'xstate';
import { ineligibility, timers, type ApprovalContext, type ApprovalVote } from './chain.js';

export type ApprovalMachineEvent =
  | { type: 'APPROVE'; actorId: string; roles: readonly string[]; at: number; comment?: string }
  | { type: 'REJECT'; actorId: string; roles: readonly string[]; at: number; comment?: string }
  | { type: 'TICK'; at: number };

const vote = (context: ApprovalContext, event: Extract<ApprovalMachineEvent, { actorId: string }>, decision: ApprovalVote['decision']): ApprovalVote[] => [
  ...context.votes,
  { actorId: event.actorId, level: context.level, at: event.at, decision, ...(event.comment ? { comment: event.comment } : {}) },
];

const approvalsAtLevel = (context: ApprovalContext) => context.votes.filter((v) => v.level === context.level && v.decision === 'approve').length;

export const approvalMachine = setup({
  types: { context: {} as ApprovalContext, events: {} as ApprovalMachineEvent, input: {} as ApprovalContext },
  guards: {
    eligible: ({ context, event }) => event.type !== 'TICK' && ineligibility(context, event) === null,
    completesChain: ({ context, event }) => {
      if (event.type !== 'APPROVE' || ineligibility(context, event) !== null) return false;
      const level = context.chain.levels[context.level];
      return context.level === context.chain.levels.length - 1 && approvalsAtLevel(context) + 1 >= (level?.required ?? 1);
    },
    completesLevel: ({ context, event }) => {
      if (event.type !== 'APPROVE' || ineligibility(context, event) !== null) return false;
      return approvalsAtLevel(context) + 1 >= (context.chain.levels[context.level]?.required ?? 1);
    },
    expired: ({ context, event }) => {
      const { expiresAt } = timers(context);
      return event.type === 'TICK' && expiresAt !== null && expiresAt <= event.at;
    },
    escalationDue: ({ context, event }) => {
      const { escalateAt } = timers(context);
      return event.type === 'TICK' && escalateAt !== null && escalateAt <= event.at;
    },
  },
  actions: {
    recordApproval: assign({ votes: ({ context, event }) => (event.type === 'APPROVE' ? vote(context, event, 'approve') : context.votes) }),
    recordRejection: assign({ votes: ({ context, event }) => (event.type === 'REJECT' ? vote(context, event, 'reject') : context.votes) }),
    nextLevel: assign({
      level: ({ context }) => context.level + 1,
      levelStartedAt: ({ event, context }) => (event.type === 'TICK' ? context.levelStartedAt : event.at),
      escalated: false,
    }),
    escalate: assign({ escalated: true }),
    decide: assign({ decidedAt: ({ event }) => event.at }),
  },
}).createMachine({
  id: 'approval',
  context: ({ input }) => input,
  initial: 'pending',
  states: {
    pending: {
      on: {
        APPROVE: [
          { guard: 'completesChain', target: 'approved', actions: ['recordApproval', 'decide'] },
          { guard: 'completesLevel', actions: ['recordApproval', 'nextLevel'] },
          { guard: 'eligible', actions: 'recordApproval' },
        ],
        REJECT: { guard: 'eligible', target: 'rejected', actions: ['recordRejection', 'decide'] },
        TICK: [
          { guard: 'expired', target: 'expired', actions: 'decide' },
          { guard: 'escalationDue', actions: 'escalate' },
        ],
      },
    },
    approved: { type: 'final' },
    rejected: { type: 'final' },
    expired: { type: 'final' },
  },
});
