import type { Decorator, Preview } from '@storybook/react-vite';
import type { ThemeMode } from '@auterity/themes';
import { AuterityProvider, type Direction } from '../src/index.js';
import { messagesFor, supportedLocales } from '../src/locales/index.js';
import '../src/styles.css';
import { resolveTheme, themeNames } from './themes.js';

const localeNames: Record<string, string> = {
  en: 'English',
  de: 'Deutsch',
  fr: 'Français',
  es: 'Español',
  it: 'Italiano',
  'pt-BR': 'Português (Brasil)',
  nl: 'Nederlands',
  ja: '日本語',
  'zh-CN': '中文（简体）',
  ar: 'العربية (RTL)',
  he: 'עברית (RTL)',
};

/** Wraps every story in AuterityProvider, driven by the toolbar. */
const withAuterity: Decorator = (Story, context) => {
  const { theme = 'default', mode = 'light', dir = 'auto', locale = 'en' } = context.globals as Record<string, string>;
  if (context.parameters.auterity === false) return <Story />;
  return (
    <AuterityProvider
      theme={resolveTheme(theme, mode as ThemeMode)}
      locale={locale}
      messages={messagesFor(locale)}
      dir={dir === 'auto' ? undefined : (dir as Direction)}
      style={{ padding: '1.5rem', minBlockSize: '100%' }}
    >
      <main>
        <Story />
      </main>
    </AuterityProvider>
  );
};

const preview: Preview = {
  decorators: [withAuterity],
  globalTypes: {
    theme: {
      description: 'Theme preset (or the Theme Editor result)',
      toolbar: {
        title: 'Theme',
        icon: 'paintbrush',
        items: themeNames.map((name) => ({ value: name, title: name === 'edited' ? 'Edited (Theme Editor)' : name })),
        dynamicTitle: true,
      },
    },
    mode: {
      description: 'Light or dark mode',
      toolbar: {
        title: 'Mode',
        icon: 'mirror',
        items: [
          { value: 'light', title: 'Light', icon: 'sun' },
          { value: 'dark', title: 'Dark', icon: 'moon' },
        ],
        dynamicTitle: true,
      },
    },
    dir: {
      description: 'Writing direction (auto follows the locale)',
      toolbar: {
        title: 'Direction',
        icon: 'transfer',
        items: [
          { value: 'auto', title: 'Auto (from locale)' },
          { value: 'ltr', title: 'Left to right' },
          { value: 'rtl', title: 'Right to left' },
        ],
        dynamicTitle: true,
      },
    },
    locale: {
      description: 'Locale for messages and formatting',
      toolbar: {
        title: 'Locale',
        icon: 'globe',
        items: supportedLocales.map((value) => ({ value, title: localeNames[value] ?? value })),
        dynamicTitle: true,
      },
    },
  },
  initialGlobals: { theme: 'default', mode: 'light', dir: 'auto', locale: 'en' },
  parameters: {
    layout: 'fullscreen',
    controls: { matchers: { color: /(background|color)$/i } },
    // Dialogs, menus and tooltips portal to the end of <body>, so check the whole document.
    a11y: { context: 'body' },
  },
};

export default preview;
