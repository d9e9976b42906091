export { createTheme } from './create-theme.js';
export type { CreateThemeOptions } from './options.js';
