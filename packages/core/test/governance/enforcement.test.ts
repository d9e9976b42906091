// Governance enforcing other domains through the engine, on SQLite and PostgreSQL: the executor's
// guard (`workflow:run`, `action:<name>`, the system principal of trigger-started runs) and the
// member / API-key APIs (guarded and audited).
import { beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '@auterity/testing';
import { isAuterityError, type TenantHandle } from '../../src/index.js';
import { admin, rejection, useEngine } from '../helpers.js';

const isvPolicies = [{ id: 'isv-no-code', rules: [{ id: 'no-code-for-free', effect: 'deny' as const, actions: ['action:code'], condition: 'tenant.plan == "free"' }] }];

describe.each(testDialects)('governance enforcement on %s', (dialect) => {
  const fixture = useEngine(dialect, { governance: { policies: isvPolicies } });
  let acme: TenantHandle;
  const as = (roles: string[], id = `user-${roles.join('-') || 'none'}`) => fixture.engine.tenant('acme', { id, roles });

  beforeAll(async () => {
    await fixture.engine.tenants.create({ id: 'acme', plan: 'pro' });
    acme = fixture.engine.tenant('acme', admin);
  });

  describe('the executor guard', () => {
    it('checks workflow:run for the actor who starts a run, and audits a deny', async () => {
      const saved = await acme.workflows.save({ name: 'guarded', steps: [{ id: 'one', action: 'transform', input: { expression: '1 + 1' } }] });
      const ok = await as(['editor']).workflows.start(saved.id);
      expect((await acme.workflows.runs.wait(ok.id)).status).toBe('succeeded');
      const refused = await rejection(as(['viewer'], 'vic').workflows.start(saved.id));
      expect(isAuterityError(refused, 'forbidden')).toBe(true);
      expect((refused as Error).message).toContain(`"workflow:run" on "workflow:${saved.id}"`);
      const entries = await acme.governance.audit.list();
      expect(entries.at(-1)).toMatchObject({ actorId: 'vic', action: 'authorization.deny', resource: `workflow:${saved.id}`, data: { action: 'workflow:run' } });
    });

    it('runs started by triggers act as the system principal, which a tenant deny overrides', async () => {
      const saved = await acme.workflows.save({ name: 'on-signal', triggers: [{ type: 'event', event: 'signal' }], steps: [{ id: 'one', action: 'transform', input: { expression: '"ran"' } }] });
      const emitted = await acme.events.emit('signal', {});
      expect(emitted.runs).toHaveLength(1);
      expect((await acme.workflows.runs.wait(emitted.runs[0]!)).status).toBe('succeeded');
      await acme.governance.policies.put({ id: 'no-system-runs', rules: [{ id: 'no-signal', effect: 'deny', actions: ['workflow:run'], resources: [`workflow:${saved.id}`], roles: ['system'] }] });
      try {
        const after = await acme.events.emit('signal', {}).catch((error: unknown) => error);
        const refusedRuns = isAuterityError(after) ? [] : (after as { runs: string[] }).runs;
        expect(refusedRuns).toHaveLength(0);
        const entries = await acme.governance.audit.list();
        expect(entries.some((e) => e.actorId === 'system:trigger' && e.action === 'authorization.deny' && e.resource === `workflow:${saved.id}`)).toBe(true);
      } finally {
        await acme.governance.policies.remove('no-system-runs');
      }
    });

    it('a tenant policy can deny an action: the step fails forbidden, naming the rule', async () => {
      const saved = await acme.workflows.save({ name: 'no-transform', steps: [{ id: 'calc', action: 'transform', input: { expression: '2' } }] });
      await acme.governance.policies.put({ id: 'no-transform', rules: [{ id: 'deny-transform', effect: 'deny', actions: ['action:transform'], resources: [`workflow:${saved.id}`] }] });
      try {
        const run = await acme.workflows.runs.wait((await acme.workflows.start(saved.id)).id);
        expect(run.status).toBe('failed');
        const step = run.steps.find((s) => s.id === 'calc');
        expect(step?.status).toBe('failed');
        expect(step?.attempts).toBe(1);
        expect(step?.error).toMatchObject({ code: 'forbidden' });
        expect(step?.error?.message).toMatch(/"action:transform".*tenant policy "no-transform" rule "deny-transform"/);
        const entries = await acme.governance.audit.list();
        expect(entries.at(-1)).toMatchObject({ actorId: 'system:trigger', action: 'authorization.deny', data: { action: 'action:transform' } });
      } finally {
        await acme.governance.policies.remove('no-transform');
      }
    });

    it('ISV denies apply to the system principal too (per tenant attributes)', async () => {
      await fixture.engine.tenants.create({ id: 'freebie', plan: 'free' });
      const free = fixture.engine.tenant('freebie', admin);
      const saved = await free.workflows.save({ name: 'code', steps: [{ id: 'js', action: 'code', input: { code: 'return 1' } }] });
      const run = await free.workflows.runs.wait((await free.workflows.start(saved.id)).id);
      expect(run.status).toBe('failed');
      expect(run.steps[0]?.error?.message).toMatch(/isv policy "isv-no-code" rule "no-code-for-free"/);
    });
  });

  describe('members and API keys', () => {
    it('guards member reads and writes and audits each change without secrets', async () => {
      const viewer = as(['viewer'], 'view-1');
      expect(await viewer.members.list()).toEqual(expect.any(Array));
      expect(isAuterityError(await rejection(viewer.members.add({ email: 'x@example.com', roles: ['viewer'] })), 'forbidden')).toBe(true);
      expect(isAuterityError(await rejection(as(['guest']).members.list()), 'forbidden')).toBe(true);

      const added = await acme.members.add({ email: 'bo@example.com', name: 'Bo', roles: ['viewer'] });
      await acme.members.update(added.id, { roles: ['editor'] });
      await acme.members.remove(added.id);
      const entries = (await acme.governance.audit.list()).filter((e) => e.resource === `member:${added.id}`);
      expect(entries.map((e) => e.action)).toEqual(['member.added', 'member.updated', 'member.removed']);
      expect(entries[1]).toMatchObject({ actorId: admin.id, data: { before: { roles: ['viewer'] }, after: { roles: ['editor'] } } });
      expect(entries[2]).toMatchObject({ data: { before: { email: 'bo@example.com' }, after: null } });
      expect(isAuterityError(await rejection(as(['editor']).members.remove('nobody')), 'forbidden')).toBe(true);
    });

    it('guards API key create/revoke and never audits the key', async () => {
      expect(isAuterityError(await rejection(as(['editor']).apiKeys.create({ name: 'ci' })), 'forbidden')).toBe(true);
      const created = await acme.apiKeys.create({ name: 'ci' });
      await acme.apiKeys.revoke(created.id);
      await acme.apiKeys.revoke(created.id);
      const entries = (await acme.governance.audit.list()).filter((e) => e.resource === `api-key:${created.id}`);
      expect(entries.map((e) => e.action)).toEqual(['api-key.created', 'api-key.revoked']);
      expect(JSON.stringify(entries)).not.toContain(created.key);
      expect((await acme.governance.audit.verify()).ok).toBe(true);
    });
  });
});
