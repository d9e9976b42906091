import type { Meta, StoryObj } from '@storybook/react-vite';
import {
  AuterityProvider,
  Badge,
  Button,
  Card,
  CardContent,
  CardHeader,
  CardTitle,
  Meter,
  useFormatters,
  useLocale,
  useTranslations,
} from '../src/index.js';
import { resolveTheme } from '../.storybook/themes.js';
import { messagesFor } from '../src/locales/index.js';
import { Gallery } from './gallery.js';

const meta = {
  title: 'Foundations',
} satisfies Meta;

export default meta;
type Story = StoryObj<typeof meta>;

/** Every primitive in the toolbar's theme, mode, direction and locale. */
export const AllComponents: Story = {
  name: 'Gallery',
  render: () => <Gallery />,
};

/**
 * `appearance.variables` override theme tokens; `appearance.elements` add class names or styles to
 * stable elements (`button`, `button--primary`, `card__title`, `meter__indicator--danger`, ...).
 */
export const Appearance: Story = {
  render: (_, { globals }) => (
    <AuterityProvider
      theme={resolveTheme(globals.theme ?? 'default', globals.mode ?? 'light')}
      locale={globals.locale}
      messages={messagesFor(globals.locale ?? 'en')}
      dir={globals.dir === 'auto' ? undefined : globals.dir}
      appearance={{
        variables: { radius: { base: '999px', sm: '999px' }, font: { sans: 'Georgia, serif' } },
        elements: {
          button: { letterSpacing: '0.02em' },
          'button--primary': { textTransform: 'uppercase' },
          card: { borderWidth: 2 },
          card__title: 'isv-card-title',
        },
      }}
    >
      <Card style={{ maxInlineSize: '24rem' }}>
        <CardHeader>
          <CardTitle>Rounded, serif, uppercase primary</CardTitle>
        </CardHeader>
        <CardContent style={{ display: 'flex', gap: '0.5rem' }}>
          <Button>Upgrade</Button>
          <Button variant="outline">Later</Button>
          <Badge variant="success">Active</Badge>
        </CardContent>
      </Card>
    </AuterityProvider>
  ),
};

function LocaleSample() {
  const t = useTranslations();
  const f = useFormatters();
  const { locale, dir } = useLocale();
  const when = new Date(Date.UTC(2025, 5, 30, 14, 5));
  return (
    <Card style={{ maxInlineSize: '32rem' }}>
      <CardHeader>
        <CardTitle>
          {locale} ({dir})
        </CardTitle>
      </CardHeader>
      <CardContent>
        <dl style={{ display: 'grid', gridTemplateColumns: 'auto 1fr', gap: '0.25rem 1rem', margin: 0 }}>
          <dt>Number</dt>
          <dd style={{ margin: 0 }}>{f.number(1234567.891)}</dd>
          <dt>Compact</dt>
          <dd style={{ margin: 0 }}>{f.compact(182_000)}</dd>
          <dt>Currency</dt>
          <dd style={{ margin: 0 }}>
            {f.currency(29, 'USD')} · {f.currency(99, 'EUR')}
          </dd>
          <dt>Percent</dt>
          <dd style={{ margin: 0 }}>{f.percent(0.823)}</dd>
          <dt>Date</dt>
          <dd style={{ margin: 0 }}>{f.dateTime(when, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' })}</dd>
          <dt>Relative</dt>
          <dd style={{ margin: 0 }}>{f.relativeTime(-3, 'day')}</dd>
          <dt>Plural</dt>
          <dd style={{ margin: 0 }}>
            {t('dataTable.rowCount', { count: 1 })} · {t('dataTable.rowCount', { count: 2 })} ·{' '}
            {t('dataTable.rowCount', { count: 5 })} · {t('dataTable.rowCount', { count: 1200 })}
          </dd>
        </dl>
        <div style={{ marginBlockStart: '1rem' }}>
          <Meter label={t('dataTable.rowsPerPage')} value={4100} max={5000} />
        </div>
      </CardContent>
    </Card>
  );
}

/** Messages and `Intl` formatting follow the toolbar's locale; direction follows it too unless set. */
export const Localization: Story = {
  render: () => <LocaleSample />,
};
