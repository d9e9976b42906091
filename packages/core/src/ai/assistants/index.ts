export { assistantPresets, assistantSchema } from './presets.js';
export type { Assistant, AssistantInput } from './presets.js';
export { applyAssistant, assistantCatalog, ASSISTANT_PREFIX } from './apply.js';
export type { AssistantCatalog } from './apply.js';
