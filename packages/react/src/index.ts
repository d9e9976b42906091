// @auterity/react: the themable, accessible React kit. Import the stylesheet once:
//   import '@auterity/react/styles.css';
export * from './provider/index.js';
export * from './appearance/index.js';
export * from './i18n/index.js';
export * from './components/button/index.js';
export * from './components/badge/index.js';
export * from './components/card/index.js';
export * from './components/meter/index.js';
export * from './components/skeleton/index.js';
export * from './components/empty-state/index.js';
export * from './components/tabs/index.js';
export * from './components/dialog/index.js';
export * from './components/dropdown-menu/index.js';
export * from './components/tooltip/index.js';
