// Provider configuration: any OpenAI-compatible endpoint, or the in-process offline model.
import { z } from 'zod';

const PROVIDER_ID = /^[a-z0-9][a-z0-9_.-]{0,62}$/;

export const providerInputSchema = z.strictObject({
  id: z.string({ error: 'expected a provider id (a string)' }).regex(PROVIDER_ID, { error: 'expected lowercase letters, digits, ".", "-" and "_", starting with a letter or digit, at most 63 characters' }),
  kind: z.enum(['openai', 'offline'], { error: 'expected "openai" (any OpenAI-compatible endpoint) or "offline"' }),
  /** Default: the openai client's own default base URL. */
  baseURL: z.url({ error: 'expected an http(s) URL', protocol: /^https?$/ }).optional(),
  apiKey: z.string({ error: 'expected an API key (a string)' }).min(1, { error: 'expected a non-empty API key' }).optional(),
  headers: z.record(z.string(), z.string({ error: 'expected header values to be strings' }), { error: 'expected an object of header names to values' }).optional(),
  region: z.string({ error: 'expected a region (a string)' }).min(1).optional(),
  timeoutMs: z.number({ error: 'expected milliseconds (a positive integer)' }).int().positive({ error: 'expected milliseconds (a positive integer)' }).optional(),
});

export type ProviderInput = z.input<typeof providerInputSchema>;
export type ProviderConfig = z.output<typeof providerInputSchema>;
