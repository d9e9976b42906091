// Shared set-up for the router suites: one local chat-completions upstream per suite, a catalog of
// local models on it with distinct prices, and a controllable clock and sleep.
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createChatUpstream, type ChatUpstream } from '@auterity/testing';
import { createRouter, type Router, type RouterDeps, type RouterOptions } from '../../src/ai/router/index.js';
import type { ModelInput } from '../../src/ai/catalog/index.js';

/** Local models: names say their price rank. */
export const localModels: ModelInput[] = [
  { id: 'cheap', provider: 'local', inputPerMTok: 0.1, outputPerMTok: 0.4, contextWindow: 16_000, capabilities: ['json'] },
  { id: 'mid', provider: 'local', inputPerMTok: 1, outputPerMTok: 4, contextWindow: 128_000, capabilities: ['json', 'tools'] },
  { id: 'pricey', provider: 'local', inputPerMTok: 5, outputPerMTok: 15, contextWindow: 200_000, capabilities: ['json', 'tools', 'vision'], region: 'eu' },
  { id: 'renamed', provider: 'local', upstreamModel: 'vendor-model-7', inputPerMTok: 2, outputPerMTok: 2, contextWindow: 8_000 },
];

export interface Clock {
  now: () => number;
  advance(ms: number): void;
}

export function createClock(start = 1_700_000_000_000): Clock {
  let time = start;
  return { now: () => time, advance: (ms) => void (time += ms) };
}

/** A sleep that records the delays asked for and returns at once. */
export function recordingSleep(): { sleep: NonNullable<RouterDeps['sleep']>; delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    sleep: async (ms) => {
      delays.push(ms);
    },
  };
}

export interface UpstreamFixture {
  readonly up: ChatUpstream;
  /** A router on the upstream; closed after the test. */
  router(options?: Omit<RouterOptions, 'providers' | 'models'> & { models?: ModelInput[] }, deps?: RouterDeps): Router;
}

export function useUpstream(): UpstreamFixture {
  let up: ChatUpstream | undefined;
  const routers: Router[] = [];
  beforeAll(async () => {
    up = await createChatUpstream();
  });
  beforeEach(async () => {
    up?.reset();
    await Promise.all(routers.splice(0).map((router) => router.close()));
  });
  afterAll(async () => {
    await Promise.all(routers.splice(0).map((router) => router.close()));
    await up?.close();
  });
  return {
    get up() {
      if (!up) throw new Error('fixture used outside a test');
      return up;
    },
    router(options = {}, deps = {}) {
      if (!up) throw new Error('fixture used outside a test');
      const router = createRouter(
        { retry: { baseDelayMs: 1, maxDelayMs: 5 }, ...options, providers: [{ id: 'local', kind: 'openai', baseURL: up.baseURL, apiKey: 'test-key' }], models: [...localModels, ...(options.models ?? [])] },
        deps,
      );
      routers.push(router);
      return router;
    },
  };
}

export const ask = (model: string, content = 'What is the capital of France?') => ({ model, messages: [{ role: 'user' as const, content }] });
export const tenant = { tenantId: 'acme' };
