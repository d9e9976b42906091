// Finds and replaces personal data and secrets in text, e.g. before a prompt leaves for an AI
// provider. Overlapping candidates are resolved by detector priority, then by length.
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { parseWith } from '../validation.js';
import { detectorIds, detectors, type DetectorId } from './detectors.js';

export const redactionModeSchema = z.enum(['mask', 'hash', 'remove']);
/** `mask`: letters and digits become `*` (cards and IBANs keep their last 4); `hash`: a stable
 *  pseudonym `<detector>_<12 hex>` (HMAC, so equal values stay correlatable without being revealed);
 *  `remove`: the text is dropped. */
export type RedactionMode = z.infer<typeof redactionModeSchema>;

export const redactorOptionsSchema = z.strictObject({
  detectors: z.array(z.enum(detectorIds)).min(1).optional(),
  mode: redactionModeSchema.default('mask'),
  modes: z.partialRecord(z.enum(detectorIds), redactionModeSchema).default({}),
  /** Key of the HMAC behind `hash`; required when any detector hashes. */
  hashKey: z.string().min(16, 'must be at least 16 characters').optional(),
});

export type RedactorOptions = z.input<typeof redactorOptionsSchema>;

export interface RedactionFinding {
  detector: DetectorId;
  start: number;
  end: number;
  value: string;
}

export interface RedactionResult {
  text: string;
  /** Where each finding was, in the original text (values omitted so results are safe to log). */
  findings: Omit<RedactionFinding, 'value'>[];
}

export interface Redactor {
  find(text: string): RedactionFinding[];
  redact(text: string): RedactionResult;
}

function mask(detector: DetectorId, value: string): string {
  const keepLast = detector === 'credit_card' || detector === 'iban' ? 4 : 0;
  let kept = 0;
  const chars = [...value];
  for (let i = chars.length - 1; i >= 0; i--) {
    const char = chars[i] as string;
    if (!/[A-Za-z0-9]/.test(char)) continue;
    if (kept < keepLast) kept++;
    else chars[i] = '*';
  }
  return chars.join('');
}

export function createRedactor(input: RedactorOptions = {}): Redactor {
  const options = parseWith(redactorOptionsSchema, input, 'redactor options');
  const active = options.detectors ? detectors.filter((detector) => options.detectors?.includes(detector.id)) : detectors;
  const modeOf = (detector: DetectorId): RedactionMode => options.modes[detector] ?? options.mode;
  if (!options.hashKey && active.some((detector) => modeOf(detector.id) === 'hash')) {
    parseWith(z.object({ hashKey: z.string({ error: 'is required when a detector uses the hash mode' }) }), {}, 'redactor options');
  }

  const find = (text: string): RedactionFinding[] => {
    const candidates: (RedactionFinding & { priority: number })[] = [];
    for (const detector of active) {
      for (const match of text.matchAll(detector.pattern)) {
        const value = match[0];
        if (detector.validate && !detector.validate(value)) continue;
        candidates.push({ detector: detector.id, start: match.index, end: match.index + value.length, value, priority: detector.priority });
      }
    }
    candidates.sort((a, b) => b.priority - a.priority || b.end - b.start - (a.end - a.start) || a.start - b.start);
    const chosen: RedactionFinding[] = [];
    for (const candidate of candidates) {
      if (chosen.some((taken) => candidate.start < taken.end && taken.start < candidate.end)) continue;
      chosen.push({ detector: candidate.detector, start: candidate.start, end: candidate.end, value: candidate.value });
    }
    return chosen.sort((a, b) => a.start - b.start);
  };

  const replacement = (finding: RedactionFinding): string => {
    switch (modeOf(finding.detector)) {
      case 'mask':
        return mask(finding.detector, finding.value);
      case 'remove':
        return '';
      case 'hash':
        return `${finding.detector}_${createHmac('sha256', options.hashKey ?? '').update(finding.value).digest('hex').slice(0, 12)}`;
    }
  };

  return {
    find,
    redact(text) {
      const findings = find(text);
      let out = '';
      let cursor = 0;
      for (const finding of findings) {
        out += text.slice(cursor, finding.start) + replacement(finding);
        cursor = finding.end;
      }
      out += text.slice(cursor);
      return { text: out, findings: findings.map(({ detector, start, end }) => ({ detector, start, end })) };
    },
  };
}
