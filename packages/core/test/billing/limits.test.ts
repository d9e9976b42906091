// Limit features counted from real rows: `seats` (members) and `workflows`. The Free plan allows
// 3 of each; the next one is refused with quota_exceeded naming the feature and the limit, and
// a new version of an existing workflow is not a new workflow.
import { testDialects } from '@auterity/testing';
import { describe, expect, it } from 'vitest';
import { isAuterityError } from '../../src/index.js';
import { admin, rejection, useEngine } from '../helpers.js';

const workflow = (name: string) => ({ name, steps: [{ id: 'a', action: 'transform', input: { expression: '1' } }] });

describe.each(testDialects)('row-counted limits on %s', (dialect) => {
  const fixture = useEngine(dialect);

  it('a Free tenant gets 3 seats; the 4th member is refused naming seats and the limit', async () => {
    await fixture.engine.tenants.create({ id: 'seats-free', plan: 'free' });
    const tenant = fixture.engine.tenant('seats-free', admin);
    for (let i = 0; i < 3; i++) await tenant.members.add({ email: `m${i}@example.com`, roles: ['viewer'] });
    expect(await tenant.billing.check('seats')).toMatchObject({ limit: 3, used: 3, remaining: 0 });
    const error = await rejection(tenant.members.add({ email: 'm3@example.com', roles: ['viewer'] }));
    expect(isAuterityError(error, 'quota_exceeded')).toBe(true);
    expect((error as Error).message).toMatch(/seats limit of 3/);
    expect(await tenant.members.list()).toHaveLength(3);
    await tenant.members.remove((await tenant.members.list())[0]!.id);
    await tenant.members.add({ email: 'm4@example.com', roles: ['viewer'] });
  });

  it('a Free tenant gets 3 workflows; a 4th is refused, a new version of one is not', async () => {
    await fixture.engine.tenants.create({ id: 'flows-free', plan: 'free' });
    const tenant = fixture.engine.tenant('flows-free', admin);
    for (const name of ['one', 'two', 'three']) await tenant.workflows.save(workflow(name));
    expect(await tenant.billing.check('workflows')).toMatchObject({ limit: 3, used: 3, remaining: 0 });
    const error = await rejection(tenant.workflows.save(workflow('four')));
    expect(isAuterityError(error, 'quota_exceeded')).toBe(true);
    expect((error as Error).message).toMatch(/workflows limit of 3/);
    const edited = await tenant.workflows.save(workflow('one'), { id: 'one' });
    expect(edited.version).toBe(2);
    expect((await tenant.workflows.list()).map((w) => w.id).sort()).toEqual(['one', 'three', 'two']);
  });

  it('a plan change raises the limit at once', async () => {
    await fixture.engine.tenants.create({ id: 'flows-up', plan: 'free' });
    const tenant = fixture.engine.tenant('flows-up', admin);
    for (const name of ['a1', 'a2', 'a3']) await tenant.workflows.save(workflow(name));
    await tenant.billing.subscription.changePlan('pro');
    await expect(tenant.workflows.save(workflow('a4'))).resolves.toMatchObject({ version: 1 });
  });
});
