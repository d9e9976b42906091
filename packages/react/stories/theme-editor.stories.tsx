import type { Meta, StoryObj } from '@storybook/react-vite';
import { checkTheme, createTheme, serializeTheme, type GeneratedTheme, type ThemeMode } from '@auterity/themes';
import { useEffect, useId, useMemo, useState, type CSSProperties, type ReactNode } from 'react';
import {
  AuterityProvider,
  Badge,
  Button,
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
  Tabs,
  TabsContent,
  TabsList,
  TabsTrigger,
} from '../src/index.js';
import { DataTable, type DataTableColumn } from '../src/data-table/index.js';
import { saveEditedTheme } from '../.storybook/themes.js';
import { Gallery } from './gallery.js';

const FONTS = [
  { label: 'System UI', value: 'system-ui, sans-serif' },
  { label: 'Inter / Helvetica', value: 'Inter, "Helvetica Neue", Arial, sans-serif' },
  { label: 'Humanist', value: 'Seravek, "Gill Sans Nova", Ubuntu, Calibri, "DejaVu Sans", sans-serif' },
  { label: 'Rounded', value: 'ui-rounded, "SF Pro Rounded", "Arial Rounded MT Bold", sans-serif' },
  { label: 'Serif', value: 'Georgia, Cambria, "Times New Roman", serif' },
  { label: 'Monospace', value: 'ui-monospace, "JetBrains Mono", Menlo, monospace' },
];

const field: CSSProperties = {
  inlineSize: '100%',
  blockSize: '2.25rem',
  paddingInline: '0.5rem',
  border: '1px solid var(--au-input)',
  borderRadius: 'var(--au-radius-sm)',
  background: 'var(--au-background)',
  color: 'var(--au-foreground)',
  font: 'inherit',
};

function Field({ label, hint, children }: { label: string; hint?: ReactNode; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div style={{ display: 'grid', gap: '0.25rem' }}>
      <label htmlFor={id} style={{ fontWeight: 500 }}>
        {label}
      </label>
      {children(id)}
      {hint && <span style={{ color: 'var(--au-muted-foreground)', fontSize: 'var(--au-text-xs)' }}>{hint}</span>}
    </div>
  );
}

interface ContrastRow {
  id: string;
  pair: string;
  ratio: number;
  required: number;
  passes: boolean;
}

const contrastColumns: DataTableColumn<ContrastRow>[] = [
  { id: 'pair', header: 'Pair (foreground on background)' },
  { id: 'ratio', header: 'Ratio', align: 'end', cell: (value) => `${(value as number).toFixed(2)}:1` },
  { id: 'required', header: 'Needs', align: 'end', cell: (value) => `${value as number}:1` },
  {
    id: 'passes',
    header: 'Result',
    cell: (value) => (value ? <Badge variant="success">Pass</Badge> : <Badge variant="destructive">Fail</Badge>),
  },
];

/** Any CSS colour as #rrggbb for <input type="color"> (drawn on a 1x1 canvas), or undefined if invalid. */
function toHexColor(color: string): string | undefined {
  if (!CSS.supports('color', color)) return undefined;
  const context = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
  if (!context) return undefined;
  context.fillStyle = color;
  context.fillRect(0, 0, 1, 1);
  const [r = 0, g = 0, b = 0] = context.getImageData(0, 0, 1, 1).data;
  return `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

function download(filename: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * A designer's theme editor: pick a brand colour, radius and font; every primitive updates live,
 * the contrast report (checkTheme) shows each WCAG pair, and the theme exports as JSON
 * (`parseTheme` from `@auterity/themes/schema` reads it back). The result is also the toolbar's
 * "Edited" theme for every other story.
 */
function ThemeEditor() {
  const [name, setName] = useState('my-brand');
  const [brand, setBrand] = useState('#4f46e5');
  const [radius, setRadius] = useState(8);
  const [font, setFont] = useState(FONTS[0]!.value);
  const [contrastLevel, setContrastLevel] = useState<'AA' | 'AAA'>('AA');
  const [mode, setMode] = useState<ThemeMode>('light');
  const [copied, setCopied] = useState('');

  const result = useMemo(() => {
    try {
      const slug = name.trim().replace(/\s+/g, '-') || 'custom';
      const make = (m: ThemeMode): GeneratedTheme =>
        createTheme({ brand, radius, font, mode: m, contrastLevel, name: `${slug}-${m}` });
      return { pair: { light: make('light'), dark: make('dark') }, error: undefined };
    } catch (error) {
      return { pair: undefined, error: (error as Error).message };
    }
  }, [name, brand, radius, font, contrastLevel]);

  const [last, setLast] = useState(result.pair);
  if (result.pair && result.pair !== last) setLast(result.pair);
  const pair = result.pair ?? last;
  useEffect(() => {
    if (pair) saveEditedTheme(pair);
  }, [pair]);

  const theme = pair?.[mode];
  const json = theme ? serializeTheme(theme) : '';
  const checks: ContrastRow[] = useMemo(
    () =>
      theme
        ? checkTheme(theme).map((check) => ({
            id: check.pair.join('/'),
            pair: `${check.pair[0]} on ${check.pair[1]}`,
            ratio: check.ratio,
            required: check.required,
            passes: check.passes,
          }))
        : [],
    [theme],
  );
  const failures = checks.filter((check) => !check.passes).length;
  const brandHex = useMemo(() => toHexColor(brand), [brand]);
  const [pickerHex, setPickerHex] = useState('#4f46e5');
  // Keep the picker where it was while the text field holds an unfinished colour.
  if (brandHex && brandHex !== pickerHex) setPickerHex(brandHex);

  return (
    <div style={{ display: 'grid', gap: '1.5rem' }}>
      <h1 style={{ margin: 0, fontSize: 'var(--au-text-2xl)' }}>Theme editor</h1>
      <div style={{ display: 'grid', gap: '1.5rem', gridTemplateColumns: 'minmax(16rem, 20rem) minmax(0, 1fr)', alignItems: 'start' }}>
        <Card as="section" aria-labelledby="te-controls">
          <CardHeader>
            <CardTitle as="h2" id="te-controls">
              Brand
            </CardTitle>
            <CardDescription>Palettes are generated to meet WCAG {contrastLevel} in light and dark mode.</CardDescription>
          </CardHeader>
          <CardContent style={{ display: 'grid', gap: '1rem' }}>
            <Field label="Theme name">{(id) => <input id={id} style={field} value={name} onChange={(e) => setName(e.target.value)} />}</Field>
            <Field label="Brand colour" hint="Any CSS colour: #hex, rgb() or oklch().">
              {(id) => (
                <div style={{ display: 'flex', gap: '0.5rem' }}>
                  <input
                    type="color"
                    aria-label="Brand colour picker"
                    value={pickerHex}
                    onChange={(e) => setBrand(e.target.value)}
                    style={{ ...field, inlineSize: '3rem', padding: '0.125rem' }}
                  />
                  <input id={id} style={field} value={brand} onChange={(e) => setBrand(e.target.value)} spellCheck={false} />
                </div>
              )}
            </Field>
            <Field label={`Corner radius: ${radius}px`}>
              {(id) => (
                <input id={id} type="range" min={0} max={24} step={1} value={radius} onChange={(e) => setRadius(Number(e.target.value))} />
              )}
            </Field>
            <Field label="Font">
              {(id) => (
                <select id={id} style={field} value={font} onChange={(e) => setFont(e.target.value)}>
                  {FONTS.map((option) => (
                    <option key={option.label} value={option.value}>
                      {option.label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Contrast level">
              {(id) => (
                <select id={id} style={field} value={contrastLevel} onChange={(e) => setContrastLevel(e.target.value as 'AA' | 'AAA')}>
                  <option value="AA">WCAG AA (4.5:1 text, 3:1 UI)</option>
                  <option value="AAA">WCAG AAA (7:1 text, 4.5:1 UI)</option>
                </select>
              )}
            </Field>
            {result.error && (
              <p role="alert" style={{ margin: 0 }}>
                <Badge variant="destructive">Invalid</Badge> {result.error}
              </p>
            )}
            {theme && theme.adjustments.length > 0 && (
              <div>
                <strong>Adjusted for contrast</strong>
                <ul style={{ margin: '0.25rem 0 0', paddingInlineStart: '1.25rem' }}>
                  {theme.adjustments.map((a) => (
                    <li key={a.token}>
                      {a.token}: {a.reason}
                    </li>
                  ))}
                </ul>
              </div>
            )}
            <div style={{ display: 'flex', flexWrap: 'wrap', gap: '0.5rem' }}>
              <Button onClick={() => download(`${theme?.name ?? 'theme'}.json`, json)} disabled={!theme}>
                Download {mode} JSON
              </Button>
              <Button
                variant="outline"
                disabled={!theme}
                onClick={async () => {
                  try {
                    await navigator.clipboard.writeText(json);
                    setCopied('Theme JSON copied to the clipboard.');
                  } catch {
                    setCopied('Copying was blocked: the JSON below is selected when focused, copy it from there.');
                  }
                }}
              >
                Copy JSON
              </Button>
            </div>
            <output aria-live="polite" style={{ display: 'block', minBlockSize: '1.5em', color: 'var(--au-muted-foreground)' }}>
              {copied}
            </output>
            <p style={{ margin: 0, color: 'var(--au-muted-foreground)', fontSize: 'var(--au-text-xs)' }}>
              Choose “Edited (Theme Editor)” in the toolbar’s Theme menu to see every story in this theme.
            </p>
          </CardContent>
        </Card>
        <section aria-labelledby="te-preview" style={{ display: 'grid', gap: '0.75rem', minInlineSize: 0 }}>
          <h2 id="te-preview" style={{ margin: 0, fontSize: 'var(--au-text-lg)' }}>
            Preview
          </h2>
          <Tabs value={mode} onValueChange={(value) => setMode(value as ThemeMode)}>
            <TabsList aria-label="Preview mode">
              <TabsTrigger value="light">Light</TabsTrigger>
              <TabsTrigger value="dark">Dark</TabsTrigger>
            </TabsList>
            {(['light', 'dark'] as const).map((m) => (
              <TabsContent key={m} value={m}>
                {pair && (
                  <AuterityProvider theme={pair[m]} style={{ padding: '1.25rem', borderRadius: 'var(--au-radius-lg)', border: '1px solid var(--au-border)' }}>
                    <Gallery headingLevel={3} />
                  </AuterityProvider>
                )}
              </TabsContent>
            ))}
          </Tabs>
        </section>
      </div>
      <section aria-labelledby="te-contrast" style={{ display: 'grid', gap: '0.75rem' }}>
        <h2 id="te-contrast" style={{ margin: 0, fontSize: 'var(--au-text-lg)' }}>
          Contrast ({mode}): {failures === 0 ? 'every pair passes' : `${failures} failing`}
        </h2>
        <DataTable
          data={checks}
          columns={contrastColumns}
          caption={`WCAG ${theme?.contrastLevel ?? contrastLevel} contrast checks for the ${mode} theme`}
          hideCaption
          searchable={false}
          columnToggle={false}
          pageSize={50}
          pageSizeOptions={[50]}
        />
      </section>
      <section aria-labelledby="te-json" style={{ display: 'grid', gap: '0.75rem' }}>
        <h2 id="te-json" style={{ margin: 0, fontSize: 'var(--au-text-lg)' }}>
          Theme JSON ({mode})
        </h2>
        <textarea
          readOnly
          aria-labelledby="te-json"
          value={json}
          rows={16}
          spellCheck={false}
          onFocus={(event) => event.currentTarget.select()}
          style={{ ...field, blockSize: 'auto', padding: '1rem', fontFamily: 'var(--au-font-mono)', fontSize: 'var(--au-text-xs)', resize: 'vertical' }}
        />
      </section>
    </div>
  );
}

const meta = {
  title: 'Theme Editor',
  component: ThemeEditor,
  parameters: { layout: 'fullscreen' },
} satisfies Meta<typeof ThemeEditor>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Editor: Story = {};
