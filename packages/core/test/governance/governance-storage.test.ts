// Governance through the engine on SQLite and PostgreSQL: policy semantics with tenant policies
// stored in SQL, the audit chain's tamper detection against direct SQL edits, approvals and
// invitations persisted, and tenant isolation.
import { beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '@auterity/testing';
import { createAuterity, isAuterityError, type PolicyInput, type TenantHandle } from '../../src/index.js';
import { Storage } from '../../src/storage/index.js';
import { silentLogger } from '../../src/config/logger.js';
import { createAuditLog, type AuditEntry } from '../../src/governance/audit/index.js';
import { createSqlAuditStore } from '../../src/governance/audit/sql-store.js';
import { admin, rejection, useEngine } from '../helpers.js';
import { defineTamperCases } from './audit-tamper-cases.js';
import { rawExecute } from './sql-helpers.js';

const isvPolicies: PolicyInput[] = [
  {
    id: 'isv-guardrails',
    rules: [
      { id: 'no-billing-delete', effect: 'deny', actions: ['billing:delete'] },
      { id: 'refunds-need-approval', effect: 'require_approval', actions: ['billing:refund'], approvalChain: 'refunds' },
      { id: 'tenant-policies-not-isv', effect: 'deny', actions: ['policy:write'], resources: ['policy:isv-*'] },
    ],
  },
];
const approvalChains = [{ id: 'refunds', levels: [{ role: 'finance', required: 1 }, { role: 'admin', required: 1 }] }];

describe.each(testDialects)('governance on %s', (dialect) => {
  const fixture = useEngine(dialect, { secret: 'a-test-secret-that-is-long-enough-1234', governance: { policies: isvPolicies, approvalChains } });
  let acme: TenantHandle;
  let globex: TenantHandle;
  const as = (roles: string[], id = `user-${roles.join('-') || 'none'}`) => fixture.engine.tenant('acme', { id, roles });

  beforeAll(async () => {
    await fixture.engine.tenants.create({ id: 'acme' });
    await fixture.engine.tenants.create({ id: 'globex' });
    acme = fixture.engine.tenant('acme', admin);
    globex = fixture.engine.tenant('globex', admin);
  });

  describe('policy semantics', () => {
    it('denies by default and grants built-in role permissions', async () => {
      expect(await as([]).governance.authorize({ action: 'workflow:run', resource: { id: 'workflow:w1' } })).toMatchObject({ effect: 'deny', decidedBy: null });
      expect((await as(['editor']).governance.authorize({ action: 'workflow:run', resource: { id: 'workflow:w1' } })).decidedBy).toMatchObject({ ruleId: 'role:editor' });
      expect((await as(['viewer']).governance.authorize({ action: 'workflow:run', resource: { id: 'workflow:w1' } })).allowed).toBe(false);
    });

    it('stores tenant policies with CEL conditions over nested attributes and glob patterns', async () => {
      await acme.governance.policies.put({
        id: 'night-shift',
        rules: [
          { effect: 'allow', actions: ['report:*'], resources: ['report:eu-*'], roles: ['analyst'], condition: 'principal.profile.region == "eu" && context.request.hour < 22' },
          { effect: 'deny', actions: ['report:export'], condition: 'resource.meta.labels.exists(l, l == "confidential")' },
        ],
      });
      const analyst = fixture.engine.tenant('acme', { id: 'ana', roles: ['analyst'] });
      const ask = (action: string, resource: string, region: string, hour: number, labels: string[] = []) =>
        analyst.governance.authorize({ principal: { id: 'ana', roles: ['analyst'], profile: { region } }, action, resource: { id: resource, meta: { labels } }, context: { request: { hour } } });
      expect((await ask('report:read', 'report:eu-sales', 'eu', 9)).allowed).toBe(true);
      expect((await ask('report:read', 'report:us-sales', 'eu', 9)).allowed).toBe(false);
      expect((await ask('report:read', 'report:eu-sales', 'us', 9)).allowed).toBe(false);
      expect((await ask('report:read', 'report:eu-sales', 'eu', 23)).allowed).toBe(false);
      const denied = await ask('report:export', 'report:eu-sales', 'eu', 9, ['confidential']);
      expect(denied).toMatchObject({ effect: 'deny', decidedBy: { layer: 'tenant', policyId: 'night-shift', ruleIndex: 1 } });
      expect(denied.matched).toHaveLength(2);
      expect((await globex.governance.policies.list()).map((p) => p.id)).toEqual([]);
    });

    it('never lets a tenant policy override an ISV deny or approval requirement', async () => {
      await acme.governance.policies.put({ id: 'generous', rules: [{ effect: 'allow', actions: ['billing:*'] }] });
      const decision = await acme.governance.authorize({ action: 'billing:delete', resource: { id: 'subscription:1' } });
      expect(decision).toMatchObject({ effect: 'deny', decidedBy: { layer: 'isv', ruleId: 'no-billing-delete' } });
      expect((await acme.governance.authorize({ action: 'billing:refund', resource: { id: 'invoice:1' } })).effect).toBe('require_approval');
      const error = await rejection(acme.governance.policies.put({ id: 'isv-guardrails', rules: [{ effect: 'allow', actions: ['*'] }] }));
      expect(isAuterityError(error, 'forbidden')).toBe(true);
      expect(error.details).toMatchObject({ decidedBy: { ruleId: 'tenant-policies-not-isv' } });
    });

    it('governs policy changes themselves and names bad policy fields', async () => {
      expect(isAuterityError(await rejection(as(['viewer']).governance.policies.put({ id: 'x', rules: [{ effect: 'allow', actions: ['*'] }] })), 'forbidden')).toBe(true);
      const bad = await rejection(acme.governance.policies.put({ id: 'bad', rules: [{ effect: 'allow', actions: ['a'] }, { effect: 'allow', actions: ['a'], condition: 'principal.x >' }] }));
      expect(isAuterityError(bad, 'invalid_input') && bad.message).toMatch(/rules\[1\]\.condition: /);
    });
  });

  describe('audit', () => {
    it('records mutations and denials on a chain that verifies', async () => {
      const entries = await acme.governance.audit.list();
      expect(entries.map((entry) => entry.action)).toEqual(expect.arrayContaining(['policy.created', 'authorization.deny', 'authorization.require_approval']));
      expect(await acme.governance.audit.verify()).toMatchObject({ ok: true });
      const csv: string[] = [];
      for await (const line of acme.governance.audit.export('csv')) csv.push(line);
      expect(csv.length).toBe(entries.length + 1);
      expect(isAuterityError(await rejection(as(['viewer']).governance.audit.verify()), 'forbidden')).toBe(true);
    });

    describe('tampering through SQL', () => {
      let storage: Storage;
      beforeAll(async () => {
        const url = fixture.db.url;
        storage = new Storage({
          database: dialect === 'sqlite' ? { dialect: 'sqlite', filename: url.slice('sqlite:'.length) } : { dialect: 'postgres', connectionString: url },
          logger: silentLogger,
        });
        return () => storage.destroy();
      });
      const columns: Record<string, string> = { seq: 'seq', data: 'data', actorId: 'actor_id', hash: 'hash' };
      defineTamperCases(async () => {
        const tenantId = `tamper${Math.random().toString(36).slice(2, 10)}`;
        await fixture.engine.tenants.create({ id: tenantId });
        const log = createAuditLog({ store: createSqlAuditStore((id) => storage.scope(id)), pageSize: 4 });
        const tamper = {
          async update(_tenant: string, seq: number, patch: Partial<AuditEntry>) {
            for (const [key, value] of Object.entries(patch)) {
              const column = columns[key];
              if (!column) throw new Error(`no column for ${key}`);
              await rawExecute(fixture.db, `UPDATE audit_entries SET ${column} = ? WHERE tenant_id = ? AND seq = ?`, [key === 'data' ? JSON.stringify(value) : value, tenantId, seq]);
            }
          },
          async remove(_tenant: string, seq: number) {
            await rawExecute(fixture.db, 'DELETE FROM audit_entries WHERE tenant_id = ? AND seq = ?', [tenantId, seq]);
          },
          async insert(_tenant: string, entry: AuditEntry) {
            await rawExecute(fixture.db, 'INSERT INTO audit_entries (tenant_id, seq, at, actor_id, action, resource, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
              tenantId, entry.seq, entry.at, entry.actorId, entry.action, entry.resource, JSON.stringify(entry.data), entry.prevHash, entry.hash,
            ]);
          },
        };
        // The shared cases name their own tenants; route them all to this fixture's tenant.
        return {
          log: {
            append: (_t, event) => log.append(tenantId, event),
            appendMany: (_t, events) => log.appendMany(tenantId, events),
            list: (_t, options) => log.list(tenantId, options),
            verify: () => log.verify(tenantId),
            export: (_t, format) => log.export(tenantId, format),
            prune: (_t, retention) => log.prune(tenantId, retention),
          },
          tamper,
        };
      });
    });
  });

  describe('approvals and invitations', () => {
    it('runs a two-level approval persisted in SQL, forbidding self-approval', async () => {
      const requester = as(['editor'], 'req-1');
      const request = await requester.governance.approvals.create({ chain: 'refunds', subject: { action: 'billing:refund', resource: 'invoice:1' } });
      expect(isAuterityError(await rejection(fixture.engine.tenant('acme', { id: 'req-1', roles: ['finance'] }).governance.approvals.approve(request.id)), 'forbidden')).toBe(true);
      expect((await as(['finance'], 'fin-1').governance.approvals.approve(request.id)).level).toBe(1);
      expect((await as(['admin'], 'boss').governance.approvals.approve(request.id, 'fine')).status).toBe('approved');
      expect((await acme.governance.approvals.get(request.id)).votes.map((v) => v.actorId)).toEqual(['fin-1', 'boss']);
      expect(isAuterityError(await rejection(globex.governance.approvals.get(request.id)), 'not_found')).toBe(true);
    });

    it('creates invitations whose tokens are accepted once, adding the member', async () => {
      const { token, invitation } = await acme.governance.invitations.create({ email: 'new@example.com', roles: ['editor'] });
      const accepted = await fixture.engine.acceptInvitation(token, { id: 'member-new', name: 'Nia' });
      expect(accepted.invitation).toMatchObject({ tenantId: 'acme', id: invitation.id, roles: ['editor'], acceptedBy: 'member-new' });
      expect(accepted.member).toMatchObject({ id: 'member-new', tenantId: 'acme', email: 'new@example.com', name: 'Nia', roles: ['editor'] });
      expect(await acme.members.get('member-new')).toEqual(accepted.member);
      expect(isAuterityError(await rejection(fixture.engine.acceptInvitation(token, { id: 'member-other' })), 'conflict')).toBe(true);
      expect(isAuterityError(await rejection(acme.members.get('member-other')), 'not_found')).toBe(true);
      // The acceptor again (its answer lost): the same invitation and membership, audited once.
      expect(await fixture.engine.acceptInvitation(token, { id: 'member-new' })).toEqual(accepted);
      expect((await globex.governance.invitations.list()).length).toBe(0);
      // The member is added as the invitation (its creator held member:invite), then the invitation is consumed.
      const entries = (await acme.governance.audit.list()).filter((entry) => entry.resource === 'member:member-new' || entry.resource === `invitation:${invitation.id}`);
      expect(entries.map((entry) => [entry.action, entry.actorId])).toEqual([
        ['invitation.created', admin.id],
        ['member.added', `invitation:${invitation.id}`],
        ['invitation.accepted', 'member-new'],
      ]);
    });

    it('does not add back, on a repeated accept, a member removed since', async () => {
      const { token } = await acme.governance.invitations.create({ email: 'gone@example.com', roles: ['viewer'] });
      await fixture.engine.acceptInvitation(token, { id: 'member-gone' });
      await acme.members.remove('member-gone');
      const again = await rejection(fixture.engine.acceptInvitation(token, { id: 'member-gone' }));
      expect(isAuterityError(again, 'conflict') && again.message).toMatch(/already accepted/);
      expect(isAuterityError(await rejection(acme.members.get('member-gone')), 'not_found')).toBe(true);
    });

    it('leaves the token usable when the join fails: the email already a member, no seat left', async () => {
      await fixture.engine.tenants.create({ id: 'initech' }); // the free plan: 3 seats
      const initech = fixture.engine.tenant('initech', admin);
      const { token, invitation } = await initech.governance.invitations.create({ email: 'pat@initech.test', roles: ['viewer'] });
      const open = async () => (await initech.governance.invitations.list()).find((row) => row.id === invitation.id)!;

      await initech.members.add({ id: 'pat-old', email: 'pat@initech.test', roles: ['viewer'] });
      const taken = await rejection(fixture.engine.acceptInvitation(token, { id: 'pat' }));
      expect(isAuterityError(taken, 'conflict') && taken.message).toMatch(/email "pat@initech.test"/);
      expect(await open()).toMatchObject({ acceptedAt: null, acceptedBy: null });

      await initech.members.remove('pat-old');
      for (const n of [1, 2, 3]) await initech.members.add({ email: `staff${n}@initech.test`, roles: ['viewer'] });
      const full = await rejection(fixture.engine.acceptInvitation(token, { id: 'pat' }));
      expect(isAuterityError(full, 'quota_exceeded') && full.message).toMatch(/seats limit of 3/);
      expect(await open()).toMatchObject({ acceptedAt: null });
      expect(isAuterityError(await rejection(initech.members.get('pat')), 'not_found')).toBe(true);

      const staff = (await initech.members.list()).find((member) => member.email === 'staff3@initech.test')!;
      await initech.members.remove(staff.id);
      const accepted = await fixture.engine.acceptInvitation(token, { id: 'pat' });
      expect(accepted.member).toMatchObject({ id: 'pat', email: 'pat@initech.test', roles: ['viewer'] });
      expect(await open()).toMatchObject({ acceptedBy: 'pat' });
    });

    it('completes an accept that added the member but stopped before consuming the token', async () => {
      const { token, invitation } = await acme.governance.invitations.create({ email: 'resume@example.com', roles: ['viewer', 'editor'] });
      // What a crash between the two steps leaves: this invitation's member, the invitation still open.
      const left = await acme.members.add({ id: 'member-resume', email: 'resume@example.com', roles: ['editor', 'viewer'] });
      const accepted = await fixture.engine.acceptInvitation(token, { id: 'member-resume' });
      expect(accepted.member).toEqual(left);
      expect(accepted.invitation).toMatchObject({ id: invitation.id, acceptedBy: 'member-resume' });
      // A member with other roles is not this invitation's: that is a conflict, and the token stays open.
      const other = await acme.governance.invitations.create({ email: 'other@example.com', roles: ['admin'] });
      await acme.members.add({ id: 'member-other-roles', email: 'other@example.com', roles: ['viewer'] });
      const conflict = await rejection(fixture.engine.acceptInvitation(other.token, { id: 'member-other-roles' }));
      expect(isAuterityError(conflict, 'conflict') && conflict.message).toMatch(/Member "member-other-roles" already exists/);
      expect(await acme.members.get('member-other-roles')).toMatchObject({ roles: ['viewer'] });
      expect((await acme.governance.invitations.list()).find((row) => row.id === other.invitation.id)).toMatchObject({ acceptedAt: null });
    });

    it('concurrent accepts: one person twice joins once; two people, one joins', async () => {
      await fixture.engine.tenants.create({ id: 'hooli', plan: 'enterprise' });
      const hooli = fixture.engine.tenant('hooli', admin);
      const same = await hooli.governance.invitations.create({ email: 'twice@example.com', roles: ['viewer'] });
      const twice = await Promise.allSettled([0, 1].map(() => fixture.engine.acceptInvitation(same.token, { id: 'member-twice' })));
      expect(twice.map((result) => (result.status === 'rejected' ? String(result.reason) : result.status))).toEqual(['fulfilled', 'fulfilled']);
      expect((await hooli.members.list()).filter((member) => member.email === 'twice@example.com').map((member) => member.id)).toEqual(['member-twice']);

      const contested = await hooli.governance.invitations.create({ email: 'contested@example.com', roles: ['viewer'] });
      const both = await Promise.allSettled(['member-a', 'member-b'].map((id) => fixture.engine.acceptInvitation(contested.token, { id })));
      const winners = both.flatMap((result) => (result.status === 'fulfilled' ? [result.value.member.id] : []));
      expect(winners).toHaveLength(1);
      expect(both.flatMap((result) => (result.status === 'rejected' ? [isAuterityError(result.reason, 'conflict')] : []))).toEqual([true]);
      expect((await hooli.members.list()).filter((member) => member.email === 'contested@example.com').map((member) => member.id)).toEqual(winners);
      expect((await hooli.governance.invitations.list()).find((row) => row.id === contested.invitation.id)).toMatchObject({ acceptedBy: winners[0] });
    });

    it('names the acceptor field that is wrong', async () => {
      const { token } = await acme.governance.invitations.create({ email: 'bad@example.com', roles: ['viewer'] });
      const bad = await rejection(fixture.engine.acceptInvitation(token, { id: 'has space' }));
      expect(isAuterityError(bad, 'invalid_input') && bad.message).toMatch(/acceptor.*id/);
      expect(isAuterityError(await rejection(fixture.engine.acceptInvitation(token, 'user-1' as never)), 'invalid_input')).toBe(true);
    });

    it('answers not_found for a tenant that does not exist', async () => {
      const ghost = fixture.engine.tenant('ghost', admin);
      expect(isAuterityError(await rejection(ghost.governance.authorize({ action: 'workflow:run', resource: { id: 'w' } })), 'not_found')).toBe(true);
      expect(isAuterityError(await rejection(ghost.governance.approvals.list()), 'not_found')).toBe(true);
    });
  });
});

describe('governance options', () => {
  it('stops start-up on an invalid ISV policy, naming it', () => {
    expect(() => createAuterity({ database: 'sqlite::memory:', governance: { policies: [{ id: 'p', rules: [{ effect: 'allow', actions: ['*'], condition: '(' }] }] } })).toThrow(
      /isv policies\[0\]: .*rules\[0\]\.condition/,
    );
  });
});
