// Precision and recall of every detector over the labelled corpus (see generate-corpus.ts):
// a finding is a true positive only when detector and exact value both match a label.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRedactor, detectorIds, type DetectorId } from '../../../src/governance/redaction/index.js';
import type { CorpusSample } from './generate-corpus.js';

const corpus = JSON.parse(readFileSync(new URL('./redaction-corpus.json', import.meta.url), 'utf8')) as CorpusSample[];

describe('redaction corpus', () => {
  it('has at least 500 samples, hard negatives included', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(500);
    expect(corpus.filter((sample) => sample.entities.length === 0).length).toBeGreaterThanOrEqual(100);
  });

  it('reaches precision and recall of at least 0.95 for every detector', () => {
    const redactor = createRedactor();
    const counts = Object.fromEntries(detectorIds.map((id) => [id, { tp: 0, fp: 0, fn: 0 }])) as Record<DetectorId, { tp: number; fp: number; fn: number }>;
    const misses: string[] = [];
    for (const sample of corpus) {
      const expected = sample.entities.map((entity) => `${entity.detector}\u0000${entity.value}`);
      const found = redactor.find(sample.text).map((finding) => `${finding.detector}\u0000${finding.value}`);
      for (const key of found) {
        const detector = key.split('\u0000')[0] as DetectorId;
        const index = expected.indexOf(key);
        if (index >= 0) {
          counts[detector].tp++;
          expected.splice(index, 1);
        } else {
          counts[detector].fp++;
          misses.push(`FP ${key.replace('\u0000', ': ')} in ${JSON.stringify(sample.text)}`);
        }
      }
      for (const key of expected) {
        counts[key.split('\u0000')[0] as DetectorId].fn++;
        misses.push(`FN ${key.replace('\u0000', ': ')} in ${JSON.stringify(sample.text)}`);
      }
    }
    const table = detectorIds.map((id) => {
      const { tp, fp, fn } = counts[id];
      return { detector: id, tp, fp, fn, precision: tp + fp ? tp / (tp + fp) : 1, recall: tp + fn ? tp / (tp + fn) : 1 };
    });
    console.table(table.map((row) => ({ ...row, precision: row.precision.toFixed(3), recall: row.recall.toFixed(3) })));
    if (misses.length) console.log(misses.slice(0, 30).join('\n'));
    for (const row of table) {
      expect(row.tp, `${row.detector} has labelled samples`).toBeGreaterThan(0);
      expect(row.precision, `${row.detector} precision`).toBeGreaterThanOrEqual(0.95);
      expect(row.recall, `${row.detector} recall`).toBeGreaterThanOrEqual(0.95);
    }
  });
});
