import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '@auterity/testing';
import { isAuterityError, type TenantHandle } from '@auterity/core';
import { admin, rawQuery, rejection, useEngine } from './helpers.js';

const KEY = /^au_(key_[0-9A-Za-z]{20})_[0-9A-Za-z]{40}$/;

describe.each(testDialects)('API keys on %s', (dialect) => {
  const fixture = useEngine(dialect);
  let acme: TenantHandle;
  beforeAll(async () => {
    await fixture.engine.tenants.create({ id: 'acme' });
    acme = fixture.engine.tenant('acme', admin);
  });

  it('creates a key that verifies to its tenant and scopes', async () => {
    const created = await fixture.engine.apiKeys.create('acme', { name: 'CI', scopes: ['workflows:read', 'runs:write'] });
    expect(created.key).toMatch(KEY);
    expect(KEY.exec(created.key)![1]).toBe(created.id);
    expect(created).toMatchObject({ tenantId: 'acme', name: 'CI', scopes: ['workflows:read', 'runs:write'], createdBy: null, lastUsedAt: null, revokedAt: null });
    expect(await fixture.engine.apiKeys.verify(created.key)).toEqual({ tenantId: 'acme', keyId: created.id, scopes: ['workflows:read', 'runs:write'] });
  });

  it('defaults to every scope and records the creating actor', async () => {
    const created = await acme.apiKeys.create();
    expect(created).toMatchObject({ scopes: ['*'], name: null, createdBy: 'user_admin' });
    expect(await fixture.engine.apiKeys.verify(created.key)).toMatchObject({ scopes: ['*'] });
  });

  it('updates last_used_at on verification', async () => {
    const created = await acme.apiKeys.create({ name: 'used' });
    const before = Date.now();
    await fixture.engine.apiKeys.verify(created.key);
    const key = await acme.apiKeys.get(created.id);
    expect(key.lastUsedAt).toBeGreaterThanOrEqual(before);
    expect(key.lastUsedAt).toBeLessThanOrEqual(Date.now());
  });

  it('stores only a SHA-256 hash of the key', async () => {
    const created = await acme.apiKeys.create({ name: 'hashed' });
    const rows = await rawQuery(fixture.db, `select * from api_keys where id = '${created.id}'`);
    expect(rows).toHaveLength(1);
    const secret = created.key.slice(created.key.lastIndexOf('_') + 1);
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(created.key);
    expect(dump).not.toContain(secret);
    expect(rows[0]!.key_hash).toBe(createHash('sha256').update(created.key).digest('hex'));
    // Nor does any API return it again.
    expect(JSON.stringify(await acme.apiKeys.list())).not.toContain(secret);
    expect(await acme.apiKeys.get(created.id)).not.toHaveProperty('key');
  });

  it('revokes a key: verification fails from then on', async () => {
    const created = await acme.apiKeys.create({ name: 'to revoke' });
    expect(await fixture.engine.apiKeys.verify(created.key)).not.toBeNull();
    const revoked = await acme.apiKeys.revoke(created.id);
    expect(revoked.revokedAt).toEqual(expect.any(Number));
    expect(await fixture.engine.apiKeys.verify(created.key)).toBeNull();
    expect(await acme.apiKeys.revoke(created.id)).toEqual(revoked); // idempotent
    expect((await acme.apiKeys.list()).find((key) => key.id === created.id)?.revokedAt).toBe(revoked.revokedAt);
  });

  it('rejects tampered, malformed and unknown keys', async () => {
    const created = await acme.apiKeys.create();
    const last = created.key.at(-1)!;
    const tampered = created.key.slice(0, -1) + (last === 'a' ? 'b' : 'a');
    const other = await acme.apiKeys.create();
    const spliced = `au_${created.id}_${other.key.slice(other.key.lastIndexOf('_') + 1)}`;
    for (const key of [
      tampered,
      spliced,
      `au_key_${'0'.repeat(20)}_${'a'.repeat(40)}`,
      created.key.toUpperCase(),
      `${created.key} `,
      '',
      'Bearer ' + created.key,
    ]) {
      expect(await fixture.engine.apiKeys.verify(key)).toBeNull();
    }
    expect(await fixture.engine.apiKeys.verify(created.key)).not.toBeNull();
    expect(isAuterityError(await rejection(fixture.engine.apiKeys.verify(42 as never)), 'invalid_input')).toBe(true);
  });

  it('validates key input', async () => {
    const error = await rejection(acme.apiKeys.create({ scopes: ['Workflows Read'] }));
    expect(isAuterityError(error, 'invalid_input')).toBe(true);
    expect((error as { issues: { path: string }[] }).issues[0]!.path).toBe('scopes.0');
    expect(isAuterityError(await rejection(fixture.engine.apiKeys.create('acme', { scopes: [] })), 'invalid_input')).toBe(true);
    expect(isAuterityError(await rejection(fixture.engine.apiKeys.create('ACME')), 'invalid_input')).toBe(true);
  });

  it('answers not_found for unknown key ids', async () => {
    for (const id of ['key_doesnotexist000000', 'nope']) {
      expect(isAuterityError(await rejection(acme.apiKeys.get(id)), 'not_found')).toBe(true);
      expect(isAuterityError(await rejection(acme.apiKeys.revoke(id)), 'not_found')).toBe(true);
    }
  });
});
