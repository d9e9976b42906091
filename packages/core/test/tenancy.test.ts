// The done-when of the tenancy issue: a tenant-scoped handle can never read or change another
// tenant's rows, including by guessing ids; and the scoped layer adds the tenant filter itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDialects, type TestDatabase } from '@auterity/testing';
import { createAuterity, type ApiKey, type Auterity, type CreatedApiKey, type Member, type TenantHandle } from '@auterity/core';
import { resolveOptions } from '../src/config/index.js';
import { Storage, type TenantScope } from '../src/storage/index.js';
import { admin } from './helpers.js';

const notFound = { name: 'AuterityError', code: 'not_found' };
const row = (id: string, email: string) => ({ id, email, name: null, roles: '["viewer"]', created_at: 1, updated_at: 1 });

describe.each(testDialects)('tenant isolation on %s', (dialect) => {
  let db: TestDatabase;
  let engine: Auterity;
  let a: TenantHandle;
  let b: TenantHandle;
  let aMember: Member;
  let aKey: CreatedApiKey;
  let bMember: Member;
  let bKey: CreatedApiKey;
  let snapshot: { members: Member[]; keys: ApiKey[] };

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    engine = createAuterity({ database: db.url });
    await engine.tenants.create({ id: 'tenant-a' });
    await engine.tenants.create({ id: 'tenant-b' });
    a = engine.tenant('tenant-a', admin);
    b = engine.tenant('tenant-b', admin);
    aMember = await a.members.add({ email: 'alice@a.example', roles: ['admin'] });
    await a.members.add({ id: 'shared-id', email: 'shared@a.example', roles: ['viewer'] });
    aKey = await a.apiKeys.create({ name: 'a key' });
    bMember = await b.members.add({ email: 'bob@b.example', roles: ['admin'] });
    bKey = await b.apiKeys.create({ name: 'b key' });
    snapshot = { members: await a.members.list(), keys: await a.apiKeys.list() };
  });
  afterAll(async () => {
    await engine.close();
    await db.drop();
  });

  it("answers not_found for another tenant's member ids on get, update and remove", async () => {
    for (const id of [aMember.id, 'shared-id']) {
      await expect(b.members.get(id)).rejects.toMatchObject(notFound);
      await expect(b.members.update(id, { name: 'hijacked', roles: ['admin'] })).rejects.toMatchObject(notFound);
      await expect(b.members.remove(id)).rejects.toMatchObject(notFound);
    }
  });

  it("answers not_found for another tenant's API key ids on get and revoke", async () => {
    await expect(b.apiKeys.get(aKey.id)).rejects.toMatchObject(notFound);
    await expect(b.apiKeys.revoke(aKey.id)).rejects.toMatchObject(notFound);
  });

  it('lists only its own rows', async () => {
    expect((await b.members.list()).map((member) => member.id)).toEqual([bMember.id]);
    expect((await b.apiKeys.list()).map((key) => key.id)).toEqual([bKey.id]);
    expect((await a.members.list()).every((member) => member.tenantId === 'tenant-a')).toBe(true);
  });

  it("leaves the other tenant's rows unchanged", async () => {
    expect(await a.members.list()).toEqual(snapshot.members);
    expect(await a.apiKeys.list()).toEqual(snapshot.keys);
    expect(await engine.apiKeys.verify(aKey.key)).toEqual({ tenantId: 'tenant-a', keyId: aKey.id, scopes: ['*'] });
  });

  it('keeps equal ids in two tenants apart', async () => {
    const inB = await b.members.add({ id: 'shared-id', email: 'shared@b.example', roles: ['editor'] });
    expect(inB).toMatchObject({ id: 'shared-id', tenantId: 'tenant-b', roles: ['editor'] });
    // The same email is a different member in another tenant, too.
    await b.members.add({ id: 'alice-in-b', email: 'alice@a.example', roles: ['viewer'] });
    await b.members.update('shared-id', { name: 'B only' });
    expect(await a.members.get('shared-id')).toMatchObject({ tenantId: 'tenant-a', email: 'shared@a.example', name: null, roles: ['viewer'] });
    await b.members.remove('shared-id');
    expect(await a.members.get('shared-id')).toEqual(snapshot.members.find((member) => member.id === 'shared-id'));
  });

  it("verifies each tenant's key to its own tenant", async () => {
    expect(await engine.apiKeys.verify(bKey.key)).toMatchObject({ tenantId: 'tenant-b', keyId: bKey.id });
  });
});

describe.each(testDialects)('the tenant-scoped data-access layer on %s', (dialect) => {
  let db: TestDatabase;
  let storage: Storage;
  let scopeA: TenantScope;
  let scopeB: TenantScope;

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    storage = new Storage({ database: resolveOptions({ database: db.url }).database, logger: console });
    await storage.migrate();
    scopeA = storage.scope('tenant-a');
    scopeB = storage.scope('tenant-b');
    for (const scope of [scopeA, scopeB]) {
      await scope.insertInto('tenants').values({ name: scope.tenantId, plan: 'free', created_at: 1, updated_at: 1 }).execute();
    }
    await scopeA.insertInto('members').values([row('m1', 'one@a'), row('m2', 'two@a')]).execute();
    await scopeB.insertInto('members').values(row('m1', 'one@b')).execute();
  });
  afterAll(async () => {
    await storage.destroy();
    await db.drop();
  });

  const aRows = () => scopeA.selectFrom('members').selectAll().orderBy('id').execute();

  it("adds the tenant filter even when the caller filters on another tenant's id", async () => {
    expect(await scopeB.selectFrom('members').selectAll().where('tenant_id', '=', 'tenant-a').execute()).toEqual([]);
    const ored = await scopeB
      .selectFrom('members')
      .select(['tenant_id', 'id'])
      .where((eb) => eb.or([eb('tenant_id', '=', 'tenant-a'), eb('id', '=', 'm2'), eb('id', '=', 'm1')]))
      .execute();
    expect(ored).toEqual([{ tenant_id: 'tenant-b', id: 'm1' }]);
  });

  it('filters every table of a join and of a sub-query', async () => {
    const joined = await scopeB
      .selectFrom('members as m')
      .innerJoin('tenants as t', 't.tenant_id', 'm.tenant_id')
      .select(['m.id', 't.name'])
      .execute();
    expect(joined).toEqual([{ id: 'm1', name: 'tenant-b' }]);
    const cross = await scopeB
      .selectFrom('tenants')
      .select('name')
      .where('tenant_id', 'in', (eb) => eb.selectFrom('members').select('tenant_id').where('id', '=', 'm2'))
      .execute();
    expect(cross).toEqual([]);
  });

  it("cannot update or delete another tenant's rows, whatever the caller's where says", async () => {
    const before = await aRows();
    const updated = await scopeB.updateTable('members').set({ name: 'hijacked' }).where('tenant_id', '=', 'tenant-a').executeTakeFirst();
    expect(updated.numUpdatedRows).toBe(0n);
    const deleted = await scopeB.deleteFrom('members').where('tenant_id', '=', 'tenant-a').executeTakeFirst();
    expect(deleted.numDeletedRows).toBe(0n);
    expect(await aRows()).toEqual(before);
  });

  it("sets tenant_id on inserts, replacing a caller's value", async () => {
    await scopeB.insertInto('members').values({ ...row('m9', 'nine@b'), tenant_id: 'tenant-a' } as never).execute();
    expect((await aRows()).map((member) => member.id)).toEqual(['m1', 'm2']);
    expect(await scopeB.selectFrom('members').select(['tenant_id', 'id']).where('id', '=', 'm9').execute()).toEqual([
      { tenant_id: 'tenant-b', id: 'm9' },
    ]);
  });

  it('refuses to change tenant_id', async () => {
    const attempt = scopeB.updateTable('members').set({ tenant_id: 'tenant-a' } as never).where('id', '=', 'm9');
    await expect(attempt.execute()).rejects.toThrow(/cannot change tenant_id/);
    await expect(
      scopeB
        .insertInto('members')
        .values(row('m9', 'nine@b'))
        .onConflict((oc) => oc.columns(['tenant_id', 'id']).doUpdateSet({ tenant_id: 'tenant-a' } as never))
        .execute(),
    ).rejects.toThrow(/cannot change tenant_id/);
  });

  it("does not let an upsert touch another tenant's row through a global unique index", async () => {
    const values = { name: 'a', scopes: '["*"]', key_hash: 'h', created_by: null, created_at: 1, last_used_at: null, revoked_at: null };
    await scopeA.insertInto('api_keys').values({ id: 'key_global', ...values }).execute();
    await scopeB
      .insertInto('api_keys')
      .values({ id: 'key_global', ...values, name: 'b' })
      .onConflict((oc) => oc.column('id').doUpdateSet({ name: 'hijacked' }))
      .execute();
    expect(await scopeA.selectFrom('api_keys').select(['id', 'name']).execute()).toEqual([{ id: 'key_global', name: 'a' }]);
    expect(await scopeB.selectFrom('api_keys').select('id').execute()).toEqual([]);
  });

  it('keeps the filter inside transactions and when plugins are removed', async () => {
    const inside = await scopeB.transaction(async (tx) => {
      await tx.updateTable('members').set({ name: 'tx' }).execute();
      return tx.selectFrom('members').select(['tenant_id', 'name']).execute();
    });
    expect(inside.every((member) => member.tenant_id === 'tenant-b' && member.name === 'tx')).toBe(true);
    expect((await aRows()).every((member) => member.name === null)).toBe(true);
    const query = scopeB.selectFrom('members').select('id').withPlugin({
      transformQuery: (args) => args.node,
      transformResult: async (args) => args.result,
    });
    expect(query.compile().sql).toContain('tenant_id');
  });

  it('rolls a transaction back when it throws', async () => {
    await expect(
      scopeB.transaction(async (tx) => {
        await tx.deleteFrom('members').execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await scopeB.selectFrom('members').select('id').execute()).length).toBeGreaterThan(0);
  });

  it('refuses joins that would keep another tenant\'s rows', () => {
    expect(() => scopeB.selectFrom('members').rightJoin('tenants', 'tenants.tenant_id', 'members.tenant_id').selectAll().compile()).toThrow(/RIGHT JOIN/);
  });
});
