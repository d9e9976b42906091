import { describe, expect, it } from 'vitest';
import { isAuterityError } from '../../src/errors.js';
import { createApprovals, createMemoryApprovalStore, type ApprovalChainInput, type ApprovalView } from '../../src/governance/index.js';

const chains: ApprovalChainInput[] = [
  {
    id: 'refund',
    levels: [
      { role: 'finance', required: 2, escalateAfterMs: 60_000, escalateTo: 'admin' },
      { role: 'admin', required: 1, expiresInMs: 120_000 },
    ],
  },
  { id: 'simple', levels: [{ role: 'editor' }], expiresInMs: 10_000 },
];

function setup() {
  let clock = 0;
  const store = createMemoryApprovalStore();
  const changes: string[] = [];
  const approvals = createApprovals({ chains, store, now: () => clock, onChange: async (_t, change) => void changes.push(`${change.event}:${change.actorId}`) });
  const decided: ApprovalView[] = [];
  approvals.onDecided((approval) => decided.push(approval));
  return { approvals, store, changes, decided, advance: (ms: number) => (clock += ms) };
}

const reasonOf = (promise: Promise<unknown>) => promise.then(() => 'ok', (error: unknown) => (isAuterityError(error) ? `${error.code}: ${error.message}` : String(error)));

describe('approvals', () => {
  it('a decision its listeners did not all hear of is delivered again, once the grace has passed', async () => {
    const { approvals, decided, advance } = setup();
    let failing = true;
    approvals.onDecided(() => {
      if (failing) throw new Error('event store down');
    });
    const request = await approvals.create('t1', { chain: 'simple', requesterId: 'alice' });
    // The decision is recorded; telling the listeners failed, and the caller hears of it.
    expect(await reasonOf(approvals.approve('t1', request.id, { actorId: 'bob', roles: ['editor'] }))).toBe('Error: event store down');
    expect((await approvals.get('t1', request.id)).status).toBe('approved');
    failing = false;
    expect(await approvals.redeliver('t1', { graceMs: 5_000 })).toEqual([]);
    advance(5_000);
    expect((await approvals.redeliver('t1', { graceMs: 5_000 })).map((approval) => [approval.id, approval.status])).toEqual([[request.id, 'approved']]);
    expect(decided.map((approval) => approval.id)).toEqual([request.id, request.id]);
    expect(await approvals.redeliver('t1')).toEqual([]);
    // A decision delivered at once is never redelivered.
    const other = await approvals.create('t1', { chain: 'simple', requesterId: 'alice' });
    await approvals.reject('t1', other.id, { actorId: 'bob', roles: ['editor'] });
    advance(60_000);
    expect(await approvals.redeliver('t1')).toEqual([]);
  });

  it("finds a request by its requester's key: only that requester's, the first of several", async () => {
    const { approvals, advance } = setup();
    const first = await approvals.create('t1', { chain: 'simple', requesterId: 'alice', subject: {}, key: 'run_1:approve' });
    advance(1);
    await approvals.create('t1', { chain: 'simple', requesterId: 'alice', subject: {}, key: 'run_1:approve' });
    await approvals.create('t1', { chain: 'simple', requesterId: 'alice', subject: {} });
    expect((await approvals.findByKey('t1', 'run_1:approve', 'alice'))?.id).toBe(first.id);
    expect(await approvals.findByKey('t1', 'run_1:approve', 'mallory')).toBeUndefined();
    expect(await approvals.findByKey('t2', 'run_1:approve', 'alice')).toBeUndefined();
    expect(await approvals.findByKey('t1', 'run_2:approve', 'alice')).toBeUndefined();
    expect(await reasonOf(approvals.create('t1', { chain: 'simple', requesterId: 'alice', key: '' }))).toMatch(/key/);
  });

  it('walks a multi-level chain: N approvals of role R per level, then decides once', async () => {
    const { approvals, decided, changes } = setup();
    const request = await approvals.create('t1', { chain: 'refund', requesterId: 'alice', subject: { action: 'billing:refund', resource: 'invoice:9' } });
    expect(request).toMatchObject({ status: 'pending', level: 0, neededAtLevel: { role: 'finance', required: 2, given: 0 } });
    await approvals.approve('t1', request.id, { actorId: 'bob', roles: ['finance'] });
    expect((await approvals.get('t1', request.id)).neededAtLevel).toMatchObject({ given: 1 });
    const levelTwo = await approvals.approve('t1', request.id, { actorId: 'carol', roles: ['finance'] });
    expect(levelTwo).toMatchObject({ status: 'pending', level: 1, neededAtLevel: { role: 'admin', required: 1, given: 0 } });
    const done = await approvals.approve('t1', request.id, { actorId: 'dave', roles: ['admin'], comment: 'ok' });
    expect(done.status).toBe('approved');
    expect(decided.map((d) => d.id)).toEqual([request.id]);
    expect(changes).toEqual(['approval.requested:alice', 'approval.approved:bob', 'approval.approved:carol', 'approval.approved:dave']);
    expect(await reasonOf(approvals.approve('t1', request.id, { actorId: 'erin', roles: ['admin'] }))).toMatch(/^conflict: .*already approved/);
  });

  it('forbids self-approval, double votes and missing roles', async () => {
    const { approvals } = setup();
    const { id } = await approvals.create('t1', { chain: 'refund', requesterId: 'alice' });
    expect(await reasonOf(approvals.approve('t1', id, { actorId: 'alice', roles: ['finance'] }))).toMatch(/^forbidden: .*own request/);
    expect(await reasonOf(approvals.approve('t1', id, { actorId: 'bob', roles: ['viewer'] }))).toMatch(/needs the role finance/);
    await approvals.approve('t1', id, { actorId: 'bob', roles: ['finance'] });
    expect(await reasonOf(approvals.approve('t1', id, { actorId: 'bob', roles: ['finance'] }))).toMatch(/already acted/);
    expect(await reasonOf(approvals.get('t2', id))).toMatch(/^not_found/);
  });

  it('rejects on the first eligible rejection', async () => {
    const { approvals, decided } = setup();
    const { id } = await approvals.create('t1', { chain: 'simple', requesterId: 'alice' });
    const rejected = await approvals.reject('t1', id, { actorId: 'bob', roles: ['editor'], comment: 'no' });
    expect(rejected).toMatchObject({ status: 'rejected', votes: [{ actorId: 'bob', decision: 'reject', comment: 'no' }] });
    expect(decided).toHaveLength(1);
  });

  it('escalates and expires through timers kept as data, surviving a restart', async () => {
    const first = setup();
    const { id } = await first.approvals.create('t1', { chain: 'refund', requesterId: 'alice' });
    expect((await first.approvals.get('t1', id)).nextTimerAt).toBe(60_000);
    expect(await reasonOf(first.approvals.approve('t1', id, { actorId: 'root', roles: ['admin'] }))).toMatch(/needs the role finance$/);
    first.advance(60_000);
    // A new service over the same store stands for a process restart: state comes from the snapshot.
    const restarted = createApprovals({ chains, store: first.store, now: () => 60_000 });
    expect((await restarted.processDue('t1')).map((a) => a.neededAtLevel?.escalatedTo)).toEqual(['admin']);
    await restarted.approve('t1', id, { actorId: 'root', roles: ['admin'] });
    const atLevelTwo = await restarted.approve('t1', id, { actorId: 'bob', roles: ['finance'] });
    expect(atLevelTwo).toMatchObject({ level: 1, nextTimerAt: 180_000 });
    const later = createApprovals({ chains, store: first.store, now: () => 180_000 });
    const decided: string[] = [];
    later.onDecided((approval) => decided.push(approval.status));
    expect((await later.processDue('t1')).map((a) => a.status)).toEqual(['expired']);
    expect(decided).toEqual(['expired']);
    expect(await later.processDue('t1')).toEqual([]);
  });

  it('validates chains and requests, naming the field', async () => {
    expect(() => createApprovals({ chains: [{ id: 'x', levels: [{ role: 'admin', escalateAfterMs: 5 }] }], store: createMemoryApprovalStore() })).toThrow(
      /chains\[0\]\.levels\[0\]\.escalateTo: escalateAfterMs and escalateTo go together/,
    );
    const { approvals } = setup();
    expect(await reasonOf(approvals.create('t1', { chain: 'nope', requesterId: 'a' }))).toMatch(/^invalid_input: chain: /);
  });
});
