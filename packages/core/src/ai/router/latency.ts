// Exponentially weighted moving averages of latency and time to first token, per catalog model
// (a fixed set: memory stays bounded however many calls go through).
const ALPHA = 0.3;

export interface LatencyStats {
  latencyMs: number | undefined;
  ttftMs: number | undefined;
  samples: number;
}

export interface LatencyTracker {
  record(model: string, sample: { latencyMs?: number; ttftMs?: number }): void;
  get(model: string): LatencyStats | undefined;
}

function blend(previous: number | undefined, sample: number): number {
  return previous === undefined ? sample : previous + ALPHA * (sample - previous);
}

export function createLatencyTracker(models: Iterable<string>): LatencyTracker {
  const stats = new Map<string, LatencyStats>();
  for (const model of models) stats.set(model, { latencyMs: undefined, ttftMs: undefined, samples: 0 });
  return {
    record(model, sample) {
      const entry = stats.get(model);
      if (!entry) return;
      if (sample.latencyMs !== undefined) entry.latencyMs = blend(entry.latencyMs, sample.latencyMs);
      if (sample.ttftMs !== undefined) entry.ttftMs = blend(entry.ttftMs, sample.ttftMs);
      entry.samples += 1;
    },
    get: (model) => stats.get(model),
  };
}
