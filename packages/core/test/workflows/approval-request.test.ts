// The `approval.request` step on SQLite and PostgreSQL. While the approval is pending the run is
// parked durably (no step slot held, nothing polls); a final decision (approve, reject, expiry)
// resumes it on whichever engine shares the database, also after a restart; a decision that lands
// just before the step starts waiting is not lost; and the run's persisted starter is the requester,
// who cannot approve, on every engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDialects, type TestDatabase } from '@auterity/testing';
import { createAuterity, isAuterityError, type Auterity, type TenantHandle } from '../../src/index.js';
import { resolveOptions, silentLogger } from '../../src/config/index.js';
import { Storage } from '../../src/storage/index.js';
import { createApprovals } from '../../src/governance/index.js';
import { createSqlApprovalStore } from '../../src/governance/approvals/sql-store.js';
import { APPROVAL_DECIDED_EVENT, approvalRequestAction, type ApprovalDecision } from '../../src/workflows/actions/approval-request.js';
import { createWorkflowRuntime, type WorkflowRuntime } from '../../src/workflows/runtime.js';
import { SqlWorkflowStore } from '../../src/workflows/store/sql.js';
import { admin, rejection, useEngine } from '../helpers.js';

const approvalChains = [
  { id: 'ship', levels: [{ role: 'editor' }] },
  { id: 'brief', levels: [{ role: 'editor', expiresInMs: 1 }] },
];
const definition = {
  name: 'ship-it',
  steps: [
    { id: 'ask', action: 'approval.request', input: { chain: 'ship', subject: { release: '1.2.3' } } },
    { id: 'after', action: 'transform', input: { expression: 'steps.ask.output.status' }, dependsOn: ['ask'] },
  ],
};
const eddie = { id: 'eddie', roles: ['editor'] };

/** Polls `probe` until it gives a value (a condition, not a timed wait). */
async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 2000; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const pendingFor = (handle: TenantHandle, runId: string) =>
  until(`a pending approval for run ${runId}`, async () => (await handle.governance.approvals.list({ status: 'pending' })).find((approval) => approval.subject.runId === runId));

/** The run is parked: `waiting` in the database, its step still `running` (not holding a slot). */
const parked = (handle: TenantHandle, runId: string) =>
  until(`run ${runId} to wait`, async () => {
    const run = await handle.workflows.runs.get(runId);
    if (['succeeded', 'failed', 'cancelled'].includes(run.status)) throw new Error(`run ${runId} ended instead of waiting: ${JSON.stringify(run)}`);
    return run.status === 'waiting' ? run : undefined;
  });

describe.each(testDialects)('approval.request on %s', (dialect) => {
  // One step slot in the whole engine: a step that held it while waiting would stall every other run.
  const fixture = useEngine(dialect, { governance: { approvalChains }, workflows: { maxConcurrentSteps: 1 } });
  let acme: TenantHandle;
  let workflowId: string;
  const editor = () => fixture.engine.tenant('acme', eddie);

  beforeAll(async () => {
    await fixture.engine.tenants.create({ id: 'acme', plan: 'enterprise' });
    acme = fixture.engine.tenant('acme', admin);
    workflowId = (await acme.workflows.save(definition)).id;
  });

  it('parks the run until another member approves; the starter cannot approve; the output names the decider', async () => {
    const run = await acme.workflows.start(workflowId);
    expect(run.startedBy).toBe(admin.id);
    const approval = await pendingFor(acme, run.id);
    expect(approval).toMatchObject({ chainId: 'ship', requesterId: admin.id, subject: { release: '1.2.3', stepId: 'ask', workflowId } });
    const waiting = await parked(acme, run.id);
    expect(waiting.steps.find((s) => s.id === 'ask')).toMatchObject({ status: 'running', attempts: 1 });

    const own = await rejection(fixture.engine.tenant('acme', { id: admin.id, roles: ['editor'] }).governance.approvals.approve(approval.id));
    expect(isAuterityError(own, 'forbidden')).toBe(true);
    expect((own as Error).message).toMatch(/nobody approves their own request/);

    await editor().governance.approvals.approve(approval.id, 'ship it');
    const done = await acme.workflows.runs.wait(run.id);
    expect(done.status).toBe('succeeded');
    expect(done.startedBy).toBe(admin.id);
    expect(done.steps.find((s) => s.id === 'ask')).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      output: { approvalId: approval.id, status: 'approved', decidedBy: 'eddie', decidedAt: expect.any(Number) },
    });
    expect(done.steps.find((s) => s.id === 'after')?.output).toBe('approved');
  });

  it('holds no step slot while pending: with one slot, other runs complete meanwhile', async () => {
    const quick = await acme.workflows.save({ name: 'quick', steps: [{ id: 'one', action: 'transform', input: { expression: '1 + 1' } }] });
    const waiting = await acme.workflows.start(workflowId);
    const approval = await pendingFor(acme, waiting.id);
    await parked(acme, waiting.id);
    const others = await Promise.all([1, 2, 3].map(() => acme.workflows.start(quick.id)));
    for (const other of others) expect((await acme.workflows.runs.wait(other.id)).status).toBe('succeeded');
    expect((await acme.governance.approvals.get(approval.id)).status).toBe('pending');
    expect((await acme.workflows.runs.get(waiting.id)).status).toBe('waiting');
    await editor().governance.approvals.approve(approval.id);
    expect((await acme.workflows.runs.wait(waiting.id)).status).toBe('succeeded');
  });

  it('a rejection fails the step (not retried) and names who rejected', async () => {
    const run = await acme.workflows.start(workflowId);
    const approval = await pendingFor(acme, run.id);
    await parked(acme, run.id);
    await editor().governance.approvals.reject(approval.id, 'not now');
    const done = await acme.workflows.runs.wait(run.id);
    expect(done.status).toBe('failed');
    const step = done.steps.find((s) => s.id === 'ask');
    expect(step).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'forbidden' } });
    expect(step?.error?.message).toMatch(new RegExp(`approval "${approval.id}" was rejected by eddie`));
    expect(done.steps.find((s) => s.id === 'after')?.status).toBe('pending');
  });

  it('an expiry fails the step: the workflow loop applies it, with no processDue call', async () => {
    const saved = await acme.workflows.save({ name: 'brief', steps: [{ id: 'ask', action: 'approval.request', input: { chain: 'brief' } }] });
    const run = await acme.workflows.start(saved.id);
    // Not waited for as pending: the loop may expire it (1 ms) before a poll would see it so.
    const done = await acme.workflows.runs.wait(run.id);
    const approval = (await acme.governance.approvals.list()).find((row) => row.subject.runId === run.id)!;
    expect(approval.status).toBe('expired');
    expect(done.status).toBe('failed');
    expect(done.steps[0]).toMatchObject({ status: 'failed', attempts: 1 });
    expect(done.steps[0]?.error?.message).toMatch(new RegExp(`approval "${approval.id}" was expired$`));
  });

  it('tenants cannot forge a decision: approval.decided is emitted by the engine only', async () => {
    const run = await acme.workflows.start(workflowId);
    const approval = await pendingFor(acme, run.id);
    await parked(acme, run.id);
    const forged: ApprovalDecision = { approvalId: approval.id, status: 'approved', decidedBy: 'mallory', decidedAt: 1 };
    const error = await rejection(acme.events.emit(APPROVAL_DECIDED_EVENT, forged));
    expect(isAuterityError(error, 'invalid_input')).toBe(true);
    expect((error as Error).message).toMatch(/name: is emitted by the engine only/);
    await acme.workflows.runs.get(run.id).then((current) => expect(current.status).toBe('waiting'));
    await editor().governance.approvals.reject(approval.id);
    expect((await acme.workflows.runs.wait(run.id)).status).toBe('failed');
  });

  it('runs no member started (webhook) have no starter and ask as the system principal', async () => {
    const saved = await acme.workflows.save({ name: 'hooked', triggers: [{ type: 'webhook' }], steps: definition.steps });
    const token = (await acme.workflows.list()).find((w) => w.id === saved.id)?.webhookToken;
    const run = await fixture.engine.workflows.webhook(token as string, {});
    expect(run.startedBy).toBeNull();
    const approval = await pendingFor(acme, run.id);
    expect(approval.requesterId).toBe('system:trigger');
    await editor().governance.approvals.approve(approval.id);
    expect((await acme.workflows.runs.wait(run.id)).status).toBe('succeeded');
  });

  it('cannot wait inside foreach: the step fails saying so', async () => {
    const saved = await acme.workflows.save({ name: 'fan-out', steps: [{ id: 'each', action: 'foreach', input: { items: [1], action: 'approval.request', itemInput: '{"chain": "ship"}' } }] });
    const done = await acme.workflows.runs.wait((await acme.workflows.start(saved.id)).id);
    expect(done.status).toBe('failed');
    expect(done.steps[0]?.error).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/cannot run inside "foreach"/) });
  });

  it('refuses an unknown chain', async () => {
    const saved = await acme.workflows.save({ name: 'bad-chain', steps: [{ id: 'ask', action: 'approval.request', input: { chain: 'nope' } }] });
    const done = await acme.workflows.runs.wait((await acme.workflows.start(saved.id)).id);
    expect(done.status).toBe('failed');
    expect(done.steps[0]?.error).toMatchObject({ code: 'invalid_input' });
  });
});

describe.each(testDialects)('approval.request across an engine restart on %s', (dialect) => {
  let db: TestDatabase;
  const engines: Auterity[] = [];
  const open = () => {
    const engine = createAuterity({ database: db.url, governance: { approvalChains }, workflows: { leaseMs: 300, pollIntervalMs: 25 } });
    engines.push(engine);
    return engine;
  };
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    const setup = open();
    await setup.tenants.create({ id: 'acme', plan: 'enterprise' });
    await setup.tenant('acme', admin).workflows.save(definition);
    await setup.close();
  });
  afterAll(async () => {
    for (const engine of engines) await engine.close();
    await db.drop();
  });

  it("the starter's approval is refused after a restart; another member's resumes the run to completion", { timeout: 30_000 }, async () => {
    const first = open();
    const a = first.tenant('acme', admin);
    const run = await a.workflows.start('ship-it');
    const approval = await pendingFor(a, run.id);
    await parked(a, run.id);
    await first.close();

    // A new engine on the same database, its workflow loops not started: nothing runs the workflow
    // until the decision arrives.
    const second = open();
    const b = second.tenant('acme', admin);
    expect((await b.workflows.runs.get(run.id)).startedBy).toBe(admin.id);
    const own = await rejection(second.tenant('acme', { id: admin.id, roles: ['admin', 'editor'] }).governance.approvals.approve(approval.id));
    expect(isAuterityError(own, 'forbidden')).toBe(true);
    expect((own as Error).message).toMatch(/nobody approves their own request/);
    expect((await b.workflows.runs.get(run.id)).status).toBe('waiting');

    await second.tenant('acme', eddie).governance.approvals.approve(approval.id);
    const done = await b.workflows.runs.wait(run.id);
    expect(done.status).toBe('succeeded');
    expect(done.steps.find((s) => s.id === 'ask')?.output).toEqual({ approvalId: approval.id, status: 'approved', decidedBy: 'eddie', decidedAt: expect.any(Number) });
    expect((await b.governance.approvals.list()).filter((x) => x.subject.runId === run.id)).toHaveLength(1);
  });

  it('an engine that stops mid-step: the next one re-attaches to the same request', { timeout: 30_000 }, async () => {
    const first = open();
    const a = first.tenant('acme', admin);
    const run = await a.workflows.start('ship-it');
    const approval = await pendingFor(a, run.id);
    await first.close(); // possibly before the step parked: its lease then runs out

    const second = open();
    second.workflows.start();
    const b = second.tenant('acme', admin);
    await parked(b, run.id);
    await second.tenant('acme', eddie).governance.approvals.approve(approval.id);
    const done = await b.workflows.runs.wait(run.id);
    expect(done.status).toBe('succeeded');
    expect((await b.governance.approvals.list()).filter((x) => x.subject.runId === run.id)).toHaveLength(1);
  });
});

// A process that saved a decision and stopped before its wake-up went out: the decision is
// recorded as undelivered, and the workflow loop of an engine on the database delivers it again.
describe.each(testDialects)('a decision whose wake-up never went out, on %s', (dialect) => {
  let db: TestDatabase;
  let storage: Storage;
  let engine: Auterity;
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    engine = createAuterity({ database: db.url, governance: { approvalChains }, workflows: { pollIntervalMs: 25 } });
    await engine.tenants.create({ id: 'acme', plan: 'enterprise' });
    await engine.tenant('acme', admin).workflows.save(definition);
    storage = new Storage({ database: resolveOptions({ database: db.url }).database, logger: silentLogger });
  });
  afterAll(async () => {
    await engine.close();
    await storage.destroy();
    await db.drop();
  });

  it('is delivered again by the workflow loop, and the run completes', { timeout: 30_000 }, async () => {
    engine.workflows.start();
    const acme = engine.tenant('acme', admin);
    const run = await acme.workflows.start('ship-it');
    const approval = await pendingFor(acme, run.id);
    await parked(acme, run.id);
    // The deciding process: the same chains and store; it saves the decision and stops before its
    // wake-up goes out (here: the listener that would emit it fails).
    const decider = createApprovals({ chains: approvalChains, store: createSqlApprovalStore((tenantId) => storage.scope(tenantId)) });
    decider.onDecided(() => {
      throw new Error('the process stopped');
    });
    const decidedAt = Date.now();
    await expect(decider.approve('acme', approval.id, { actorId: 'eddie', roles: ['editor'] })).rejects.toThrow('the process stopped');
    const done = await acme.workflows.runs.wait(run.id);
    expect(done.status).toBe('succeeded');
    expect(done.steps.find((s) => s.id === 'ask')?.output).toEqual({ approvalId: approval.id, status: 'approved', decidedBy: 'eddie', decidedAt: expect.any(Number) });
    // Not before the grace the deciding process has to deliver it itself.
    expect(done.finishedAt! - decidedAt).toBeGreaterThanOrEqual(1_900);
    // The engine recorded the delivery.
    expect(await createApprovals({ chains: approvalChains, store: createSqlApprovalStore((tenantId) => storage.scope(tenantId)) }).redeliver('acme')).toEqual([]);
  });
});

// The race, made deterministic: the decision (and its event) lands after the action saw the request
// pending but before the step starts waiting. The executor runs on the real SQL store; governance is
// replaced by a stub that decides while creating.
describe.each(testDialects)('a decision just before the step waits, on %s', (dialect) => {
  let db: TestDatabase;
  let storage: Storage;
  let runtime: WorkflowRuntime;
  const requests: { requesterId: string }[] = [];
  let outcome: ApprovalDecision['status'] = 'approved';

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    const engine = createAuterity({ database: db.url });
    await engine.tenants.create({ id: 'acme' });
    await engine.close();
    storage = new Storage({ database: resolveOptions({ database: db.url }).database, logger: silentLogger });
    const approval = approvalRequestAction({
      systemRequesterId: 'system:trigger',
      findByStep: async () => undefined,
      async create(tenantId, request) {
        requests.push({ requesterId: request.requesterId });
        const id = `apr_race_${requests.length}`;
        const decision: ApprovalDecision = { approvalId: id, status: outcome, decidedBy: 'eddie', decidedAt: 1 };
        await runtime.emitEngineEvent(tenantId, APPROVAL_DECIDED_EVENT, decision);
        // What the action read before the decision: still pending.
        return { id, status: 'pending', votes: [], decidedAt: null };
      },
    });
    const store = new SqlWorkflowStore({ scope: (tenantId) => storage.scope(tenantId), listTenantIds: async () => ['acme'] });
    runtime = createWorkflowRuntime({ actions: [approval], pollIntervalMs: 25 }, { store });
  });
  afterAll(async () => {
    await runtime.close();
    await storage.destroy();
    await db.drop();
  });

  it('an approval is not lost', async () => {
    const workflows = runtime.tenant('acme', 'alice');
    const saved = await workflows.save({ name: 'race', steps: [{ id: 'ask', action: 'approval.request', input: { chain: 'ship' } }] });
    outcome = 'approved';
    const done = await workflows.runs.wait((await workflows.start(saved.id)).id);
    expect(done).toMatchObject({ status: 'succeeded', startedBy: 'alice' });
    expect(done.steps[0]).toMatchObject({ attempts: 1, output: { approvalId: 'apr_race_1', status: 'approved', decidedBy: 'eddie', decidedAt: 1 } });
    expect(requests.at(-1)).toEqual({ requesterId: 'alice' });
  });

  it('nor is a rejection', async () => {
    const workflows = runtime.tenant('acme', 'alice');
    outcome = 'rejected';
    const done = await workflows.runs.wait((await workflows.start('race')).id);
    expect(done.status).toBe('failed');
    expect(done.steps[0]?.error?.message).toMatch(/approval "apr_race_2" was rejected by eddie/);
  });
});
