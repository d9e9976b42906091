// Tamper scenarios shared by the in-memory and SQL audit suites: each store provides a way to
// change its rows behind the log's back.
import { expect, it } from 'vitest';
import type { AuditEntry, AuditLog } from '../../src/governance/audit/index.js';

export interface Tamperer {
  /** Overwrites columns of the stored row with sequence `seq`. */
  update(tenantId: string, seq: number, patch: Partial<AuditEntry>): Promise<void>;
  remove(tenantId: string, seq: number): Promise<void>;
  insert(tenantId: string, entry: AuditEntry): Promise<void>;
}

export interface TamperFixture {
  log: AuditLog;
  tamper: Tamperer;
}

export function defineTamperCases(setup: () => Promise<TamperFixture>): void {
  let tenantCounter = 0;
  async function seeded(count = 10) {
    const fixture = await setup();
    const tenantId = `tamper-${Date.now()}-${tenantCounter++}`;
    for (let i = 1; i <= count; i++) {
      await fixture.log.append(tenantId, { actorId: `user-${i % 3}`, action: 'policy.put', resource: `policy:p${i}`, data: { version: i, nested: { b: 1, a: [i] } } });
    }
    const entries = await fixture.log.list(tenantId);
    return { ...fixture, tenantId, entries };
  }

  it('verifies an untouched chain', async () => {
    const { log, tenantId } = await seeded();
    expect(await log.verify(tenantId)).toMatchObject({ ok: true, checked: 10, head: { seq: 10 } });
  });

  it('chains a batch from appendMany after single appends, and locates an edit inside it', async () => {
    const { log, tamper, tenantId } = await seeded(3);
    const batch = await log.appendMany(tenantId, Array.from({ length: 5 }, (_, i) => ({ actorId: 'batch', action: 'ai.chat', resource: `model:m${i}`, data: { i } })));
    expect(batch.map((entry) => entry.seq)).toEqual([4, 5, 6, 7, 8]);
    await log.append(tenantId, { actorId: 'user-1', action: 'policy.put' });
    expect(await log.verify(tenantId)).toMatchObject({ ok: true, checked: 9, head: { seq: 9 } });
    await tamper.update(tenantId, 6, { data: { i: 99 } });
    expect(await log.verify(tenantId)).toMatchObject({ ok: false, kind: 'edited', seq: 6 });
  });

  it('locates an edited entry', async () => {
    const { log, tamper, tenantId } = await seeded();
    await tamper.update(tenantId, 4, { data: { version: 400, nested: { a: [4], b: 1 } } });
    expect(await log.verify(tenantId)).toMatchObject({ ok: false, kind: 'edited', seq: 4 });
  });

  it('locates an edit whose author recomputed that entry’s own hash', async () => {
    const { log, tamper, tenantId, entries } = await seeded();
    const { createHash } = await import('node:crypto');
    const { canonicalJson } = await import('../../src/governance/audit/index.js');
    const target = entries[5] as AuditEntry;
    const forged = { ...target, actorId: 'intruder' };
    const { prevHash, hash: _old, ...record } = forged;
    const hash = createHash('sha256').update(prevHash).update(canonicalJson({ ...record })).digest('hex');
    await tamper.update(tenantId, 6, { actorId: 'intruder', hash });
    expect(await log.verify(tenantId)).toMatchObject({ ok: false, kind: 'edited', seq: 6 });
  });

  it('locates a deleted entry in the middle and at the end', async () => {
    const middle = await seeded();
    await middle.tamper.remove(middle.tenantId, 3);
    expect(await middle.log.verify(middle.tenantId)).toMatchObject({ ok: false, kind: 'deleted', seq: 3 });
    const tail = await seeded();
    await tail.tamper.remove(tail.tenantId, 10);
    expect(await tail.log.verify(tail.tenantId)).toMatchObject({ ok: false, kind: 'deleted', seq: 10 });
  });

  it('locates a deletion hidden by renumbering the entries after it', async () => {
    const { log, tamper, tenantId } = await seeded();
    await tamper.remove(tenantId, 5);
    for (let seq = 6; seq <= 10; seq++) await tamper.update(tenantId, seq, { seq: seq - 1 });
    expect(await log.verify(tenantId)).toMatchObject({ ok: false, kind: 'deleted', seq: 5 });
  });

  it('locates an inserted entry, linked or not', async () => {
    const appended = await seeded();
    const last = appended.entries[9] as AuditEntry;
    await appended.tamper.insert(appended.tenantId, { ...last, seq: 11, prevHash: last.hash, hash: 'f'.repeat(64) });
    expect(await appended.log.verify(appended.tenantId)).toMatchObject({ ok: false, kind: 'inserted', seq: 11 });

    // A forged entry slotted in at 4, with the later entries shifted up to make room.
    const middle = await seeded();
    for (let seq = 10; seq >= 4; seq--) await middle.tamper.update(middle.tenantId, seq, { seq: seq + 1 });
    const before = middle.entries[2] as AuditEntry;
    await middle.tamper.insert(middle.tenantId, { ...before, seq: 4, prevHash: before.hash, hash: 'e'.repeat(64), actorId: 'intruder' });
    expect(await middle.log.verify(middle.tenantId)).toMatchObject({ ok: false, kind: 'inserted', seq: 4 });
  });

  it('locates reordered entries', async () => {
    const { log, tamper, tenantId } = await seeded();
    // Swap entries 3 and 7 by exchanging their sequence numbers.
    await tamper.update(tenantId, 3, { seq: -3 });
    await tamper.update(tenantId, 7, { seq: 3 });
    await tamper.update(tenantId, -3, { seq: 7 });
    expect(await log.verify(tenantId)).toMatchObject({ ok: false, kind: 'reordered', seq: 3 });
  });

  it('prunes old entries and still verifies from the anchor, detecting later tampering', async () => {
    const { log, tamper, tenantId } = await seeded();
    expect(await log.prune(tenantId, { keepLast: 4 })).toEqual({ pruned: 6 });
    expect(await log.verify(tenantId)).toMatchObject({ ok: true, checked: 4, anchor: { seq: 6 } });
    await log.append(tenantId, { actorId: 'u', action: 'member.invited' });
    expect(await log.verify(tenantId)).toMatchObject({ ok: true, checked: 5, head: { seq: 11 } });
    await tamper.remove(tenantId, 7);
    expect(await log.verify(tenantId)).toMatchObject({ ok: false, kind: 'deleted', seq: 7 });
  });

  it('exports JSONL and injection-safe CSV', async () => {
    const { log, tenantId } = await seeded(2);
    await log.append(tenantId, { actorId: '=HYPERLINK("http://evil")', action: 'member.invited', resource: '+1-555', data: { note: 'say "hi"' } });
    const jsonl: string[] = [];
    for await (const line of log.export(tenantId, 'jsonl')) jsonl.push(line);
    expect(jsonl).toHaveLength(3);
    expect(JSON.parse(jsonl[2] as string)).toMatchObject({ seq: 3, actorId: '=HYPERLINK("http://evil")' });
    const csv: string[] = [];
    for await (const line of log.export(tenantId, 'csv')) csv.push(line);
    expect(csv[0]).toBe('"seq","at","actorId","action","resource","data","prevHash","hash"');
    expect(csv[3]).toContain(`"'=HYPERLINK(""http://evil"")","member.invited","'+1-555","{""note"":""say \\""hi\\""""}"`);
  });
}
