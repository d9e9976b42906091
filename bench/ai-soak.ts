// `pnpm bench ai-soak`: 100,000 routed calls through the tenant pipeline (`tenant.ai`: policy check,
// budgets, cost records and audit on a temporary SQLite file, a bounded in-memory response cache),
// with the heap sampled after a full GC every 5,000 calls. The first 20,000 calls are warm-up (JIT,
// the cache filling to its bound, SQLite's page cache); after them the heap must stay flat.
// The mix, against one local chat-completions upstream (nothing recorded): every 3rd call streams;
// varied prompts across 4 tenants so the cache hits, fills and evicts; routes with a fallback behind
// an upstream that answers 429 with a small Retry-After (retries), one that always fails with 500
// (breaker opens, half-open probes after its cooldown), streams cut before their first token
// (fallback) and after it (an error the caller sees), an A/B experiment per user, and consumers
// that stop reading a stream early.
// One JSON object per line: a line per sample, then the verdict; the last line is the summary.
// `pnpm bench ai-soak --calls 20000` runs a shorter soak; `--snapshots DIR` writes heap snapshots
// after warm-up and at the end (to diff in DevTools when the heap grows).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeHeapSnapshot } from 'node:v8';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { createChatUpstream } from '@auterity/testing';
import { createBenchTenants } from './ai/surface.js';

const { values: args } = parseArgs({ options: { calls: { type: 'string' }, snapshots: { type: 'string' } } });
const TOTAL = Number(args.calls ?? 100_000);
const SAMPLE_EVERY = 5_000;
const WARMUP = Math.min(20_000, TOTAL / 5);
const CONCURRENCY = 16;
const TENANTS = 4;
const HOT_KEYS = 400;
const DISTINCT_PROMPTS = 5_000;
const CACHE_ENTRIES = 1_000;
const META_WAIT_MS = 1_000;

const emit = (line: Record<string, unknown>) => console.log(JSON.stringify({ bench: 'ai-soak', ...line }));
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('ai-soak needs node --expose-gc (pnpm bench runs it with the flag)');

const upstream = await createChatUpstream({ models: ['soak-a', 'soak-b'], recordRequests: false });
const RETRY_PROGRAM = [{ status: 429, retryAfterMs: 2 }, {}];
upstream.behave('soak-429', RETRY_PROGRAM);
upstream.behave('soak-500', { status: 500 });
upstream.behave('soak-cut-early', { cutAfterChunks: 0 });
upstream.behave('soak-cut-late', { cutAfterChunks: 3 });

const model = (id: string) => ({ id, provider: 'local', inputPerMTok: 0.15, outputPerMTok: 0.6, contextWindow: 128_000 });
const tenants = await createBenchTenants(
  {
    providers: [{ id: 'local', kind: 'openai', baseURL: upstream.baseURL, apiKey: 'soak' }],
    models: ['soak-a', 'soak-b', 'soak-429', 'soak-500', 'soak-cut-early', 'soak-cut-late'].map(model),
    routes: [
      { id: 'plain', strategy: 'fallback', targets: [{ model: 'soak-a' }, { model: 'soak-b' }] },
      { id: 'retry', strategy: 'fallback', targets: [{ model: 'soak-429' }, { model: 'soak-a' }] },
      { id: 'broken', strategy: 'fallback', targets: [{ model: 'soak-500' }, { model: 'soak-b' }], retry: { baseDelayMs: 1, maxDelayMs: 2 } },
      { id: 'cut-early', strategy: 'fallback', targets: [{ model: 'soak-cut-early' }, { model: 'soak-a' }] },
      { id: 'cut-late', strategy: 'fallback', targets: [{ model: 'soak-cut-late' }] },
      { id: 'ab', strategy: 'experiment', arms: [{ id: 'control', model: 'soak-a' }, { id: 'variant', model: 'soak-b' }], sticky: 'user' },
      { id: 'cheap', strategy: 'cheapest', targets: [{ model: 'soak-a' }, { model: 'soak-b' }] },
    ],
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    breaker: { failureThreshold: 5, cooldownMs: 500 },
    cache: { store: 'memory', maxEntries: CACHE_ENTRIES, maxBytes: 8 * 1024 * 1024, ttlMs: 60_000 },
  },
  TENANTS,
);

// Hot keys (even key % 10) take the healthy routes, so the cache keeps answering them; cold keys (odd)
// take the failing ones, so retries, fallbacks, breakers and cut streams happen all along.
const ROUTES = ['plain', 'retry', 'plain', 'broken', 'ab', 'cut-early', 'cheap', 'cut-late', 'plain', 'plain'] as const;
const outcomes = new Map<string, number>();
const count = (outcome: string) => outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);

/**
 * The request key of call `index` (tenant, route and prompt all follow from it): every other call
 * asks one of HOT_KEYS (which stay cached), the rest spread over DISTINCT_PROMPTS (which fill the
 * cache past its bound and get evicted).
 */
const keyOf = (index: number) => (index % 2 === 0 ? (index * 7_919) % HOT_KEYS : HOT_KEYS + ((index * 7_919) % DISTINCT_PROMPTS));

function messagesFor(key: number): ChatCompletionMessageParam[] {
  return [
    { role: 'system', content: 'You are a concise assistant. Answer in plain sentences.' },
    { role: 'user', content: `Question ${key}: summarise ticket ${key} for the support lead, with the customer's last ${key % 17} messages in mind.` },
  ];
}

async function oneCall(index: number): Promise<void> {
  const key = keyOf(index);
  const route = ROUTES[key % ROUTES.length]!;
  const ai = tenants.ai[Math.floor(key / ROUTES.length) % TENANTS]!;
  const request = { model: route, messages: messagesFor(key) };
  const options = route === 'ab' ? { userId: `user-${key % 1_000}` } : {};
  // Re-armed now and then: the retry model answers 429 once, then succeeds, then 429 again.
  if (route === 'retry' && Math.floor(index / ROUTES.length) % 2 === 0) upstream.behave('soak-429', RETRY_PROGRAM);
  try {
    if (index % 3 === 0) {
      const stream = ai.stream(request, options);
      let chunks = 0;
      let stopped = false;
      const iterator = stream[Symbol.asyncIterator]();
      while (!(await iterator.next()).done) {
        chunks += 1;
        // Every 5th stream's consumer stops reading after its first chunks (as `break` in `for await` does).
        if (index % 15 === 0 && chunks === 2) {
          stopped = true;
          await iterator.return?.();
          break;
        }
      }
      // `meta` settles when a stream ends, however it ends; a bounded wait keeps the soak going (and
      // counts it) if one never does.
      const meta = await Promise.race([stream.meta, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), META_WAIT_MS).unref())]);
      if (!meta) count(`stream meta never settled${stopped ? ' (consumer stopped early)' : ''}`);
      else count(`stream ${meta.cached ? 'cached' : (meta.incomplete ?? 'ok')}${stopped ? ' (consumer stopped early)' : ''}`);
    } else {
      const completion = await ai.chat(request, options);
      count(`chat ${completion.auterity.cached ? 'cached' : 'ok'}`);
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    count(`${index % 3 === 0 ? 'stream' : 'chat'} error ${typeof code === 'string' ? code : error instanceof Error ? error.name : 'unknown'}`);
  }
}

/** Calls [from, to) with CONCURRENCY in flight, then waits for all of them. */
async function drive(from: number, to: number): Promise<void> {
  let next = from;
  const worker = async () => {
    while (next < to) await oneCall(next++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

function heapAfterGc(): number {
  // Twice: the first pass can leave weak and finalization-registry garbage for the second.
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

const snapshot = (name: string) => {
  if (!args.snapshots) return;
  mkdirSync(args.snapshots, { recursive: true });
  emit({ snapshot: writeHeapSnapshot(path.join(args.snapshots, `${name}.heapsnapshot`)) });
};

const samples: { calls: number; heapUsed: number }[] = [];
const started = performance.now();
for (let done = 0; done < TOTAL; done += SAMPLE_EVERY) {
  const batchStarted = performance.now();
  await drive(done, Math.min(TOTAL, done + SAMPLE_EVERY));
  const calls = Math.min(TOTAL, done + SAMPLE_EVERY);
  const heapUsed = heapAfterGc();
  samples.push({ calls, heapUsed });
  const memory = process.memoryUsage();
  emit({
    calls,
    heapUsedMiB: Math.round((heapUsed / 2 ** 20) * 100) / 100,
    rssMiB: Math.round((memory.rss / 2 ** 20) * 10) / 10,
    externalMiB: Math.round((memory.external / 2 ** 20) * 10) / 10,
    callsPerS: Math.round(SAMPLE_EVERY / ((performance.now() - batchStarted) / 1000)),
    warmup: calls <= WARMUP,
    openConnections: upstream.openConnections(),
  });
  if (calls === WARMUP) snapshot('after-warmup');
}
snapshot('end');
const elapsedS = (performance.now() - started) / 1000;

// Least squares over the samples from the end of warm-up on: bytes per 1,000 calls.
const measured = samples.filter((sample) => sample.calls >= WARMUP);
const meanX = measured.reduce((sum, s) => sum + s.calls / 1_000, 0) / measured.length;
const meanY = measured.reduce((sum, s) => sum + s.heapUsed, 0) / measured.length;
let covariance = 0;
let variance = 0;
for (const sample of measured) {
  covariance += (sample.calls / 1_000 - meanX) * (sample.heapUsed - meanY);
  variance += (sample.calls / 1_000 - meanX) ** 2;
}
const slope = variance === 0 ? 0 : covariance / variance;
const afterWarmup = measured[0]!.heapUsed;
const atEnd = measured[measured.length - 1]!.heapUsed;
const growth = (atEnd - afterWarmup) / afterWarmup;
// Flat: the heap at the end within 5% of the heap after warm-up, and the fitted trend projecting
// less than 5% growth over the measured span (so a slow leak hidden by a lucky last sample shows).
const spanK = (measured[measured.length - 1]!.calls - measured[0]!.calls) / 1_000;
const projected = (slope * spanK) / afterWarmup;
const flat = growth < 0.05 && projected < 0.05;

await tenants.close();
await upstream.close();
emit({ outcomes: Object.fromEntries([...outcomes].sort(([a], [b]) => a.localeCompare(b))) });
emit({
  calls: TOTAL,
  concurrency: CONCURRENCY,
  elapsedS: Math.round(elapsedS),
  warmupCalls: WARMUP,
  heapAfterWarmupMiB: Math.round((afterWarmup / 2 ** 20) * 100) / 100,
  heapAtEndMiB: Math.round((atEnd / 2 ** 20) * 100) / 100,
  growthPercent: Math.round(growth * 10_000) / 100,
  slopeBytesPer1kCalls: Math.round(slope),
  projectedGrowthPercent: Math.round(projected * 10_000) / 100,
  flat,
});
emit({
  metric: `heap growth after warm-up over ${TOTAL - WARMUP} routed calls (${flat ? 'flat' : 'GROWING'}; slope ${Math.round(slope)} B per 1,000 calls)`,
  value: Math.round(growth * 10_000) / 100,
  unit: '%',
  peer: 'flat-heap threshold',
  peerValue: 5,
  ratio: Math.round((growth / 0.05) * 1000) / 1000,
});
