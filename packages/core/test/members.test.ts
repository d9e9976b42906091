import { beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '@auterity/testing';
import { isAuterityError, type TenantHandle } from '@auterity/core';
import { admin, rejection, useEngine } from './helpers.js';

describe.each(testDialects)('members on %s', (dialect) => {
  const fixture = useEngine(dialect);
  let acme: TenantHandle;
  beforeAll(async () => {
    await fixture.engine.tenants.create({ id: 'acme' });
    acme = fixture.engine.tenant('acme', admin);
  });

  it('adds a member with a generated id and a normalised email', async () => {
    const member = await acme.members.add({ email: 'Ada@Example.COM', name: 'Ada', roles: ['admin', 'editor', 'admin'] });
    expect(member.id).toMatch(/^mem_[0-9A-Za-z]{20}$/);
    expect(member).toEqual({
      id: member.id,
      tenantId: 'acme',
      email: 'ada@example.com',
      name: 'Ada',
      roles: ['admin', 'editor'],
      createdAt: member.createdAt,
      updatedAt: member.createdAt,
    });
    expect(await acme.members.get(member.id)).toEqual(member);
  });

  it("adds a member under the host's own user id", async () => {
    const member = await acme.members.add({ id: 'auth0|user-42', email: 'grace@example.com', roles: ['viewer'] });
    expect(member).toMatchObject({ id: 'auth0|user-42', name: null, roles: ['viewer'] });
  });

  it('rejects a taken id or email with conflict', async () => {
    const byId = await rejection(acme.members.add({ id: 'auth0|user-42', email: 'other@example.com', roles: ['viewer'] }));
    expect(isAuterityError(byId, 'conflict')).toBe(true);
    expect((byId as Error).message).toBe('Member "auth0|user-42" already exists.');
    const byEmail = await rejection(acme.members.add({ email: 'GRACE@example.com', roles: ['viewer'] }));
    expect(isAuterityError(byEmail, 'conflict')).toBe(true);
    expect((byEmail as Error).message).toBe('A member with email "grace@example.com" already exists.');
    expect(await acme.members.list()).toHaveLength(2);
  });

  it.each([
    [{ email: 'not-an-email', roles: ['admin'] }, ['email']],
    [{ email: 'a@b.co', roles: [] }, ['roles']],
    [{ email: 'a@b.co', roles: ['Admin'] }, ['roles.0']],
    [{ email: 'a@b.co', roles: ['admin'], id: 'has space' }, ['id']],
    [{ roles: ['admin'], extra: 1 }, ['email', 'extra']],
  ])('rejects %j naming %j', async (input, fields) => {
    const error = await rejection(acme.members.add(input as never));
    expect(isAuterityError(error, 'invalid_input')).toBe(true);
    expect((error as { issues: { path: string }[] }).issues.map((issue) => issue.path).sort()).toEqual(fields);
  });

  it('lists members oldest first', async () => {
    const list = await acme.members.list();
    expect(list.map((member) => member.email)).toEqual(['ada@example.com', 'grace@example.com']);
  });

  it('updates email, name and roles', async () => {
    const updated = await acme.members.update('auth0|user-42', { email: 'Grace.Hopper@example.com', name: 'Grace', roles: ['editor'] });
    expect(updated).toMatchObject({ id: 'auth0|user-42', email: 'grace.hopper@example.com', name: 'Grace', roles: ['editor'] });
    expect(await acme.members.get('auth0|user-42')).toEqual(updated);
    expect(await acme.members.update('auth0|user-42', { name: null })).toMatchObject({ name: null, roles: ['editor'] });
    expect(await acme.members.update('auth0|user-42', { email: 'grace.hopper@example.com' })).toMatchObject({ email: 'grace.hopper@example.com' });
  });

  it("refuses to update a member to another member's email", async () => {
    const error = await rejection(acme.members.update('auth0|user-42', { email: 'ada@example.com' }));
    expect(isAuterityError(error, 'conflict')).toBe(true);
  });

  it('removes a member', async () => {
    await acme.members.remove('auth0|user-42');
    expect(isAuterityError(await rejection(acme.members.get('auth0|user-42')), 'not_found')).toBe(true);
    expect(isAuterityError(await rejection(acme.members.remove('auth0|user-42')), 'not_found')).toBe(true);
    expect(isAuterityError(await rejection(acme.members.update('auth0|user-42', { name: 'x' })), 'not_found')).toBe(true);
    expect(await acme.members.list()).toHaveLength(1);
  });
});
