import { describe, expect, it } from 'vitest';
import { canonicalJson, createAuditLog, createMemoryAuditStore, type AuditEntry } from '../../src/governance/audit/index.js';
import { genesisHash, hashEntry } from '../../src/governance/audit/chain.js';
import { defineTamperCases } from './audit-tamper-cases.js';

describe('audit log (memory store)', () => {
  defineTamperCases(async () => {
    const store = createMemoryAuditStore();
    const find = (tenantId: string, seq: number) => store.rows(tenantId).find((row) => row.seq === seq) as AuditEntry;
    return {
      log: createAuditLog({ store, pageSize: 3 }),
      tamper: {
        update: async (tenantId, seq, patch) => void Object.assign(find(tenantId, seq), patch),
        remove: async (tenantId, seq) => void store.rows(tenantId).splice(store.rows(tenantId).indexOf(find(tenantId, seq)), 1),
        insert: async (tenantId, entry) => void store.rows(tenantId).push(entry),
      },
    };
  });

  it('keeps chains of different tenants apart', async () => {
    const log = createAuditLog({ store: createMemoryAuditStore() });
    await log.append('a', { actorId: 'u', action: 'x.y' });
    const b = await log.append('b', { actorId: 'u', action: 'x.y' });
    expect(b.seq).toBe(1);
    expect((await log.list('a')).length).toBe(1);
  });

  it('refuses an event whose data is not a plain object, naming the field', async () => {
    const log = createAuditLog({ store: createMemoryAuditStore() });
    for (const data of ['text', [1, 2], new Date(0), null]) {
      await expect(log.append('a', { actorId: 'u', action: 'x.y', data: data as unknown as Record<string, unknown> })).rejects.toMatchObject({
        code: 'invalid_input',
        issues: [{ path: 'data', message: 'expected an object' }],
      });
    }
    await expect(log.appendMany('a', [{ actorId: 'u', action: 'x.y', data: Object.create(null) as Record<string, unknown> }])).resolves.toHaveLength(1);
    expect(await log.list('a')).toHaveLength(1);
  });

  it('prunes by age', async () => {
    let clock = new Date('2026-01-01T00:00:00Z');
    const log = createAuditLog({ store: createMemoryAuditStore(), now: () => clock });
    for (let day = 0; day < 5; day++) {
      clock = new Date(Date.UTC(2026, 0, 1 + day));
      await log.append('t', { actorId: 'u', action: 'x.y', data: { day } });
    }
    expect(await log.prune('t', { before: new Date(Date.UTC(2026, 0, 3)) })).toEqual({ pruned: 2 });
    expect(await log.verify('t')).toMatchObject({ ok: true, checked: 3, anchor: { seq: 2 } });
    await expect(log.prune('t', { keepLast: -1 })).rejects.toThrow(/retention/);
  });

  it('canonical JSON sorts keys at every depth and rejects values JSON cannot carry', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null }, u: undefined })).toBe('{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}');
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/non-finite/);
  });

  it('hashes an entry as SHA-256 of the previous hash and the canonical JSON, so stored chains keep verifying', () => {
    const record = { tenantId: 't1', seq: 1, at: '2026-01-01T00:00:00.000Z', actorId: 'user:ana', action: 'policy.put', resource: 'policy:p1', data: { b: [1, 'é', { y: null }], a: true } };
    // What the chain has always computed for this record: a change of format would break every stored chain.
    expect(hashEntry(genesisHash, record)).toBe('40b29348750e3c8f1c3fe895236067c25ad028eb18c0b839a5b791805a54ee38');
    expect(hashEntry(genesisHash, { ...record, seq: 2 })).not.toBe('40b29348750e3c8f1c3fe895236067c25ad028eb18c0b839a5b791805a54ee38');
  });
});
