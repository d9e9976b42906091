export { createApprovals, createMemoryApprovalStore, approvalRequestSchema, approverActionSchema } from './approvals.js';
export type {
  ApprovalListener,
  ApprovalOptions,
  ApprovalRecord,
  ApprovalRequest,
  ApprovalStatus,
  ApprovalStore,
  ApprovalView,
  Approvals,
  ApproverAction,
} from './approvals.js';
export { approvalChainSchema, approvalLevelSchema } from './chain.js';
export type { ApprovalChain, ApprovalChainInput, ApprovalLevel, ApprovalVote } from './chain.js';
