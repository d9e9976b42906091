// AI providers: OpenAI-compatible endpoints through the official client, and the offline model.
import { optionsError } from '../../shared/validation.js';
import { createOfflineProvider } from './offline.js';
import { createOpenAiProvider } from './openai-provider.js';
import type { ChatProvider } from './provider.js';
import type { ProviderConfig } from './schema.js';

export { providerInputSchema, type ProviderConfig, type ProviderInput } from './schema.js';
export type { ChatProvider } from './provider.js';
export { countPromptTokens, countTokens, lastUserMessage, messageText } from './tokens.js';

// Local OpenAI-compatible servers usually ignore the key, but the client insists on one.
const NO_KEY = 'no-key';

/**
 * One provider per configured entry, plus the defaults: `offline` always, and `openai` when
 * `OPENAI_API_KEY` is in `env`. Configured entries replace defaults of the same id.
 */
export function createProviders(configs: readonly ProviderConfig[], env: Record<string, string | undefined>, now: () => number, path = 'ai.providers'): Map<string, ChatProvider> {
  const all: ProviderConfig[] = [];
  const configured = new Set(configs.map((config) => config.id));
  if (!configured.has('offline')) all.push({ id: 'offline', kind: 'offline' });
  const envKey = env.OPENAI_API_KEY;
  if (!configured.has('openai') && envKey) all.push({ id: 'openai', kind: 'openai', apiKey: envKey });
  all.push(...configs);

  const providers = new Map<string, ChatProvider>();
  configs.forEach((config, index) => {
    if (configs.findIndex((other) => other.id === config.id) !== index) {
      const issue = { path: `${path}.${index}.id`, message: `provider "${config.id}" is defined twice` };
      throw optionsError([issue]);
    }
  });
  for (const config of all) {
    if (config.kind === 'offline') {
      providers.set(config.id, createOfflineProvider(config.id, now, config.region));
      continue;
    }
    let apiKey = config.apiKey;
    if (apiKey === undefined && config.baseURL === undefined) apiKey = envKey;
    if (apiKey === undefined && config.baseURL === undefined) {
      const index = configs.indexOf(config);
      const issue = { path: `${path}.${index}.apiKey`, message: 'expected an API key (or OPENAI_API_KEY) for a provider without a baseURL' };
      throw optionsError([issue]);
    }
    providers.set(config.id, createOpenAiProvider(config, apiKey ?? NO_KEY));
  }
  return providers;
}
