// Approval requests: created when a policy says `require_approval` (or by the executor's
// `approval.request` step), acted on by approvers, expired or escalated by `processDue`. Each change
// restores the machine from its persisted snapshot, sends one event and persists the result with
// an optimistic version check, so concurrent approvers cannot lose each other's votes. A final
// decision is saved as undelivered, in the same write, until every `onDecided` listener has heard
// of it: `redeliver` tells them again of the ones a crash or a failing listener left untold.
import { randomBytes } from 'node:crypto';
import { createActor, type SnapshotFrom } from 'xstate';
import { z } from 'zod';
import { AuterityError } from '../../errors.js';
import { parseWith } from '../validation.js';
import { approvalChainSchema, ineligibility, timers, type ApprovalChain, type ApprovalChainInput, type ApprovalContext, type ApprovalVote } from './chain.js';
import { approvalMachine, type ApprovalMachineEvent } from './machine.js';

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'expired';

export interface ApprovalRecord {
  tenantId: string;
  id: string;
  chainId: string;
  status: ApprovalStatus;
  requesterId: string;
  subject: Record<string, unknown>;
  /** The machine's persisted snapshot (JSON-safe). */
  snapshot: unknown;
  /** When `processDue` should next look at it (expiry or escalation); null when nothing is due. */
  nextTimerAt: number | null;
  /** The requester's own key for the request, to find it again (`findByKey`); null when none was given. */
  key: string | null;
  /** When the final decision was made, while the `onDecided` listeners have not all heard of it; else null. */
  undeliveredSince: number | null;
  version: number;
  createdAt: number;
  updatedAt: number;
}

export interface ApprovalStore {
  insert(record: ApprovalRecord): Promise<void>;
  get(tenantId: string, id: string): Promise<ApprovalRecord | undefined>;
  /** Replaces the record if its stored version is `expectedVersion`; false otherwise. */
  update(record: ApprovalRecord, expectedVersion: number): Promise<boolean>;
  list(tenantId: string, options?: { status?: ApprovalStatus }): Promise<ApprovalRecord[]>;
  /** The oldest record `requesterId` created with `key`, if any. */
  findByKey(tenantId: string, key: string, requesterId: string): Promise<ApprovalRecord | undefined>;
  /** Pending records whose timer is due at `now`, oldest first. */
  due(tenantId: string, now: number, limit: number): Promise<ApprovalRecord[]>;
  /** Decided records still undelivered since `before` or earlier, oldest first. */
  undelivered(tenantId: string, before: number, limit: number): Promise<ApprovalRecord[]>;
  /** Records that every listener heard of the decision. */
  markDelivered(tenantId: string, id: string): Promise<void>;
}

export interface ApprovalView {
  id: string;
  tenantId: string;
  chainId: string;
  status: ApprovalStatus;
  requesterId: string;
  subject: Record<string, unknown>;
  /** 0-based index of the level waiting for approval (the last level once decided). */
  level: number;
  levels: number;
  neededAtLevel: { role: string; escalatedTo: string | null; required: number; given: number } | null;
  votes: ApprovalVote[];
  createdAt: number;
  decidedAt: number | null;
  nextTimerAt: number | null;
}

/** May return a promise, which is awaited: a decision is reported only once every listener handled it. */
export type ApprovalListener = (approval: ApprovalView) => unknown;

export const approvalRequestSchema = z.strictObject({
  chain: z.string().min(1),
  requesterId: z.string().min(1),
  /** What is being approved, e.g. `{ action, resource, runId, stepId }`. */
  subject: z.record(z.string(), z.unknown()).default({}),
  /** The requester's own key for this request (such as a workflow step's), to find it again with `findByKey`. */
  key: z.string().min(1).max(256).optional(),
});

export const approverActionSchema = z.strictObject({
  actorId: z.string().min(1),
  roles: z.array(z.string()),
  comment: z.string().max(2000).optional(),
});

export type ApprovalRequest = z.input<typeof approvalRequestSchema>;
export type ApproverAction = z.input<typeof approverActionSchema>;

export interface Approvals {
  create(tenantId: string, request: ApprovalRequest): Promise<ApprovalView>;
  approve(tenantId: string, id: string, action: ApproverAction): Promise<ApprovalView>;
  reject(tenantId: string, id: string, action: ApproverAction): Promise<ApprovalView>;
  get(tenantId: string, id: string): Promise<ApprovalView>;
  list(tenantId: string, options?: { status?: ApprovalStatus }): Promise<ApprovalView[]>;
  /** The request `requesterId` made with `key` (the first, should there be several), if any. */
  findByKey(tenantId: string, key: string, requesterId: string): Promise<ApprovalView | undefined>;
  /** Applies expiries and escalations that are due; returns the requests it changed. */
  processDue(tenantId: string): Promise<ApprovalView[]>;
  /**
   * Tells the `onDecided` listeners again of decisions made `graceMs` ago or earlier that they have
   * not all heard of (the process stopped in between, or a listener failed); returns those requests.
   */
  redeliver(tenantId: string, options?: { graceMs?: number; limit?: number }): Promise<ApprovalView[]>;
  /** Called (and awaited) once per request when it is approved, rejected or expires. Returns an unsubscribe. */
  onDecided(listener: ApprovalListener): () => void;
}

export interface ApprovalOptions {
  chains: readonly ApprovalChainInput[];
  store: ApprovalStore;
  now?: () => number;
  /** Receives every change, e.g. to append it to the audit log. */
  onChange?: (tenantId: string, change: { approval: ApprovalView; event: string; actorId: string }) => Promise<void>;
}

type ApprovalSnapshot = SnapshotFrom<typeof approvalMachine>;

function view(record: ApprovalRecord, snapshot: ApprovalSnapshot): ApprovalView {
  const context = snapshot.context;
  const level = context.chain.levels[context.level];
  return {
    id: record.id,
    tenantId: record.tenantId,
    chainId: record.chainId,
    status: record.status,
    requesterId: record.requesterId,
    subject: record.subject,
    level: context.level,
    levels: context.chain.levels.length,
    neededAtLevel:
      record.status === 'pending' && level
        ? {
            role: level.role,
            escalatedTo: context.escalated ? (level.escalateTo ?? null) : null,
            required: level.required,
            given: context.votes.filter((v) => v.level === context.level && v.decision === 'approve').length,
          }
        : null,
    votes: context.votes,
    createdAt: record.createdAt,
    decidedAt: context.decidedAt,
    nextTimerAt: record.nextTimerAt,
  };
}

const restore = (record: ApprovalRecord) => createActor(approvalMachine, { snapshot: record.snapshot as ApprovalSnapshot, input: (record.snapshot as ApprovalSnapshot).context });

function nextTimer(snapshot: ApprovalSnapshot): number | null {
  if (snapshot.value !== 'pending') return null;
  const { expiresAt, escalateAt } = timers(snapshot.context);
  const due = [expiresAt, escalateAt].filter((value): value is number => value !== null);
  return due.length ? Math.min(...due) : null;
}

export function createApprovals(options: ApprovalOptions): Approvals {
  const chains = new Map<string, ApprovalChain>();
  options.chains.forEach((input, index) => {
    const chain = parseWith(approvalChainSchema, input, 'approval chain', `chains[${index}]`);
    if (chains.has(chain.id)) throw new AuterityError('invalid_options', `approval chain "${chain.id}" is defined twice`);
    chains.set(chain.id, chain);
  });
  const now = options.now ?? Date.now;
  const listeners = new Set<ApprovalListener>();
  // Every listener hears of the decision even when one fails; the first failure is then the caller's
  // (the decision itself is recorded: what failed is telling others, e.g. resuming a waiting run).
  const notifyDecided = async (approval: ApprovalView) => {
    const results = await Promise.allSettled([...listeners].map(async (listener) => listener(approval)));
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  };

  const deliver = async (approval: ApprovalView) => {
    await notifyDecided(approval);
    await options.store.markDelivered(approval.tenantId, approval.id);
  };

  const load = async (tenantId: string, id: string): Promise<ApprovalRecord> => {
    const record = await options.store.get(tenantId, id);
    if (!record) throw new AuterityError('not_found', `approval "${id}" not found`);
    return record;
  };

  const transition = async (tenantId: string, id: string, actorId: string, makeEvent: (record: ApprovalRecord, context: ApprovalContext) => ApprovalMachineEvent, label: string) => {
    // Optimistic concurrency: retry from a fresh read when another writer got there first.
    for (let attempt = 0; attempt < 5; attempt++) {
      const record = await load(tenantId, id);
      const actor = restore(record).start();
      const before = actor.getSnapshot();
      const event = makeEvent(record, before.context);
      actor.send(event);
      const after = actor.getSnapshot();
      actor.stop();
      if (after === before) return { changed: false as const, approval: view(record, before) };
      const status = after.value as ApprovalStatus;
      const next: ApprovalRecord = {
        ...record,
        status,
        // A change out of pending is the final decision: undelivered until `deliver` records otherwise.
        undeliveredSince: status === 'pending' ? null : event.at,
        snapshot: JSON.parse(JSON.stringify(actor.getPersistedSnapshot())) as unknown,
        nextTimerAt: nextTimer(after),
        version: record.version + 1,
        updatedAt: event.at,
      };
      if (!(await options.store.update(next, record.version))) continue;
      const approval = view(next, after);
      await options.onChange?.(tenantId, { approval, event: label, actorId });
      if (status !== 'pending') await deliver(approval);
      return { changed: true as const, approval };
    }
    throw new AuterityError('conflict', `approval "${id}" is being changed concurrently; try again`);
  };

  const act = (kind: 'APPROVE' | 'REJECT') => async (tenantId: string, id: string, input: ApproverAction) => {
    const action = parseWith(approverActionSchema, input, 'approval action');
    const result = await transition(
      tenantId,
      id,
      action.actorId,
      (record, context) => {
        if (record.status !== 'pending') throw new AuterityError('conflict', `approval "${id}" is already ${record.status}`);
        const reason = ineligibility(context, action);
        if (reason) throw new AuterityError('forbidden', `cannot ${kind === 'APPROVE' ? 'approve' : 'reject'} "${id}": ${reason}`, { details: { approvalId: id } });
        return { type: kind, actorId: action.actorId, roles: action.roles, at: now(), ...(action.comment ? { comment: action.comment } : {}) };
      },
      kind === 'APPROVE' ? 'approval.approved' : 'approval.rejected',
    );
    return result.approval;
  };

  return {
    async create(tenantId, input) {
      const request = parseWith(approvalRequestSchema, input, 'approval request');
      const chain = chains.get(request.chain);
      if (!chain) throw new AuterityError('invalid_input', `chain: no approval chain named "${request.chain}"`, { issues: [{ path: 'chain', message: 'unknown approval chain' }] });
      const createdAt = now();
      const context: ApprovalContext = { chain, requesterId: request.requesterId, level: 0, levelStartedAt: createdAt, createdAt, escalated: false, votes: [], decidedAt: null };
      const actor = createActor(approvalMachine, { input: context }).start();
      const snapshot = actor.getSnapshot();
      const record: ApprovalRecord = {
        tenantId,
        id: `apr_${randomBytes(12).toString('base64url')}`,
        chainId: chain.id,
        status: 'pending',
        requesterId: request.requesterId,
        subject: request.subject,
        snapshot: JSON.parse(JSON.stringify(actor.getPersistedSnapshot())) as unknown,
        nextTimerAt: nextTimer(snapshot),
        key: request.key ?? null,
        undeliveredSince: null,
        version: 1,
        createdAt,
        updatedAt: createdAt,
      };
      actor.stop();
      await options.store.insert(record);
      const approval = view(record, snapshot);
      await options.onChange?.(tenantId, { approval, event: 'approval.requested', actorId: request.requesterId });
      return approval;
    },
    approve: act('APPROVE'),
    reject: act('REJECT'),
    async get(tenantId, id) {
      const record = await load(tenantId, id);
      return view(record, restore(record).getSnapshot());
    },
    async list(tenantId, listOptions) {
      const records = await options.store.list(tenantId, listOptions);
      return records.map((record) => view(record, restore(record).getSnapshot()));
    },
    async findByKey(tenantId, key, requesterId) {
      const record = await options.store.findByKey(tenantId, key, requesterId);
      return record && view(record, restore(record).getSnapshot());
    },
    async processDue(tenantId) {
      const changed: ApprovalView[] = [];
      const at = now();
      for (const record of await options.store.due(tenantId, at, 100)) {
        const result = await transition(tenantId, record.id, 'system', () => ({ type: 'TICK', at }), 'approval.timer');
        if (result.changed) changed.push(result.approval);
      }
      return changed;
    },
    async redeliver(tenantId, redeliverOptions = {}) {
      const records = await options.store.undelivered(tenantId, now() - (redeliverOptions.graceMs ?? 0), redeliverOptions.limit ?? 100);
      const delivered: ApprovalView[] = [];
      for (const record of records) {
        const approval = view(record, restore(record).getSnapshot());
        await deliver(approval);
        delivered.push(approval);
      }
      return delivered;
    },
    onDecided(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

const key = (tenantId: string, id: string) => `${tenantId}\u0000${id}`;
const copy = (record: ApprovalRecord) => structuredClone(record);

export function createMemoryApprovalStore(): ApprovalStore {
  const rows = new Map<string, ApprovalRecord>();
  return {
    async insert(record) {
      rows.set(key(record.tenantId, record.id), copy(record));
    },
    async get(tenantId, id) {
      const row = rows.get(key(tenantId, id));
      return row && copy(row);
    },
    async update(record, expectedVersion) {
      const row = rows.get(key(record.tenantId, record.id));
      if (!row || row.version !== expectedVersion) return false;
      rows.set(key(record.tenantId, record.id), copy(record));
      return true;
    },
    async list(tenantId, options = {}) {
      return [...rows.values()].filter((row) => row.tenantId === tenantId && (!options.status || row.status === options.status)).map(copy);
    },
    async findByKey(tenantId, requestKey, requesterId) {
      const found = [...rows.values()]
        .filter((row) => row.tenantId === tenantId && row.key === requestKey && row.requesterId === requesterId)
        .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))[0];
      return found && copy(found);
    },
    async due(tenantId, now, limit) {
      return [...rows.values()]
        .filter((row) => row.tenantId === tenantId && row.status === 'pending' && row.nextTimerAt !== null && row.nextTimerAt <= now)
        .sort((a, b) => (a.nextTimerAt ?? 0) - (b.nextTimerAt ?? 0))
        .slice(0, limit)
        .map(copy);
    },
    async undelivered(tenantId, before, limit) {
      return [...rows.values()]
        .filter((row) => row.tenantId === tenantId && row.undeliveredSince !== null && row.undeliveredSince <= before)
        .sort((a, b) => (a.undeliveredSince ?? 0) - (b.undeliveredSince ?? 0))
        .slice(0, limit)
        .map(copy);
    },
    async markDelivered(tenantId, id) {
      const row = rows.get(key(tenantId, id));
      if (row) row.undeliveredSince = null;
    },
  };
}
