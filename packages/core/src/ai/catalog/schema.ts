// The model catalog's schema: what an ISV writes (defaults filled in) and the ModelEntry it becomes.
import { z } from 'zod';
import type { ModelCapability, ModelEntry } from '../types.js';

const capabilities = ['tools', 'json', 'vision'] as const satisfies readonly ModelCapability[];

const price = z
  .number({ error: 'expected a price in USD per 1M tokens (a number >= 0)' })
  .finite({ error: 'expected a finite price in USD per 1M tokens' })
  .min(0, { error: 'expected a price in USD per 1M tokens (a number >= 0)' });

const name = (what: string) =>
  z.string({ error: `expected ${what} (a non-empty string)` }).trim().min(1, { error: `expected ${what} (a non-empty string)` }).max(200, { error: `expected ${what} of at most 200 characters` });

/** One catalog entry as written: `upstreamModel` defaults to `id`, `capabilities` to [], `region` to 'us'. */
export const modelInputSchema = z.strictObject({
  id: name('a model id'),
  provider: name('a provider id'),
  upstreamModel: name('the provider’s model name').optional(),
  inputPerMTok: price,
  outputPerMTok: price,
  contextWindow: z.number({ error: 'expected a context window in tokens (a positive integer)' }).int({ error: 'expected a context window in tokens (a positive integer)' }).positive({ error: 'expected a context window in tokens (a positive integer)' }),
  capabilities: z.array(z.enum(capabilities, { error: `expected one of ${capabilities.join(', ')}` })).optional(),
  region: name('a region').optional(),
  label: z.string({ error: 'expected a label (a string)' }).max(200).optional(),
});

export type ModelInput = z.input<typeof modelInputSchema>;

export function toModelEntry(input: z.output<typeof modelInputSchema>): ModelEntry {
  const entry: ModelEntry = {
    id: input.id,
    provider: input.provider,
    upstreamModel: input.upstreamModel ?? input.id,
    inputPerMTok: input.inputPerMTok,
    outputPerMTok: input.outputPerMTok,
    contextWindow: input.contextWindow,
    capabilities: Object.freeze([...new Set(input.capabilities ?? [])]),
    region: input.region ?? 'us',
  };
  if (input.label !== undefined) entry.label = input.label;
  return Object.freeze(entry);
}
