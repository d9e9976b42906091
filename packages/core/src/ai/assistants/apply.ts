// Resolving `assistant:<id>` in a request: the preset's system prompt goes first, its route serves.
import { z } from 'zod';
import { AuterityError } from '../../errors.js';
import { optionsError, toIssues } from '../../shared/validation.js';
import type { ChatRequest } from '../types.js';
import { assistantPresets, assistantSchema, type Assistant, type AssistantInput } from './presets.js';

export const ASSISTANT_PREFIX = 'assistant:';

export type AssistantCatalog = ReadonlyMap<string, Assistant>;

/** The presets, with the ISV's assistants added or replacing presets by id. Bad entries are option errors. */
export function assistantCatalog(inputs: readonly AssistantInput[] = [], path = 'ai.assistants'): AssistantCatalog {
  const parsed = z.array(assistantSchema).safeParse(inputs);
  if (!parsed.success) {
    const issues = toIssues(parsed.error, path);
    throw optionsError(issues);
  }
  const catalog = new Map<string, Assistant>();
  for (const preset of assistantPresets) catalog.set(preset.id, preset);
  for (const assistant of parsed.data) catalog.set(assistant.id, assistant);
  return catalog;
}

/**
 * Returns the request to route: unchanged unless its `model` names an assistant, in which case the
 * assistant's system prompt is put first (once) and `model` becomes the assistant's route.
 */
export function applyAssistant(request: ChatRequest, catalog: AssistantCatalog, defaultRoute: string): ChatRequest {
  const model = request.model;
  if (typeof model !== 'string' || !model.startsWith(ASSISTANT_PREFIX)) return request;
  const id = model.slice(ASSISTANT_PREFIX.length);
  const assistant = catalog.get(id);
  if (!assistant) {
    const known = [...catalog.keys()].map((key) => `${ASSISTANT_PREFIX}${key}`).join(', ');
    throw new AuterityError('not_found', `Unknown assistant "${id}"; expected one of ${known}.`, { issues: [{ path: 'model', message: `expected one of ${known}` }] });
  }
  const first = request.messages[0];
  const alreadyPrompted = first?.role === 'system' && first.content === assistant.systemPrompt;
  return {
    ...request,
    model: assistant.route ?? defaultRoute,
    messages: alreadyPrompted ? request.messages : [{ role: 'system', content: assistant.systemPrompt }, ...request.messages],
    ...(request.temperature == null && assistant.temperature !== undefined && { temperature: assistant.temperature }),
  };
}
