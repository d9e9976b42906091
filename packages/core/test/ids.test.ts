import { afterEach, describe, expect, it, vi } from 'vitest';
import { createId } from '../src/shared/ids.js';

describe('createId', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is the prefix and 20 base62 characters', () => {
    expect(createId('call')).toMatch(/^call_[0-9A-Za-z]{20}$/);
  });

  it('sorts ids of later milliseconds after earlier ones, as plain strings', () => {
    vi.useFakeTimers();
    const times = [0, 1, 61, 62, 3_843, 3_844, Date.UTC(2026, 11, 2), Date.UTC(2026, 11, 2) + 1, Date.UTC(2100, 0, 1), Date.UTC(8000, 0, 1)];
    const ids = times.map((ms) => {
      vi.setSystemTime(ms);
      return createId('x');
    });
    expect([...ids].sort()).toEqual(ids);
    // Strictly increasing time parts: the random part never decides between two milliseconds.
    const timeParts = ids.map((id) => id.slice(2, 10));
    expect(new Set(timeParts).size).toBe(times.length);
  });

  it('stays unique within one millisecond', () => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.UTC(2026, 11, 2));
    const ids = Array.from({ length: 50_000 }, () => createId('x'));
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map((id) => id.slice(0, 10))).size).toBe(1);
  });
});
