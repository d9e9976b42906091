// The model catalog: built-in models plus the ISV's, merged by id. See DESIGN §6.
import { z } from 'zod';
import { optionsError, toIssues } from '../../shared/validation.js';
import type { ModelEntry } from '../types.js';
import { builtInModelInputs } from './builtin.js';
import { modelInputSchema, toModelEntry, type ModelInput } from './schema.js';

export { OFFLINE_MODEL_ID } from './builtin.js';
export { modelInputSchema, type ModelInput } from './schema.js';

/** The built-in catalog entries (OpenAI models at list prices, and `offline`). */
export const builtInModels: readonly ModelEntry[] = Object.freeze(builtInModelInputs.map((input) => toModelEntry(modelInputSchema.parse(input))));

/**
 * Validates catalog entries (defaults filled in). Throws AuterityError('invalid_options') naming the
 * field, e.g. `ai.models.2.inputPerMTok: expected a price ...`; `path` is where the list lives.
 */
export function defineModels(models: readonly ModelInput[], path = 'ai.models'): ModelEntry[] {
  const result = z.array(modelInputSchema, { error: 'expected a list of models' }).safeParse(models);
  if (!result.success) {
    const issues = toIssues(result.error, path);
    throw optionsError(issues);
  }
  const seen = new Set<string>();
  result.data.forEach((model, index) => {
    if (seen.has(model.id)) {
      const issue = { path: `${path}.${index}.id`, message: `model "${model.id}" is defined twice` };
      throw optionsError([issue]);
    }
    seen.add(model.id);
  });
  return result.data.map(toModelEntry);
}

/** The built-in catalog with the ISV's entries added, an ISV entry replacing a built-in one of the same id. */
export function mergeCatalog(models: readonly ModelEntry[]): ModelEntry[] {
  const byId = new Map<string, ModelEntry>();
  for (const model of builtInModels) byId.set(model.id, model);
  for (const model of models) byId.set(model.id, model);
  return [...byId.values()];
}
