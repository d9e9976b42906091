// The message catalogs: complete, consistent placeholders, plural forms, locale resolution.
import { describe, expect, test } from 'vitest';
import { directionOf } from '../src/index.js';
import { catalogs, de, messagesFor, resolveCatalogLocale, supportedLocales, type Messages } from '../src/locales/index.js';

const en = catalogs.en!;
const placeholders = (value: Messages[keyof Messages]) => {
  const texts = typeof value === 'string' ? [value] : Object.values(value);
  return new Set(texts.flatMap((text) => [...(text ?? '').matchAll(/\{(\w+)\}/g)].map((m) => m[1])));
};

describe('catalogs', () => {
  test('ships English and at least 9 more locales, at least one right-to-left', () => {
    expect(supportedLocales).toContain('en');
    expect(supportedLocales.length).toBeGreaterThanOrEqual(10);
    expect(supportedLocales.filter((l) => directionOf(l) === 'rtl').length).toBeGreaterThanOrEqual(1);
  });

  for (const locale of supportedLocales) {
    test(`${locale}: every key, translated, with the same placeholders as English`, () => {
      const catalog = catalogs[locale]!;
      expect(Object.keys(catalog).sort()).toEqual(Object.keys(en).sort());
      const problems: string[] = [];
      const forms = new Intl.PluralRules(locale).resolvedOptions().pluralCategories as string[];
      for (const key of Object.keys(en) as Array<keyof Messages>) {
        const value = catalog[key];
        const plural = typeof en[key] !== 'string';
        if ((typeof value === 'string' ? value : value.other).trim() === '') problems.push(`${key}: empty`);
        if (plural !== (typeof value === 'object')) problems.push(`${key}: plural forms expected to match English`);
        // Only forms the locale's plural rules produce (the rest would never be used).
        if (typeof value === 'object') {
          for (const form of Object.keys(value)) if (!forms.includes(form)) problems.push(`${key}: unused plural form ${form}`);
        }
        const expected = placeholders(en[key]);
        const actual = placeholders(value);
        // Plural forms may spell out small numbers ("one row") instead of {count}.
        expected.delete('count');
        actual.delete('count');
        if ([...expected].sort().join() !== [...actual].sort().join()) problems.push(`${key}: placeholders ${[...actual]} vs ${[...expected]}`);
        if (plural && !placeholders(en[key]).has('count')) problems.push(`${key}: English plural without {count}`);
      }
      expect(problems).toEqual([]);
      const untranslated = (Object.keys(en) as Array<keyof Messages>).filter((k) => JSON.stringify(catalog[k]) === JSON.stringify(en[k]));
      expect(untranslated.length / Object.keys(en).length).toBeLessThan(locale === 'en' ? 1.01 : 0.2);
    });
  }

  test('locale resolution: exact, case-insensitive, same language, then English', () => {
    expect(resolveCatalogLocale('de')).toBe('de');
    expect(resolveCatalogLocale('pt-br')).toBe('pt-BR');
    expect(resolveCatalogLocale('pt-PT')).toBe('pt-BR');
    expect(resolveCatalogLocale('zh-TW')).toBe('zh-CN');
    expect(resolveCatalogLocale('fr_CA')).toBe('fr');
    expect(resolveCatalogLocale('sv')).toBe('en');
    expect(messagesFor('de-AT')).toBe(de);
    expect(messagesFor('sv')).toBe(en);
  });

  test('direction', () => {
    expect(['ar', 'ar-EG', 'he', 'fa-IR', 'ur'].map(directionOf)).toEqual(['rtl', 'rtl', 'rtl', 'rtl', 'rtl']);
    expect(['en', 'de', 'ja', 'zh-CN'].map(directionOf)).toEqual(['ltr', 'ltr', 'ltr', 'ltr']);
  });
});
