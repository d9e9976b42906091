// The built-in catalog: OpenAI's current chat models at list prices (USD per 1M tokens, standard
// tier) and the `offline` model, which answers in-process so everything works without an API key.
import type { ModelInput } from './schema.js';

export const OFFLINE_MODEL_ID = 'offline';

export const builtInModelInputs: readonly ModelInput[] = [
  { id: 'gpt-4.1', provider: 'openai', inputPerMTok: 2, outputPerMTok: 8, contextWindow: 1_047_576, capabilities: ['tools', 'json', 'vision'], label: 'GPT-4.1' },
  { id: 'gpt-4.1-mini', provider: 'openai', inputPerMTok: 0.4, outputPerMTok: 1.6, contextWindow: 1_047_576, capabilities: ['tools', 'json', 'vision'], label: 'GPT-4.1 mini' },
  { id: 'gpt-4.1-nano', provider: 'openai', inputPerMTok: 0.1, outputPerMTok: 0.4, contextWindow: 1_047_576, capabilities: ['tools', 'json', 'vision'], label: 'GPT-4.1 nano' },
  { id: 'gpt-4o', provider: 'openai', inputPerMTok: 2.5, outputPerMTok: 10, contextWindow: 128_000, capabilities: ['tools', 'json', 'vision'], label: 'GPT-4o' },
  { id: 'gpt-4o-mini', provider: 'openai', inputPerMTok: 0.15, outputPerMTok: 0.6, contextWindow: 128_000, capabilities: ['tools', 'json', 'vision'], label: 'GPT-4o mini' },
  { id: 'o4-mini', provider: 'openai', inputPerMTok: 1.1, outputPerMTok: 4.4, contextWindow: 200_000, capabilities: ['tools', 'json', 'vision'], label: 'o4-mini (reasoning)' },
  { id: OFFLINE_MODEL_ID, provider: 'offline', inputPerMTok: 0, outputPerMTok: 0, contextWindow: 1_000_000, capabilities: ['json'], region: 'local', label: 'Offline (deterministic, local — not a real language model)' },
];
