// Metered features limited per API key (`scope: 'api_key'`): each key has its own counter, on every
// quota backend; check, consume and reserve all take `apiKeyId`.
import { describe, expect, it } from 'vitest';
import { definePlans, isAuterityError, type AuterityError } from '@auterity/core';
import { rejection } from '../helpers.js';
import { backendCases, useBilling } from './fixtures.js';

const catalog = definePlans({
  features: {
    key_tokens: { type: 'metered', period: 'month', scope: 'api_key' },
    tokens: { type: 'metered', period: 'month' },
  },
  plans: [{ id: 'small', name: 'Small', monthly: 0, features: { key_tokens: 10, tokens: 100 } }],
});

describe.each(backendCases)('per-key metered features on %s', (kind) => {
  const fixture = useBilling(kind, catalog);

  it('counts each API key separately and refuses a key at its own limit', async () => {
    const { handle } = await fixture.tenant('perkey');
    expect(await handle.billing.consume('key_tokens', 10, { apiKeyId: 'key-a' })).toMatchObject({ used: 10, remaining: 0, limit: 10 });
    const refused = await rejection(handle.billing.consume('key_tokens', 1, { apiKeyId: 'key-a' }));
    expect(refused.code).toBe('quota_exceeded');
    expect(refused.details).toMatchObject({ feature: 'key_tokens', limit: 10, used: 10 });
    expect(await handle.billing.check('key_tokens', 1, { apiKeyId: 'key-a' })).toMatchObject({ allowed: false, used: 10 });
    expect(await handle.billing.check('key_tokens', 1, { apiKeyId: 'key-b' })).toMatchObject({ allowed: true, used: 0, remaining: 10 });
    const held = await handle.billing.reserve('key_tokens', 8, { ttlMs: 60_000, apiKeyId: 'key-b' });
    expect((await rejection(handle.billing.reserve('key_tokens', 3, { ttlMs: 60_000, apiKeyId: 'key-b' }))).code).toBe('quota_exceeded');
    expect(await held.commit(6)).toMatchObject({ used: 6 });
    expect(await handle.billing.check('key_tokens', 1, { apiKeyId: 'key-b' })).toMatchObject({ used: 6, remaining: 4 });
  });

  it('asks for the key on a per-key feature and ignores it on a tenant-wide one', async () => {
    const { handle } = await fixture.tenant('perkey-args');
    for (const call of [() => handle.billing.consume('key_tokens', 1), () => handle.billing.check('key_tokens'), () => handle.billing.reserve('key_tokens', 1, { ttlMs: 1_000 })]) {
      const error = await rejection(call());
      expect(error.code).toBe('invalid_input');
      expect(error.issues[0]?.path).toBe('apiKeyId');
    }
    await handle.billing.consume('tokens', 5, { apiKeyId: 'key-a' });
    expect(await handle.billing.check('tokens', 1, { apiKeyId: 'key-b' })).toMatchObject({ used: 5 });
  });

  it('rejects a scope the catalog does not know', () => {
    let error: unknown;
    try {
      definePlans({ features: { t: { type: 'metered', period: 'month', scope: 'user' as 'tenant' } }, plans: [{ id: 'p', name: 'P', monthly: 0 }] });
    } catch (caught) {
      error = caught;
    }
    expect(isAuterityError(error)).toBe(true);
    expect((error as AuterityError).message).toContain('expected tenant or api_key');
  });
});
