import { describe, expect, it } from 'vitest';
import { builtInModels, defineModels, mergeCatalog } from '../../src/ai/catalog/index.js';
import { createRouter } from '../../src/ai/router/index.js';
import { isAuterityError } from '../../src/errors.js';

function invalid(run: () => unknown): { message: string; paths: string[] } {
  try {
    run();
  } catch (error) {
    if (!isAuterityError(error, 'invalid_options')) throw error;
    return { message: error.message, paths: error.issues.map((issue) => issue.path) };
  }
  throw new Error('expected invalid_options');
}

describe('model catalog', () => {
  it('fills defaults: upstreamModel = id, no capabilities, region us', () => {
    const [model] = defineModels([{ id: 'acme-large', provider: 'acme', inputPerMTok: 1, outputPerMTok: 2, contextWindow: 32_000 }]);
    expect(model).toEqual({ id: 'acme-large', provider: 'acme', upstreamModel: 'acme-large', inputPerMTok: 1, outputPerMTok: 2, contextWindow: 32_000, capabilities: [], region: 'us' });
  });

  it('ships OpenAI models with list prices and a clearly labelled offline model', () => {
    const byId = new Map(builtInModels.map((model) => [model.id, model]));
    for (const id of ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'o4-mini']) {
      const model = byId.get(id);
      expect(model?.provider).toBe('openai');
      expect(model?.inputPerMTok).toBeGreaterThan(0);
      expect(model?.outputPerMTok).toBeGreaterThan(model?.inputPerMTok ?? 0);
      expect(model?.capabilities).toContain('tools');
    }
    expect(byId.get('gpt-4o-mini')).toMatchObject({ inputPerMTok: 0.15, outputPerMTok: 0.6, contextWindow: 128_000 });
    const offline = byId.get('offline');
    expect(offline).toMatchObject({ provider: 'offline', inputPerMTok: 0, outputPerMTok: 0, region: 'local' });
    expect(offline?.label).toMatch(/offline/i);
    expect(offline?.label).toMatch(/deterministic/i);
  });

  it('merges the ISV entries by id, replacing built-ins', () => {
    const merged = mergeCatalog(defineModels([{ id: 'gpt-4o', provider: 'openai', inputPerMTok: 2, outputPerMTok: 8, contextWindow: 128_000, region: 'eu' }, { id: 'mine', provider: 'openai', inputPerMTok: 0, outputPerMTok: 0, contextWindow: 10 }]));
    expect(merged.filter((model) => model.id === 'gpt-4o')).toEqual([expect.objectContaining({ inputPerMTok: 2, region: 'eu' })]);
    expect(merged.map((model) => model.id)).toContain('mine');
    expect(merged.length).toBe(builtInModels.length + 1);
  });

  it('names the bad field of a bad entry', () => {
    const models = [
      { id: 'a', provider: 'offline', inputPerMTok: 0, outputPerMTok: 0, contextWindow: 10 },
      { id: 'b', provider: 'offline', inputPerMTok: 0, outputPerMTok: 0, contextWindow: 10 },
      { id: 'c', provider: 'offline', inputPerMTok: -1, outputPerMTok: 0, contextWindow: 10 },
    ];
    const result = invalid(() => createRouter({ models }));
    expect(result.paths).toEqual(['ai.models.2.inputPerMTok']);
    expect(result.message).toContain('ai.models.2.inputPerMTok: expected a price');
    expect(invalid(() => defineModels([{ id: 'x', provider: 'offline', inputPerMTok: 0, outputPerMTok: 0, contextWindow: 1.5 }])).paths).toEqual(['ai.models.0.contextWindow']);
    expect(invalid(() => defineModels([{ id: 'x', provider: 'offline', inputPerMTok: 0, outputPerMTok: 0, contextWindow: 1, capabilities: ['telepathy' as 'json'] }])).paths).toEqual(['ai.models.0.capabilities.0']);
    expect(invalid(() => defineModels([{ id: 'x', provider: 'offline', inputPerMTok: 0, outputPerMTok: 0, contextWindow: 1, colour: 'red' } as never])).paths).toEqual(['ai.models.0.colour']);
    expect(invalid(() => defineModels([models[0]!, models[0]!])).paths).toEqual(['ai.models.1.id']);
  });

  it('rejects a model whose provider is not configured, and routes to unknown models', () => {
    expect(invalid(() => createRouter({ models: [{ id: 'x', provider: 'nowhere', inputPerMTok: 0, outputPerMTok: 0, contextWindow: 10 }] })).paths).toEqual(['ai.models.0.provider']);
    expect(invalid(() => createRouter({ routes: [{ id: 'r', strategy: 'fallback', targets: [{ model: 'nope' }] }] })).paths).toEqual(['ai.routes.0.targets.0.model']);
    expect(invalid(() => createRouter({ routes: [{ id: 'r', strategy: 'cascade', targets: [{ model: 'offline' }] }] })).paths).toEqual(['ai.routes.0.validator']);
    expect(invalid(() => createRouter({ routes: [{ id: 'r', strategy: 'experiment', targets: [] }] })).paths).toEqual(['ai.routes.0.arms']);
    expect(invalid(() => createRouter({ routes: [{ id: 'r', strategy: 'fastest' as never, targets: [{ model: 'offline', weight: 0 }] }] })).paths).toEqual(['ai.routes.0.targets.0.weight']);
    expect(invalid(() => createRouter({ providers: [{ id: 'p', kind: 'openai', baseURL: 'ftp://x' }] })).paths).toEqual(['ai.providers.0.baseURL']);
  });

  it('routes OpenAI models only when a key is configured; offline always', () => {
    const bare = createRouter({}, { env: {} });
    expect(bare.models().map((model) => model.id)).toEqual(['offline']);
    expect(() => bare.candidates('gpt-4o')).toThrow(expect.objectContaining({ code: 'not_found' }));
    const keyed = createRouter({}, { env: { OPENAI_API_KEY: 'sk-test' } });
    expect(keyed.models().map((model) => model.id)).toEqual(expect.arrayContaining(['gpt-4o', 'gpt-4o-mini', 'offline']));
    expect(keyed.breakers().map((breaker) => breaker.model)).toEqual(expect.arrayContaining(['gpt-4o', 'offline']));
    // A route naming an OpenAI model without a key keeps its other targets.
    const route = createRouter({ routes: [{ id: 'chat', strategy: 'fallback', targets: [{ model: 'gpt-4o-mini' }, { model: 'offline' }] }] }, { env: {} });
    expect(route.candidates('chat').map((model) => model.id)).toEqual(['offline']);
  });
});
