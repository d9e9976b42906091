export { checkTheme } from './check-theme.js';
export { CONTRAST_MINIMUMS, TEXT_PAIRS, UI_PAIRS, type ContrastMinimums } from './requirements.js';
