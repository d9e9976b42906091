import { describe, expect, it } from 'vitest';
import { isAuterityError } from '../../src/errors.js';
import {
  builtInRolesPolicy,
  compilePolicySet,
  createInvitations,
  createMemoryInvitationStore,
  customRolesPolicy,
  parseCustomRole,
  resolvePermissions,
} from '../../src/governance/index.js';

const secret = 'x'.repeat(40);

describe('roles', () => {
  it('resolves built-in and custom role permissions with globs', () => {
    const billingAdmin = parseCustomRole({ name: 'billing-admin', permissions: ['billing:*', 'ai:use'] });
    const editor = resolvePermissions(['editor']);
    expect(editor.has('workflow:run')).toBe(true);
    expect(editor.has('billing:manage')).toBe(false);
    expect(resolvePermissions(['viewer', 'billing-admin'], [billingAdmin]).has('billing:manage')).toBe(true);
    expect(resolvePermissions(['admin']).has('anything:at-all')).toBe(true);
    expect(resolvePermissions(['nobody']).has('workflow:read')).toBe(false);
  });

  it('rejects custom roles that shadow built-ins or are malformed, naming the field', () => {
    expect(() => parseCustomRole({ name: 'admin', permissions: ['*'] })).toThrow(/name: is a built-in role/);
    expect(() => parseCustomRole({ name: 'Ops Team', permissions: ['*'] })).toThrow(/name: must start with a lowercase letter/);
    expect(() => parseCustomRole({ name: 'ops', permissions: [] })).toThrow(/permissions: needs at least one permission/);
  });

  it('grants role permissions through the policy engine, where a deny still wins', () => {
    const custom = customRolesPolicy([parseCustomRole({ name: 'runner', permissions: ['workflow:run'] })]);
    const set = compilePolicySet({
      isv: [builtInRolesPolicy(), { id: 'no-guest-ai', rules: [{ effect: 'deny', actions: ['ai:use'], roles: ['guest'] }] }],
      tenant: custom ? [custom] : [],
    });
    const ask = (roles: string[], action: string) => set.evaluate({ principal: { id: 'p', roles }, action, resource: { id: 'x' } });
    expect(ask(['viewer'], 'workflow:read').decidedBy).toMatchObject({ policyId: 'builtin-roles', ruleId: 'role:viewer' });
    expect(ask(['viewer'], 'workflow:run').allowed).toBe(false);
    expect(ask(['runner'], 'workflow:run').decidedBy).toMatchObject({ layer: 'tenant', ruleId: 'role:runner' });
    expect(ask(['admin', 'guest'], 'ai:use').effect).toBe('deny');
  });
});

function setup() {
  let clock = 1_000_000;
  const invitations = createInvitations({ secret, store: createMemoryInvitationStore(), now: () => clock });
  return { invitations, advance: (ms: number) => (clock += ms) };
}
const failingJoin = async (): Promise<undefined> => {
  throw new Error('no seat left');
};
const codeOf = async (promise: Promise<unknown>) => promise.then(() => 'ok', (error: unknown) => (isAuterityError(error) ? `${error.code}: ${error.message}` : String(error)));

describe('invitations', () => {

  it('accepts a valid token once', async () => {
    const { invitations } = setup();
    const { token, invitation } = await invitations.create('t1', { email: 'New@Example.com', roles: ['editor'], invitedBy: 'u1' });
    expect(invitation.email).toBe('new@example.com');
    const first = await invitations.accept(token, 'member-1');
    expect(first).toMatchObject({ invitation: { tenantId: 't1', roles: ['editor'], acceptedBy: 'member-1' }, consumed: true });
    expect(await codeOf(invitations.accept(token, 'member-2'))).toMatch(/^conflict: .*already accepted/);
    // The one who accepted it, asking again (a lost answer, or their concurrent accept that lost the
    // race to the store): the accepted invitation, and no second join.
    const joins: string[] = [];
    const again = await invitations.accept(token, 'member-1', async () => void joins.push('again'));
    expect(again).toEqual({ invitation: first.invitation, consumed: false });
    expect(joins).toEqual([]);
    const both = await Promise.allSettled([0, 1].map(async () => {
      const fresh = await invitations.create('t1', { email: 'b@example.com', roles: ['viewer'], invitedBy: 'u1' });
      return Promise.allSettled([invitations.accept(fresh.token, 'x'), invitations.accept(fresh.token, 'y')]);
    }));
    for (const result of both) {
      if (result.status !== 'fulfilled') throw new Error('create failed');
      expect(result.value.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    }
  });

  it('rejects expired, tampered, revoked and foreign-secret tokens', async () => {
    const { invitations, advance } = setup();
    const { token } = await invitations.create('t1', { email: 'a@example.com', roles: ['viewer'], invitedBy: 'u1', expiresInMs: 60_000 });
    const [payload, signature] = token.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), t: 't2' })).toString('base64url');
    expect(await codeOf(invitations.accept(`${forged}.${signature}`, 'm'))).toMatch(/^invalid_input: .*bad signature/);
    expect(await codeOf(invitations.accept('garbage', 'm'))).toMatch(/malformed/);
    const other = createInvitations({ secret: 'y'.repeat(40), store: createMemoryInvitationStore() });
    expect(await codeOf(other.accept(token, 'm'))).toMatch(/bad signature/);
    advance(60_000);
    expect(await codeOf(invitations.accept(token, 'm'))).toMatch(/expired/);

    const second = await invitations.create('t1', { email: 'c@example.com', roles: ['viewer'], invitedBy: 'u1' });
    expect(await invitations.revoke('t1', second.invitation.id)).toBe(true);
    expect(await codeOf(invitations.accept(second.token, 'm'))).toMatch(/revoked/);
  });

  it('consumes the invitation only after the join; a join that fails leaves it open', async () => {
    const { invitations } = setup();
    const { token, invitation } = await invitations.create('t1', { email: 'j@example.com', roles: ['viewer'], invitedBy: 'u1' });
    await expect(invitations.accept(token, 'm1', failingJoin)).rejects.toThrow('no seat left');
    expect((await invitations.list('t1'))[0]).toMatchObject({ acceptedAt: null, acceptedBy: null });
    const joined: string[] = [];
    const accepted = await invitations.accept(token, 'm1', async (open) => {
      expect(open).toMatchObject({ id: invitation.id, acceptedAt: null });
      joined.push('m1');
      return undefined;
    });
    expect(accepted).toMatchObject({ invitation: { acceptedBy: 'm1' }, consumed: true });
    expect(joined).toEqual(['m1']);
  });

  it('reverts the join when the invitation was revoked while joining', async () => {
    const { invitations } = setup();
    const { token, invitation } = await invitations.create('t1', { email: 'r@example.com', roles: ['viewer'], invitedBy: 'u1' });
    const members = new Set<string>();
    const outcome = await codeOf(
      invitations.accept(token, 'm1', async () => {
        members.add('m1');
        await invitations.revoke('t1', invitation.id);
        return async () => void members.delete('m1');
      }),
    );
    expect(outcome).toMatch(/^invalid_input: .*revoked/);
    expect([...members]).toEqual([]);
  });

  it('validates requests, naming the field', async () => {
    const { invitations } = setup();
    expect(await codeOf(invitations.create('t1', { email: 'not-an-email', roles: ['viewer'], invitedBy: 'u' }))).toMatch(/email/);
    expect(await codeOf(invitations.create('t1', { email: 'a@b.co', roles: [], invitedBy: 'u' }))).toMatch(/roles: needs at least one role/);
    expect(() => createInvitations({ secret: 'short', store: createMemoryInvitationStore() })).toThrow(/secret/);
  });
});
