// AuterityProvider: theme variables, dark mode, direction, appearance overrides, portals, i18n.
import { createTheme, dark, light, presets } from '@auterity/themes';
import { describe, expect, test } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import {
  AuterityProvider,
  Badge,
  Button,
  Card,
  CardTitle,
  Dialog,
  DialogContent,
  DialogTitle,
  Meter,
  useAuterityClient,
  useFormatters,
  useLocale,
  useTranslations,
} from '../src/index.js';
import { ar, fr, messagesFor } from '../src/locales/index.js';
import { defaultTheme } from '../src/provider/default-theme.js';
import { axeViolations } from './axe.js';
import { render } from './render.js';
import './styles.js';

const rootOf = (container: HTMLElement) => container.querySelector<HTMLElement>('.au-root')!;
const cssVar = (element: Element, name: string) => getComputedStyle(element).getPropertyValue(name).trim();

describe('theme', () => {
  test('applies the theme as --au-* variables on the kit root, light by default', async () => {
    const { container } = await render(<AuterityProvider>x</AuterityProvider>);
    const root = rootOf(container);
    expect(root.dataset.auMode).toBe('light');
    expect(cssVar(root, '--au-primary')).toBe(light.colors.primary);
    expect(cssVar(root, '--au-radius')).toBe(light.radius.base);
    expect(cssVar(root, '--au-font-sans')).toBe(light.font.sans);
    expect(getComputedStyle(root).colorScheme).toBe('light');
    // Only inside the kit: the host document does not get them.
    expect(cssVar(document.documentElement, '--au-primary')).toBe('');
  });

  test('the precomputed default theme is the light preset (else: pnpm --filter @auterity/react generate:default-theme)', () => {
    const { name, mode, contrastLevel, colors, radius, font, space, text, shadow, motion } = light;
    expect(defaultTheme).toEqual({ name, mode, contrastLevel, colors, radius, font, space, text, shadow, motion });
  });

  test('dark themes set data-au-mode="dark" and color-scheme: dark', async () => {
    const { container } = await render(<AuterityProvider theme={dark}>x</AuterityProvider>);
    const root = rootOf(container);
    expect(root.dataset.auMode).toBe('dark');
    expect(getComputedStyle(root).colorScheme).toBe('dark');
    expect(cssVar(root, '--au-background')).toBe(dark.colors.background);
  });

  test('components paint with the theme (a brand from createTheme reaches the primary button)', async () => {
    const brand = createTheme({ brand: '#0369a1', mode: 'light' });
    await render(
      <AuterityProvider theme={brand}>
        <Button>Go</Button>
      </AuterityProvider>,
    );
    const button = page.getByRole('button', { name: 'Go' }).element();
    const probe = document.createElement('span');
    probe.style.color = brand.colors.primary;
    document.body.append(probe);
    expect(getComputedStyle(button).backgroundColor).toBe(getComputedStyle(probe).color);
    probe.remove();
  });

  test('appearance.variables override tokens', async () => {
    await render(
      <AuterityProvider appearance={{ variables: { colors: { primary: 'rgb(200, 0, 0)' }, radius: { base: '3px' } } }}>
        <Button>Go</Button>
      </AuterityProvider>,
    );
    const style = getComputedStyle(page.getByRole('button', { name: 'Go' }).element());
    expect(style.backgroundColor).toBe('rgb(200, 0, 0)');
    expect(style.borderTopLeftRadius).toBe('3px');
  });

  test('axe catches a contrast failure the appearance override introduces (the a11y checks are live)', async () => {
    await render(
      <AuterityProvider appearance={{ variables: { colors: { primary: '#777777', 'primary-foreground': '#888888' } } }}>
        <Button>Low contrast</Button>
      </AuterityProvider>,
    );
    const violations = await axeViolations();
    expect(violations.join('\n')).toContain('color-contrast');
  });
});

describe('appearance.elements and stable class names', () => {
  test('every element carries au-* classes; overrides add class names and styles per key and variant', async () => {
    await render(
      <AuterityProvider
        className="host-root"
        appearance={{
          elements: {
            root: 'isv-root',
            button: 'isv-button',
            'button--destructive': { textTransform: 'uppercase' },
            card__title: { letterSpacing: '2px' },
            badge: 'isv-badge',
          },
        }}
      >
        <Button variant="destructive" size="sm" className="own">
          Delete
        </Button>
        <Button>Save</Button>
        <Card>
          <CardTitle>Plan</CardTitle>
        </Card>
        <Badge variant="success">Ok</Badge>
      </AuterityProvider>,
    );
    const root = document.querySelector('[data-test-container] .au-root')!;
    expect([...root.classList]).toEqual(['au-root', 'isv-root', 'host-root']);
    const destructive = page.getByRole('button', { name: 'Delete' }).element();
    expect([...destructive.classList]).toEqual(['au-button', 'isv-button', 'au-button--destructive', 'au-button--sm', 'own']);
    expect((destructive as HTMLElement).style.textTransform).toBe('uppercase');
    const save = page.getByRole('button', { name: 'Save' }).element() as HTMLElement;
    expect(save.classList).toContain('au-button--primary');
    expect(save.style.textTransform).toBe('');
    expect((page.getByRole('heading', { name: 'Plan' }).element() as HTMLElement).style.letterSpacing).toBe('2px');
    expect(page.getByText('Ok').element().className).toBe('au-badge isv-badge au-badge--success');
  });
});

function Sample() {
  const t = useTranslations();
  return (
    <ul>
      {[0, 1, 2, 3, 11, 100, 1234].map((count) => (
        <li key={count}>{t('dataTable.rowCount', { count })}</li>
      ))}
      <li>{t('dataTable.pageOf', { page: 2, pageCount: 9 })}</li>
      <li>{t('common.close')}</li>
    </ul>
  );
}

function Formats() {
  const f = useFormatters();
  const when = Date.UTC(2025, 5, 30, 12);
  return (
    <output>
      {[
        f.number(1234.5),
        f.currency(29, 'EUR'),
        f.percent(0.42),
        f.compact(12_500),
        f.date(when, { dateStyle: 'long', timeZone: 'UTC' }),
        f.relativeTime(-1, 'day'),
        f.list(['a', 'b', 'c']),
      ].join(' | ')}
    </output>
  );
}

const texts = () => [...document.querySelectorAll('[data-test-container] li')].map((li) => li.textContent);
// Intl uses no-break spaces (U+00A0, U+202F) between numbers and units; compare them as spaces.
const out = () => document.querySelector('[data-test-container] output')!.textContent!.replace(/[\u00a0\u202f]/g, ' ');

describe('direction and locale', () => {
  test.each([
    ['en', 'ltr'],
    ['de-CH', 'ltr'],
    ['ar', 'rtl'],
    ['he-IL', 'rtl'],
    ['fa', 'rtl'],
  ])('locale %s defaults dir to %s', async (locale, dir) => {
    const { container } = await render(<AuterityProvider locale={locale}>x</AuterityProvider>);
    expect(rootOf(container).dir).toBe(dir);
    expect(rootOf(container).lang).toBe(locale);
  });

  test('an explicit dir wins over the locale', async () => {
    const { container } = await render(<AuterityProvider locale="ar" dir="ltr">x</AuterityProvider>);
    expect(rootOf(container).dir).toBe('ltr');
  });

  test('a nested provider re-themes its subtree and inherits locale, direction and client', async () => {
    const client = { fetch: () => Promise.resolve() };
    function Probe() {
      const { locale, dir } = useLocale();
      return <span data-testid="probe">{`${locale} ${dir} ${useAuterityClient() === client}`}</span>;
    }
    await render(
      <AuterityProvider locale="he" client={client}>
        <AuterityProvider theme={presets.ocean.dark}>
          <Probe />
        </AuterityProvider>
      </AuterityProvider>,
    );
    await expect.element(page.getByTestId('probe')).toHaveTextContent('he rtl true');
    const inner = page.getByTestId('probe').element().closest('.au-root') as HTMLElement;
    expect(inner.dataset.auMode).toBe('dark');
    expect(inner.dir).toBe('rtl');
  });

  test('translations, plurals, catalogs and messages overrides', async () => {
    const { rerender } = await render(
      <AuterityProvider locale="en">
        <Sample />
      </AuterityProvider>,
    );
    expect(texts()).toEqual(['0 rows', '1 row', '2 rows', '3 rows', '11 rows', '100 rows', '1,234 rows', 'Page 2 of 9', 'Close']);
    await rerender(
      <AuterityProvider locale="ar" messages={{ ...ar, 'common.close': 'إغلاق النافذة' }}>
        <Sample />
      </AuterityProvider>,
    );
    const arabic = texts();
    expect(arabic[0]).toBe('لا توجد صفوف'); // zero
    expect(arabic[1]).toBe('صف واحد'); // one
    expect(arabic[2]).toBe('صفّان'); // two
    expect(arabic[3]).toMatch(/صفوف$/); // few
    expect(arabic[4]).toMatch(/صفًا$/); // many
    expect(arabic[8]).toBe('إغلاق النافذة');
    await rerender(
      <AuterityProvider locale="pt-PT" messages={messagesFor('pt-PT')}>
        <Sample />
      </AuterityProvider>,
    );
    expect(texts()[7]).toBe('Página 2 de 9'); // falls back to the pt-BR catalog
  });

  test('English is built in: a locale without a catalog formats for the locale and speaks English', async () => {
    await render(
      <AuterityProvider locale="de">
        <Sample />
      </AuterityProvider>,
    );
    expect(texts()[6]).toBe('1.234 rows');
    expect(texts()[8]).toBe('Close');
  });

  test('a nested provider inherits the messages with the locale, and can replace single ones', async () => {
    await render(
      <AuterityProvider locale="fr" messages={fr}>
        <AuterityProvider messages={{ 'common.close': 'Terminé' }}>
          <Sample />
        </AuterityProvider>
      </AuterityProvider>,
    );
    expect(texts()[7]).toBe('Page 2 sur 9');
    expect(texts()[8]).toBe('Terminé');
  });

  test('formatters are bound to the locale', async () => {
    const { rerender } = await render(
      <AuterityProvider locale="de">
        <Formats />
      </AuterityProvider>,
    );
    expect(out()).toBe('1.234,5 | 29,00 € | 42 % | 12.500 | 30. Juni 2025 | gestern | a, b und c');
    await rerender(
      <AuterityProvider locale="en">
        <Formats />
      </AuterityProvider>,
    );
    expect(out()).toBe('1,234.5 | €29.00 | 42% | 13K | June 30, 2025 | yesterday | a, b, and c');
    await rerender(
      <AuterityProvider locale="ja">
        <Formats />
      </AuterityProvider>,
    );
    expect(out()).toContain('2025年6月30日');
  });

  test('components use the locale: the meter announces localised value text', async () => {
    await render(
      <AuterityProvider locale="fr" messages={fr}>
        <Meter label="Exécutions" value={4100} max={5000} />
      </AuterityProvider>,
    );
    const meter = page.getByRole('meter', { name: 'Exécutions' });
    await expect.element(meter).toHaveAttribute('aria-valuenow', '4100');
    await expect.element(meter).toHaveAttribute('aria-valuemax', '5000');
    await expect.element(meter).toHaveAttribute('aria-valuetext', '4\u202f100 sur 5\u202f000');
    expect(document.querySelector('.au-meter')!.classList).toContain('au-meter--warning');
  });
});

describe('portal', () => {
  test('dialogs render into a themed portal root with the same variables, mode and direction', async () => {
    await render(
      <AuterityProvider theme={dark} locale="ar">
        <Dialog defaultOpen>
          <DialogContent aria-describedby={undefined}>
            <DialogTitle>عنوان</DialogTitle>
          </DialogContent>
        </Dialog>
      </AuterityProvider>,
    );
    const dialog = page.getByRole('dialog').element();
    const portal = dialog.closest<HTMLElement>('.au-portal')!;
    expect(portal.parentElement).toBe(document.body);
    expect(portal.classList).toContain('au-root');
    expect(portal.dataset.auMode).toBe('dark');
    expect(portal.dir).toBe('rtl');
    expect(cssVar(portal, '--au-card')).toBe(dark.colors.card);
    expect(getComputedStyle(dialog).backgroundColor).not.toBe('rgba(0, 0, 0, 0)');
    await userEvent.keyboard('{Escape}');
  });

  test('unmounting the provider removes its portal root', async () => {
    const { rerender } = await render(<AuterityProvider>x</AuterityProvider>);
    expect(document.querySelectorAll('body > .au-portal')).toHaveLength(1);
    await rerender(<div />);
    expect(document.querySelectorAll('body > .au-portal')).toHaveLength(0);
  });
});
