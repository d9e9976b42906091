// The `approval.request` step on SQLite and PostgreSQL: it asks governance for an approval and waits
// (across an engine restart), completes when another member approves, and fails on a rejection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDialects, type TestDatabase } from '@auterity/testing';
import { createAuterity, isAuterityError, type Auterity, type TenantHandle } from '../../src/index.js';
import { admin, rejection, useEngine } from '../helpers.js';

const approvalChains = [{ id: 'ship', levels: [{ role: 'editor' }] }];
const definition = {
  name: 'ship-it',
  steps: [
    { id: 'ask', action: 'approval.request', input: { chain: 'ship', subject: { release: '1.2.3' } } },
    { id: 'after', action: 'transform', input: { expression: 'steps.ask.output.status' }, dependsOn: ['ask'] },
  ],
};

async function pendingFor(handle: TenantHandle, runId: string) {
  for (let i = 0; i < 500; i++) {
    const found = (await handle.governance.approvals.list({ status: 'pending' })).find((approval) => approval.subject.runId === runId);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no pending approval for run ${runId}`);
}

describe.each(testDialects)('approval.request on %s', (dialect) => {
  const fixture = useEngine(dialect, { governance: { approvalChains } });
  let acme: TenantHandle;
  let workflowId: string;
  const editor = () => fixture.engine.tenant('acme', { id: 'eddie', roles: ['editor'] });

  beforeAll(async () => {
    await fixture.engine.tenants.create({ id: 'acme' });
    acme = fixture.engine.tenant('acme', admin);
    workflowId = (await acme.workflows.save(definition)).id;
  });

  it('waits for the approval; the requester cannot approve it, another member can', async () => {
    const run = await acme.workflows.start(workflowId);
    const approval = await pendingFor(acme, run.id);
    expect(approval).toMatchObject({ chainId: 'ship', requesterId: admin.id, subject: { release: '1.2.3', stepId: 'ask', workflowId } });
    expect((await acme.workflows.runs.get(run.id)).status).toBe('running');
    const own = await rejection(fixture.engine.tenant('acme', { id: admin.id, roles: ['editor'] }).governance.approvals.approve(approval.id));
    expect(isAuterityError(own, 'forbidden')).toBe(true);
    await editor().governance.approvals.approve(approval.id, 'ship it');
    const done = await acme.workflows.runs.wait(run.id);
    expect(done.status).toBe('succeeded');
    expect(done.steps.find((s) => s.id === 'ask')?.output).toEqual({ approvalId: approval.id, status: 'approved' });
    expect(done.output ?? done.steps.find((s) => s.id === 'after')?.output).toBeDefined();
  });

  it('a rejection fails the step and the run', async () => {
    const run = await acme.workflows.start(workflowId);
    const approval = await pendingFor(acme, run.id);
    await editor().governance.approvals.reject(approval.id, 'not now');
    const done = await acme.workflows.runs.wait(run.id);
    expect(done.status).toBe('failed');
    const step = done.steps.find((s) => s.id === 'ask');
    expect(step).toMatchObject({ status: 'failed', attempts: 1 });
    expect(step?.error?.message).toMatch(new RegExp(`approval "${approval.id}" was rejected`));
    expect(done.steps.find((s) => s.id === 'after')?.status).not.toBe('succeeded');
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
  });
  afterAll(async () => {
    for (const engine of engines) await engine.close();
    await db.drop();
  });

  it('the step keeps waiting on the same approval after a restart, and completes when approved', { timeout: 60_000 }, async () => {
    const first = open();
    await first.tenants.create({ id: 'acme' });
    const a = first.tenant('acme', admin);
    const saved = await a.workflows.save(definition);
    const run = await a.workflows.start(saved.id);
    const approval = await pendingFor(a, run.id);
    await first.close();

    const second = open();
    second.workflows.start();
    const b = second.tenant('acme', admin);
    // Give the second engine time to take the run over (lease expiry) and re-attach to the request.
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(['running', 'waiting']).toContain((await b.workflows.runs.get(run.id)).status);
    await second.tenant('acme', { id: 'eddie', roles: ['editor'] }).governance.approvals.approve(approval.id);
    let done = await b.workflows.runs.get(run.id);
    // Up to 40 s: on a loaded 2-core machine the takeover after the lease expires can be slow.
    for (let i = 0; i < 800 && !['succeeded', 'failed', 'cancelled'].includes(done.status); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      done = await b.workflows.runs.get(run.id);
    }
    if (done.status !== 'succeeded') throw new Error(`run did not succeed: ${JSON.stringify({ run: done, approval: await b.governance.approvals.get(approval.id) })}`);
    expect(done.steps.find((s) => s.id === 'ask')?.output).toEqual({ approvalId: approval.id, status: 'approved' });
    expect((await b.governance.approvals.list()).filter((x) => x.subject.runId === run.id)).toHaveLength(1);
  });
});
