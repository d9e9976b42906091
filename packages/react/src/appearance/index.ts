export type {
  Appearance,
  AppearanceElementKey,
  AppearanceElementOverride,
  AppearanceElementSelector,
  AppearanceVariables,
} from './types.js';
