// Theme resolution for the Storybook toolbar: the presets of @auterity/themes plus the theme a
// designer is editing in the Theme Editor (kept in localStorage, so it survives reloads).
import { presets, serializeTheme, type Theme, type ThemeMode, type ThemePair } from '@auterity/themes';
import { safeParseTheme } from '@auterity/themes/schema';

export const EDITED_THEME_KEY = 'auterity.storybook.edited-theme';
export const EDITED = 'edited';

export const themeNames = [...Object.keys(presets), EDITED] as const;

function readEdited(): ThemePair | undefined {
  try {
    const raw = globalThis.localStorage?.getItem(EDITED_THEME_KEY);
    if (!raw) return undefined;
    // Stored as theme JSON (serializeTheme), validated on the way back in.
    const { light, dark } = JSON.parse(raw) as { light: string; dark: string };
    const l = safeParseTheme(light);
    const d = safeParseTheme(dark);
    return l.success && d.success ? { light: l.theme, dark: d.theme } : undefined;
  } catch {
    return undefined;
  }
}

/** Saves the Theme Editor's result so the toolbar's "Edited" theme uses it. */
export function saveEditedTheme(pair: ThemePair): void {
  try {
    globalThis.localStorage?.setItem(
      EDITED_THEME_KEY,
      JSON.stringify({ light: serializeTheme(pair.light), dark: serializeTheme(pair.dark) }),
    );
  } catch {
    // Storage can be unavailable (privacy mode); the editor still works on its own page.
  }
}

export function resolveTheme(name: string, mode: ThemeMode): Theme {
  const pair: ThemePair = name === EDITED ? (readEdited() ?? presets.default) : (presets[name as keyof typeof presets] ?? presets.default);
  return pair[mode];
}
