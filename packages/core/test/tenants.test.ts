import { describe, expect, it } from 'vitest';
import { testDialects } from '@auterity/testing';
import { isAuterityError } from '@auterity/core';
import { admin, rejection, useEngine } from './helpers.js';

describe.each(testDialects)('tenants on %s', (dialect) => {
  const fixture = useEngine(dialect);

  it('creates a tenant with defaults: name = id, plan = free', async () => {
    const before = Date.now();
    const tenant = await fixture.engine.tenants.create({ id: 'acme' });
    expect(tenant).toEqual({ id: 'acme', name: 'acme', plan: 'free', createdAt: tenant.createdAt, updatedAt: tenant.createdAt });
    expect(tenant.createdAt).toBeGreaterThanOrEqual(before);
    expect(tenant.createdAt).toBeLessThanOrEqual(Date.now());
    expect(await fixture.engine.tenants.get('acme')).toEqual(tenant);
  });

  it('creates a tenant with a name and plan', async () => {
    expect(await fixture.engine.tenants.create({ id: 'globex-2', name: '  Globex Corp ', plan: 'pro' })).toMatchObject({
      id: 'globex-2',
      name: 'Globex Corp',
      plan: 'pro',
    });
  });

  it('rejects a duplicate id with conflict', async () => {
    const error = await rejection(fixture.engine.tenants.create({ id: 'acme', name: 'Other' }));
    expect(isAuterityError(error, 'conflict')).toBe(true);
    expect((error as Error).message).toBe('Tenant "acme" already exists.');
    expect((await fixture.engine.tenants.get('acme')).name).toBe('acme');
  });

  it.each([
    [{ id: 'Acme' }, 'id'],
    [{ id: '-acme' }, 'id'],
    [{ id: 'a'.repeat(64) }, 'id'],
    [{ id: 'ok', plan: 'Pro Plan' }, 'plan'],
    [{ id: 'ok', name: '' }, 'name'],
    [{ id: 'ok', color: 'red' }, 'color'],
    [{}, 'id'],
  ])('rejects %j naming %s', async (input, field) => {
    const error = await rejection(fixture.engine.tenants.create(input as never));
    expect(isAuterityError(error, 'invalid_input')).toBe(true);
    expect((error as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toEqual([field]);
    expect((error as Error).message).toContain(field);
  });

  it('lists tenants oldest first', async () => {
    await fixture.engine.tenants.create({ id: 'zeta' });
    const ids = (await fixture.engine.tenants.list()).map((tenant) => tenant.id);
    expect(ids).toEqual(['acme', 'globex-2', 'zeta']);
  });

  it('updates name and plan', async () => {
    const before = await fixture.engine.tenants.get('zeta');
    const updated = await fixture.engine.tenants.update('zeta', { name: 'Zeta Inc', plan: 'business' });
    expect(updated).toMatchObject({ id: 'zeta', name: 'Zeta Inc', plan: 'business', createdAt: before.createdAt });
    expect(updated.updatedAt).toBeGreaterThanOrEqual(before.updatedAt);
    expect(await fixture.engine.tenants.get('zeta')).toEqual(updated);
    expect(await fixture.engine.tenants.update('zeta', {})).toEqual(updated);
  });

  it('answers not_found for an unknown tenant', async () => {
    for (const call of [
      () => fixture.engine.tenants.get('nope'),
      () => fixture.engine.tenants.update('nope', { plan: 'pro' }),
      () => fixture.engine.tenants.delete('nope'),
      () => fixture.engine.apiKeys.create('nope'),
      () => fixture.engine.tenant('nope', admin).members.list(),
      () => fixture.engine.tenant('nope', admin).members.add({ email: 'a@b.co', roles: ['admin'] }),
      () => fixture.engine.tenant('nope', admin).apiKeys.create(),
    ]) {
      const error = await rejection(call());
      expect(isAuterityError(error, 'not_found')).toBe(true);
      expect((error as Error).message).toBe('Tenant "nope" not found.');
    }
  });

  it('deletes a tenant and everything it owns', async () => {
    const handle = fixture.engine.tenant('zeta', admin);
    await handle.members.add({ id: 'u1', email: 'u1@zeta.io', roles: ['admin'] });
    const key = await handle.apiKeys.create({ name: 'ci' });
    await fixture.engine.tenants.delete('zeta');
    expect(isAuterityError(await rejection(fixture.engine.tenants.get('zeta')), 'not_found')).toBe(true);
    expect(await fixture.engine.apiKeys.verify(key.key)).toBeNull();
    // Re-created under the same id, it starts empty.
    await fixture.engine.tenants.create({ id: 'zeta' });
    expect(await handle.members.list()).toEqual([]);
    expect(await handle.apiKeys.list()).toEqual([]);
  });

  it('validates the tenant handle arguments synchronously', () => {
    expect(() => fixture.engine.tenant('Not A Slug', admin)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => fixture.engine.tenant('acme', { id: '', roles: [] })).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => fixture.engine.tenant('acme', undefined as never)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    const handle = fixture.engine.tenant('acme', { id: 'u9', roles: ['viewer'] });
    expect(handle.tenantId).toBe('acme');
    expect(handle.actor).toEqual({ id: 'u9', roles: ['viewer'] });
  });
});
