// `pnpm bench ai-router`: what routing adds to a call, in-process. One local chat-completions
// upstream (@auterity/testing's createChatUpstream, nothing recorded) answers every variant the same
// way; the peer is the official `openai` client calling it directly (the version @auterity/core
// uses), ours is the router with a one-target `fallback` route to the same upstream, then the whole
// tenant pipeline (`tenant.ai`: policy check, budget reserve/commit, cost record, audit entry; the
// cache bypassed) on a temporary SQLite file, the tenant on the `enterprise` plan.
// Concurrency 1, so each figure is the latency of one call. Each round alternates peer and ours call
// by call (who goes first flips every call), so a noisy machine hits both alike; warm-up first.
// One JSON object per line: a line per scenario and round, a line per scenario, and the summary
// (the router, non-streaming, against the openai client).
import OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { createChatUpstream } from '@auterity/testing';
import { createBenchTenants, createHttpFetch, createRouter } from './ai/surface.js';
import { percentile } from './stats.js';

const ROUNDS = 5;
const CALLS_PER_ROUND = 2_000;
const WARMUP_CALLS = 500;
const UPSTREAM_MODEL = 'bench-model';
const ROUTE = 'bench';

const emit = (line: Record<string, unknown>) => console.log(JSON.stringify({ bench: 'ai-router', ...line }));
const gc = (globalThis as { gc?: () => void }).gc;

// About what a short chat turn is: a system prompt and a question; the upstream answers with an echo
// of the question, streamed as one chunk per word (about 20 chunks).
const messages: ChatCompletionMessageParam[] = [
  { role: 'system', content: 'You are a concise assistant for a finance team. Answer in plain sentences.' },
  { role: 'user', content: 'Summarise the quarterly revenue figures for the board in three short sentences, and name the largest change.' },
];

type Call = () => Promise<void>;

/** Reads a stream to its end. */
async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  const iterator = stream[Symbol.asyncIterator]();
  while (!(await iterator.next()).done);
}

/** The peers: the openai client on its default fetch, and on the same node:http fetch the router's providers use. */
interface Scenario {
  name: string;
  peer: Call;
  peerSameFetch: Call;
  ours: Call;
}

type Variant = 'peer' | 'peerSameFetch' | 'ours';
const VARIANTS: readonly Variant[] = ['peer', 'peerSameFetch', 'ours'];

const round1 = (value: number) => Math.round(value * 10) / 10;

function stats(samples: number[]): { p50: number; p99: number } {
  const sorted = samples.toSorted((a, b) => a - b);
  return { p50: round1(percentile(sorted, 50)), p99: round1(percentile(sorted, 99)) };
}

/** `calls` calls of each variant, interleaved call by call (the order rotates every step); µs per call. */
async function interleave(scenario: Scenario, calls: number): Promise<Record<Variant, number[]>> {
  const samples: Record<Variant, number[]> = { peer: [], peerSameFetch: [], ours: [] };
  for (let index = 0; index < calls; index += 1) {
    for (let step = 0; step < VARIANTS.length; step += 1) {
      const variant = VARIANTS[(index + step) % VARIANTS.length]!;
      const started = performance.now();
      await scenario[variant]();
      samples[variant].push((performance.now() - started) * 1000);
    }
  }
  return samples;
}

const upstream = await createChatUpstream({ models: [UPSTREAM_MODEL], recordRequests: false });
const client = new OpenAI({ apiKey: 'bench', baseURL: upstream.baseURL, maxRetries: 0 });
const sameFetch = createHttpFetch();
const clientSameFetch = new OpenAI({ apiKey: 'bench', baseURL: upstream.baseURL, maxRetries: 0, fetch: sameFetch.fetch });
const routerOptions = {
  providers: [{ id: 'local', kind: 'openai' as const, baseURL: upstream.baseURL, apiKey: 'bench' }],
  models: [{ id: UPSTREAM_MODEL, provider: 'local', inputPerMTok: 0.15, outputPerMTok: 0.6, contextWindow: 128_000 }],
  routes: [{ id: ROUTE, strategy: 'fallback' as const, targets: [{ model: UPSTREAM_MODEL }] }],
};
const router = createRouter(routerOptions);
const callOptions = { tenantId: 'bench' };

// The peers send what the router sends: the router always asks a stream for its usage.
const completeWith = (openai: OpenAI): Call => async () => {
  await openai.chat.completions.create({ model: UPSTREAM_MODEL, messages });
};
const streamWith = (openai: OpenAI): Call => async () => {
  const stream = await openai.chat.completions.create({ model: UPSTREAM_MODEL, messages, stream: true, stream_options: { include_usage: true } });
  await drain(stream);
};
const peers = {
  complete: { peer: completeWith(client), peerSameFetch: completeWith(clientSameFetch) },
  stream: { peer: streamWith(client), peerSameFetch: streamWith(clientSameFetch) },
};

const scenarios: Scenario[] = [
  {
    name: 'router, non-streaming',
    ...peers.complete,
    ours: async () => {
      await router.complete({ model: ROUTE, messages }, callOptions);
    },
  },
  {
    name: 'router, streaming',
    ...peers.stream,
    ours: async () => {
      await drain(router.stream({ model: ROUTE, messages }, callOptions));
    },
  },
];

// The same route behind the whole tenant pipeline; the cache is bypassed (a bypassed call still
// refreshes its entry, as it would in production).
const tenants = await createBenchTenants({ ...routerOptions, cache: { store: 'memory' } });
const tenantAi = tenants.ai[0]!;
scenarios.push(
  {
    name: 'tenant pipeline, non-streaming',
    ...peers.complete,
    ours: async () => {
      await tenantAi.chat({ model: ROUTE, messages }, { cache: 'bypass' });
    },
  },
  {
    name: 'tenant pipeline, streaming',
    ...peers.stream,
    ours: async () => {
      await drain(tenantAi.stream({ model: ROUTE, messages }, { cache: 'bypass' }));
    },
  },
);

interface Figures {
  p50: number;
  p99: number;
}
const summaries: { name: string; peer: Figures; peerSameFetch: Figures; ours: Figures }[] = [];
for (const scenario of scenarios) {
  await interleave(scenario, WARMUP_CALLS);
  const all: Record<Variant, number[]> = { peer: [], peerSameFetch: [], ours: [] };
  for (let round = 1; round <= ROUNDS; round += 1) {
    gc?.();
    const samples = await interleave(scenario, CALLS_PER_ROUND);
    for (const variant of VARIANTS) all[variant].push(...samples[variant]);
    const [p, f, o] = VARIANTS.map((variant) => stats(samples[variant])) as [Figures, Figures, Figures];
    emit({ scenario: scenario.name, round, calls: CALLS_PER_ROUND, peerP50Us: p.p50, peerP99Us: p.p99, peerSameFetchP50Us: f.p50, peerSameFetchP99Us: f.p99, oursP50Us: o.p50, oursP99Us: o.p99 });
  }
  const [peer, peerSameFetch, ours] = VARIANTS.map((variant) => stats(all[variant])) as [Figures, Figures, Figures];
  summaries.push({ name: scenario.name, peer, peerSameFetch, ours });
  emit({
    scenario: scenario.name,
    calls: ROUNDS * CALLS_PER_ROUND,
    peer: 'openai client, direct (its default fetch)',
    peerP50Us: peer.p50,
    peerP99Us: peer.p99,
    peerSameFetchP50Us: peerSameFetch.p50,
    peerSameFetchP99Us: peerSameFetch.p99,
    oursP50Us: ours.p50,
    oursP99Us: ours.p99,
    overheadP50Us: round1(ours.p50 - peer.p50),
    overheadP99Us: round1(ours.p99 - peer.p99),
    // Against the client on the router's own transport: what routing itself adds.
    overheadSameFetchP50Us: round1(ours.p50 - peerSameFetch.p50),
    overheadSameFetchP99Us: round1(ours.p99 - peerSameFetch.p99),
    ratio: Math.round((ours.p50 / peer.p50) * 1000) / 1000,
    ratioSameFetch: Math.round((ours.p50 / peerSameFetch.p50) * 1000) / 1000,
  });
}

await router.close();
await tenants.close();
sameFetch.close();
await upstream.close();

const headline = summaries[0];
if (headline) {
  emit({
    metric: `${headline.name}: p50 per call (overhead at p50/p99: ${round1(headline.ours.p50 - headline.peer.p50)}/${round1(headline.ours.p99 - headline.peer.p99)} µs against the openai client, ${round1(headline.ours.p50 - headline.peerSameFetch.p50)}/${round1(headline.ours.p99 - headline.peerSameFetch.p99)} µs against it on the router's fetch)`,
    value: headline.ours.p50,
    unit: 'µs',
    peer: 'openai client, direct',
    peerValue: headline.peer.p50,
    ratio: Math.round((headline.ours.p50 / headline.peer.p50) * 1000) / 1000,
  });
}
