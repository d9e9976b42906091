// The kit's stylesheet must not touch the host page: everything is in `@layer auterity` and scoped
// under `.au-root`. This file loads the stylesheet itself (not through ./styles.js), so the "before"
// measurements really are before.
import css from '../src/styles.css?inline';
import { describe, expect, test } from 'vitest';
import { DataTable } from '../src/data-table/index.js';
import { AuterityProvider, Badge, Button, Card, CardContent, CardTitle, Meter } from '../src/index.js';
import { makeRuns } from '../stories/fixtures.js';
import { render } from './render.js';

const PROPERTIES = [
  'color',
  'background-color',
  'font-family',
  'font-size',
  'font-weight',
  'line-height',
  'margin-top',
  'margin-inline-start',
  'padding-top',
  'padding-inline-start',
  'border-top-width',
  'border-top-style',
  'border-top-left-radius',
  'box-sizing',
  'display',
  'outline-style',
  'text-align',
  'color-scheme',
  'inline-size',
  'block-size',
  'border-collapse',
  'accent-color',
  'white-space',
];

// A host page: elements with the host's own (unlayered) styles, and elements left to browser
// defaults, including the same tags and class-like names the kit uses.
const HOST_HTML = `
  <style>
    .host-card { padding: 12px; border: 1px solid #999; font: 15px/1.4 serif; color: #222; }
    .host-card h2 { margin: 4px 0; }
  </style>
  <header class="host-card"><h2>Host heading</h2><p>Host paragraph</p><button>Host button</button></header>
  <main>
    <h1>Plain heading</h1><p>Plain text</p><button type="button">Plain button</button>
    <input type="search" placeholder="Host search"><input type="checkbox">
    <table><caption>Host table</caption><thead><tr><th>A</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>
    <div class="button card badge meter tabs">Unprefixed kit-like class names</div>
    <nav><a href="#x">Link</a></nav><select><option>One</option></select>
  </main>`;

function snapshot(root: Element): Record<string, string>[] {
  const elements = [root, ...root.querySelectorAll('*')].filter((el) => el.tagName !== 'STYLE');
  return elements.map((el) => {
    const style = getComputedStyle(el);
    return Object.fromEntries([['tag', el.tagName], ...PROPERTIES.map((p) => [p, style.getPropertyValue(p)])]);
  });
}

describe('stylesheet isolation', () => {
  test('host elements keep their computed styles after the kit stylesheet loads and the kit renders', async () => {
    const host = document.createElement('div');
    host.id = 'host';
    host.innerHTML = HOST_HTML;
    document.body.prepend(host);
    const before = { host: snapshot(host), html: snapshot(document.documentElement).slice(0, 1), body: snapshot(document.body).slice(0, 1) };

    const style = document.createElement('style');
    style.textContent = css;
    document.head.append(style);
    await render(
      <AuterityProvider>
        <Card>
          <CardTitle>Kit card</CardTitle>
          <CardContent>
            <Button>Kit button</Button>
            <Badge>Kit</Badge>
            <Meter label="Kit meter" value={3} max={10} />
            <DataTable data={makeRuns(3)} columns={[{ id: 'id', header: 'Run' }]} caption="Kit table" />
          </CardContent>
        </Card>
      </AuterityProvider>,
    );
    try {
      // The stylesheet is active inside the kit...
      const kitButton = document.querySelector('.au-button')!;
      expect(getComputedStyle(kitButton).borderTopLeftRadius).not.toBe('0px');
      expect(getComputedStyle(document.querySelector('.au-root')!).fontFamily).not.toBe(getComputedStyle(host).fontFamily);
      // ...and nothing outside it changed.
      expect(snapshot(host)).toEqual(before.host);
      expect(snapshot(document.documentElement).slice(0, 1)).toEqual(before.html);
      expect(snapshot(document.body).slice(0, 1)).toEqual(before.body);
    } finally {
      style.remove();
      host.remove();
    }
  });

  test('every rule is inside @layer auterity and every selector is scoped under .au-root', () => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    const top = [...sheet.cssRules];
    expect(top).toHaveLength(1);
    expect(top[0]).toBeInstanceOf(CSSLayerBlockRule);
    expect((top[0] as CSSLayerBlockRule).name).toBe('auterity');

    const unscoped: string[] = [];
    let styleRules = 0;
    const visit = (rules: CSSRuleList) => {
      for (const rule of rules) {
        if (rule instanceof CSSStyleRule) {
          styleRules++;
          // Split the selector list on top-level commas only.
          const selectors = rule.selectorText.split(/,(?![^(]*\))/).map((s) => s.trim());
          for (const selector of selectors) if (!selector.includes('.au-root')) unscoped.push(selector);
        } else if (rule instanceof CSSMediaRule || rule instanceof CSSLayerBlockRule || rule instanceof CSSSupportsRule) {
          visit(rule.cssRules);
        } else if (!(rule instanceof CSSKeyframesRule)) {
          unscoped.push(`unexpected rule: ${rule.cssText.slice(0, 60)}`);
        }
      }
    };
    visit((top[0] as CSSLayerBlockRule).cssRules);
    expect(styleRules).toBeGreaterThan(50);
    expect(unscoped).toEqual([]);
    expect(css).not.toMatch(/:root|!important/);
  });

  test('unlayered host styles win over the kit (an ISV can always override)', async () => {
    const style = document.createElement('style');
    style.textContent = css;
    const override = document.createElement('style');
    override.textContent = '.isv-button { background-color: rgb(1, 2, 3); }';
    document.head.append(style, override);
    try {
      await render(
        <AuterityProvider appearance={{ elements: { button: 'isv-button' } }}>
          <Button>Go</Button>
        </AuterityProvider>,
      );
      expect(getComputedStyle(document.querySelector('.au-button')!).backgroundColor).toBe('rgb(1, 2, 3)');
    } finally {
      style.remove();
      override.remove();
    }
  });
});
