import { describe, expect, it } from 'vitest';
import { isAuterityError } from '../../../src/errors.js';
import { createRedactor } from '../../../src/governance/redaction/index.js';

const text = 'Mail anna@example.com, card 4111 1111 1111 1111, key sk-proj-abc123DEF456ghi789JKL012mno.';

describe('redactor', () => {
  it('masks by default, keeping separators and a card’s last four digits', () => {
    const result = createRedactor().redact(text);
    expect(result.text).toBe('Mail ****@*******.***, card **** **** **** 1111, key **-****-***************************.');
    expect(result.findings.map((finding) => finding.detector)).toEqual(['email', 'credit_card', 'api_key']);
    expect(JSON.stringify(result.findings)).not.toContain('anna');
  });

  it('hashes to stable pseudonyms and removes per detector', () => {
    const redactor = createRedactor({ mode: 'hash', modes: { api_key: 'remove' }, hashKey: 'a-secret-of-16+chars' });
    const once = redactor.redact(text).text;
    expect(once).toMatch(/^Mail email_[0-9a-f]{12}, card credit_card_[0-9a-f]{12}, key \.$/);
    expect(redactor.redact(text).text).toBe(once);
    expect(createRedactor({ mode: 'hash', hashKey: 'another-key-16-chars' }).redact(text).text).not.toBe(once);
  });

  it('runs only the chosen detectors and resolves overlaps by priority', () => {
    expect(createRedactor({ detectors: ['email'] }).find(text).map((f) => f.detector)).toEqual(['email']);
    const mapped = createRedactor().find('peer ::ffff:192.168.1.20 up');
    expect(mapped.map((f) => [f.detector, f.value])).toEqual([['ipv6', '::ffff:192.168.1.20']]);
  });

  it('rejects bad options naming the field', () => {
    const error = (() => {
      try {
        createRedactor({ mode: 'hash' });
      } catch (caught) {
        return caught;
      }
    })();
    expect(isAuterityError(error, 'invalid_input') && error.issues[0]?.path).toBe('hashKey');
    expect(() => createRedactor({ detectors: ['passport' as 'email'] })).toThrow(/detectors\[0\]/);
  });
});
