import { DirectionProvider } from '@radix-ui/react-direction';
import { Provider as TooltipProvider } from '@radix-ui/react-tooltip';
import { toCssVariableObject, type Theme } from '@auterity/themes';
import { useContext, useMemo, useState, useSyncExternalStore, type CSSProperties, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { AppearanceContext, elementProps } from '../appearance/context.js';
import type { Appearance, AppearanceVariables } from '../appearance/types.js';
import { directionOf } from '../i18n/catalog.js';
import { createI18n, fallbackI18n, I18nContext } from '../i18n/context.js';
import type { Direction, Messages } from '../i18n/types.js';
import { defaultTheme } from './default-theme.js';
import { ClientContext, PortalContext, type AuterityClientLike } from './contexts.js';

export interface AuterityProviderProps {
  /** The typed HTTP client (`@auterity/core/client`) that data-bound components and hooks use. Default: the parent provider's. */
  client?: AuterityClientLike;
  /** A theme from `@auterity/themes` (`createTheme(...)`, a preset, or `parseTheme(json)`). Default: the light preset. */
  theme?: Theme;
  /** Token overrides and per-element class names or styles. */
  appearance?: Appearance;
  /**
   * A BCP 47 locale (`en`, `de`, `pt-BR`, `ar`, ...) for `Intl` formatting, plural rules, `lang` and
   * the default direction. Its messages come from `messages`. Default: the parent provider's
   * locale, else `en`.
   */
  locale?: string;
  /**
   * Writing direction. Default: from `locale` when given (`rtl` for Arabic, Hebrew, Persian, Urdu,
   * ...), else the parent provider's direction, else from the default locale.
   */
  dir?: Direction;
  /**
   * The messages for `locale`: a catalog from `@auterity/react/locales` (`messages={de}`, or
   * `messagesFor(locale)` for a locale picked at run time) or your own, whole or in part; missing
   * keys fall back to English. English is built in. Default: the parent provider's messages when
   * `locale` is inherited, else English; a partial object here replaces individual messages of that
   * default (`{ ...de, 'common.close': 'Fertig' }` replaces one message of the German catalog).
   */
  messages?: Partial<Messages>;
  /** Extra class name for the kit's root element. */
  className?: string;
  /** Extra inline style for the kit's root element. */
  style?: CSSProperties;
  children?: ReactNode;
}

const subscribeNothing = () => () => {};
const isClient = () => true;
const isServer = () => false;

function mergeVariables(theme: Theme, variables: AppearanceVariables | undefined): Theme {
  if (!variables) return theme;
  return {
    ...theme,
    colors: { ...theme.colors, ...variables.colors },
    radius: { ...theme.radius, ...variables.radius },
    font: { ...theme.font, ...variables.font },
    space: { ...theme.space, ...variables.space },
    text: { ...theme.text, ...variables.text },
    shadow: { ...theme.shadow, ...variables.shadow },
    motion: { ...theme.motion, ...variables.motion },
  };
}

/**
 * The root of every Auterity UI: applies the theme as `--au-*` CSS variables on the kit's root
 * element (`.au-root`), sets dark mode (`data-au-mode`) and direction, and provides appearance
 * overrides, translations and formatting to every component inside it. Providers nest: an inner
 * one re-themes its subtree and inherits locale, direction and client. Dialogs, menus and tooltips
 * render into a themed portal element at the end of `document.body`.
 */
export function AuterityProvider({
  client: clientProp,
  theme = defaultTheme,
  appearance,
  locale: localeProp,
  dir,
  messages,
  className,
  style,
  children,
}: AuterityProviderProps) {
  // A nested provider (a themed preview, a differently branded widget) inherits the outer one's
  // locale, direction and client unless it sets its own.
  const parentI18n = useContext(I18nContext);
  const parent = parentI18n === fallbackI18n ? undefined : parentI18n;
  const parentClient = useContext(ClientContext);
  const client = clientProp ?? parentClient;
  const locale = localeProp ?? parent?.locale ?? 'en';
  const direction = dir ?? (localeProp === undefined && parent ? parent.dir : directionOf(locale));
  const variables = useMemo(
    () => toCssVariableObject(mergeVariables(theme, appearance?.variables)) as CSSProperties,
    [theme, appearance?.variables],
  );
  const inherited = localeProp === undefined ? parent?.messages : undefined;
  const i18n = useMemo(() => {
    const base = inherited ?? {};
    return createI18n(locale, direction, messages ? { ...base, ...messages } : base);
  }, [locale, direction, messages, inherited]);
  const elements = appearance?.elements;
  const [portal, setPortal] = useState<HTMLElement | null>(null);
  // True on the client (from the first render) and false during server rendering and hydration.
  const mounted = useSyncExternalStore(subscribeNothing, isClient, isServer);

  const root = elementProps(elements, 'root', undefined, className, { ...variables, ...style });
  const portalProps = elementProps(elements, 'portal', undefined, 'au-root', variables);
  const shared = { 'data-au-mode': theme.mode, dir: direction, lang: locale } as const;

  return (
    <ClientContext.Provider value={client}>
      <AppearanceContext.Provider value={elements}>
        <I18nContext.Provider value={i18n}>
          <DirectionProvider dir={direction}>
            <TooltipProvider delayDuration={300}>
              <PortalContext.Provider value={portal}>
                <div {...root} {...shared}>
                  {children}
                </div>
                {mounted && createPortal(<div ref={setPortal} {...portalProps} {...shared} />, document.body)}
              </PortalContext.Provider>
            </TooltipProvider>
          </DirectionProvider>
        </I18nContext.Provider>
      </AppearanceContext.Provider>
    </ClientContext.Provider>
  );
}
