// The ai_calls records on SQLite and PostgreSQL: usage aggregated per model over a time range,
// outcomes only on the tenant's own calls, per-arm statistics.
import { describe, expect, it } from 'vitest';
import { testDialects } from '@auterity/testing';
import { usePipeline, rejection } from './pipeline-fixture.js';
import { createCallRecords, type CallRecordInput } from '../../src/ai/records/index.js';

const call = (overrides: Partial<CallRecordInput>): CallRecordInput => ({
  callId: `call_${Math.random().toString(36).slice(2)}`,
  at: 1_000,
  route: 'r',
  model: 'm1',
  provider: 'p',
  promptTokens: 10,
  completionTokens: 5,
  costUsd: 0.000_125,
  latencyMs: 100,
  status: 'ok',
  cached: false,
  redactions: 0,
  streamed: false,
  ...overrides,
});

describe.each(testDialects)('AI call records on %s', (dialect) => {
  const fixture = usePipeline(dialect);

  it('aggregates usage per model over a time range, costs in exact micro-USD', async () => {
    const records = createCallRecords(fixture.storage.scope(await fixture.tenant('usage')));
    await records.record(call({ at: 1_000 }));
    await records.record(call({ at: 2_000, costUsd: 0.000_001 }));
    await records.record(call({ at: 2_500, status: 'error', promptTokens: 0, completionTokens: 0, costUsd: 0, errorCode: 'upstream_error' }));
    await records.record(call({ at: 3_000, status: 'cached', cached: true, promptTokens: 0, completionTokens: 0, costUsd: 0 }));
    await records.record(call({ at: 3_000, model: 'm2', promptTokens: 1, completionTokens: 1, costUsd: 0.5 }));
    await records.record(call({ at: 3_000, model: undefined, status: 'denied', promptTokens: 0, completionTokens: 0, costUsd: 0 }));
    expect(await records.usage()).toEqual([
      { model: 'm1', calls: 4, errors: 1, promptTokens: 20, completionTokens: 10, totalTokens: 30, costUsd: 0.000_126, cacheHits: 1 },
      { model: 'm2', calls: 1, errors: 0, promptTokens: 1, completionTokens: 1, totalTokens: 2, costUsd: 0.5, cacheHits: 0 },
    ]);
    expect(await records.usage({ from: 2_000, to: 3_000 })).toEqual([{ model: 'm1', calls: 2, errors: 1, promptTokens: 10, completionTokens: 5, totalTokens: 15, costUsd: 0.000_001, cacheHits: 0 }]);
    expect((await rejection(records.usage({ from: 'yesterday' } as never))).code).toBe('invalid_input');
  });

  it('sets outcomes on its own calls only and computes per-arm statistics', async () => {
    const mine = createCallRecords(fixture.storage.scope(await fixture.tenant('arms')));
    const theirs = createCallRecords(fixture.storage.scope(await fixture.tenant('arms-other')));
    const ids: string[] = [];
    for (const [index, arm] of ['b', 'a', 'a', 'a', 'b', 'b'].entries()) {
      const record = call({ at: 1_000 + index, route: 'exp', arm, costUsd: arm === 'a' ? 0.000_01 : 0.000_03, latencyMs: arm === 'a' ? 100 : 300 });
      ids.push(record.callId);
      await mine.record(record);
    }
    await mine.record(call({ route: 'exp', arm: 'a', status: 'error' })); // failed calls are not part of the arm statistics
    const outcomes = [4, 1, 2, 3, 6, 8];
    for (const [index, id] of ids.entries()) await mine.recordOutcome(id, outcomes[index]!);
    expect((await rejection(theirs.recordOutcome(ids[0]!, 1))).code).toBe('not_found');
    expect((await rejection(mine.recordOutcome('call_unknown', true))).code).toBe('not_found');
    const arms = await mine.arms('exp');
    expect(arms.map((a) => a.arm)).toEqual(['b', 'a']); // first seen first
    const a = arms.find((x) => x.arm === 'a')!;
    expect(a).toMatchObject({ calls: 3, outcomes: 3, outcomeMean: 2, outcomeVariance: 1, binary: false, meanLatencyMs: 100 });
    expect(a.meanCostUsd).toBeCloseTo(0.000_01, 12);
    const b = arms.find((x) => x.arm === 'b')!;
    expect(b).toMatchObject({ calls: 3, outcomes: 3, outcomeMean: 6, outcomeVariance: 4 });
    expect(await theirs.arms('exp')).toEqual([]);
  });
});
