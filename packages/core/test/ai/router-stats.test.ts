import { describe, expect, it } from 'vitest';
import { compareArms } from '../../src/ai/router/index.js';
import { assignArm } from '../../src/ai/router/experiment.js';

describe('compareArms', () => {
  it('two-proportion z-test on binary outcomes (reference values from scipy)', () => {
    const result = compareArms({ n: 1000, successes: 200 }, { n: 1000, successes: 250 });
    expect(result.test).toBe('z');
    expect(result.statistic).toBeCloseTo(-2.677397763, 6);
    expect(result.pValue).toBeCloseTo(0.007419649, 5);
    expect(result.significant).toBe(true);
    const second = compareArms({ n: 100, successes: 45 }, { n: 100, successes: 30 });
    expect(second.pValue).toBeCloseTo(0.028459731, 5);
    expect(compareArms({ n: 50, successes: 10 }, { n: 50, successes: 11 }).significant).toBe(false);
    expect(compareArms({ n: 0, successes: 0 }, { n: 10, successes: 1 }).pValue).toBe(1);
  });

  it("Welch's t-test on numeric outcomes (reference values from scipy)", () => {
    const a = compareArms({ n: 30, mean: 10, variance: 4 }, { n: 25, mean: 11, variance: 9 });
    expect(a.test).toBe('welch');
    expect(a.statistic).toBeCloseTo(-1.423736994, 6);
    expect(a.pValue).toBeCloseTo(0.162186389, 6);
    expect(a.significant).toBe(false);
    expect(compareArms({ n: 8, mean: 5, variance: 2 }, { n: 6, mean: 5.2, variance: 3 }).pValue).toBeCloseTo(0.822235703, 6);
    const b = compareArms({ n: 4, mean: 100, variance: 225 }, { n: 5, mean: 130, variance: 400 });
    expect(b.pValue).toBeCloseTo(0.037033316, 6);
    expect(b.significant).toBe(true);
    expect(() => compareArms({ n: 1, successes: 1 }, { n: 2, mean: 1, variance: 1 })).toThrow(TypeError);
  });
});

describe('experiment assignment', () => {
  it('is stable for a subject and follows the weights across subjects', () => {
    const arms = [
      { id: 'a', weight: 1 },
      { id: 'b', weight: 3 },
    ];
    expect(assignArm('exp', 'tenant:acme', arms)).toBe(assignArm('exp', 'tenant:acme', arms));
    const counts = { a: 0, b: 0 };
    for (let index = 0; index < 4_000; index += 1) counts[assignArm('exp', `user:${index}`, arms).id as 'a' | 'b'] += 1;
    expect(counts.a).toBeGreaterThan(850);
    expect(counts.a).toBeLessThan(1_150);
    // Another experiment reshuffles subjects independently.
    const moved = Array.from({ length: 200 }, (_, index) => assignArm('exp', `s${index}`, arms).id !== assignArm('exp-2', `s${index}`, arms).id).filter(Boolean).length;
    expect(moved).toBeGreaterThan(20);
  });
});
