// Detectors of personal data and secrets. Each pairs a candidate regex with a validator, so shapes
// that merely look similar (order numbers, dates, versions, bad checksums) are not reported.
import { isIPv6 } from 'node:net';
import { isValidIban, passesLuhn } from './checksums.js';

export const detectorIds = [
  'email',
  'phone',
  'credit_card',
  'iban',
  'us_ssn',
  'ipv4',
  'ipv6',
  'api_key',
  'aws_access_key',
  'github_token',
  'jwt',
  'private_key',
] as const;

export type DetectorId = (typeof detectorIds)[number];

export interface Detector {
  id: DetectorId;
  /** Global regex yielding candidates. */
  pattern: RegExp;
  validate?: (match: string) => boolean;
  /** Higher wins when two detectors claim overlapping text (a key inside a JWT, an IPv4 inside IPv6). */
  priority: number;
}

const digitsOnly = (value: string) => value.replace(/\D/g, '');

// Issuer prefixes of the card networks in use (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay).
const cardPrefix = /^(?:4|5[1-5]|2(?:2[2-9]|[3-6]\d|7[01]|720)|3[47]|6011|64[4-9]|65|35(?:2[89]|[3-8]\d)|3(?:0[0-5]|[68])|62)/;

function isCardNumber(match: string): boolean {
  const digits = digitsOnly(match);
  if (digits.length < 13 || digits.length > 19) return false;
  // Separators, when used, must be consistent: all spaces or all dashes.
  if (/ /.test(match) && /-/.test(match)) return false;
  return cardPrefix.test(digits) && passesLuhn(digits);
}

function isPhoneNumber(match: string): boolean {
  const digits = digitsOnly(match);
  if (match.startsWith('+')) return digits.length >= 8 && digits.length <= 15;
  // Without a country code, only the North American 3-3-4 shape is taken (area code can't start with 0/1).
  return digits.length === 10 && /^[2-9]/.test(digits);
}

function isSsn(match: string): boolean {
  const [area, group, serial] = match.split('-');
  if (!area || !group || !serial) return false;
  return area !== '000' && area !== '666' && !area.startsWith('9') && group !== '00' && serial !== '0000';
}

export const detectors: readonly Detector[] = [
  {
    id: 'private_key',
    pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----/g,
    priority: 100,
  },
  { id: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}/g, priority: 90 },
  { id: 'github_token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{40,255})\b/g, priority: 80 },
  { id: 'aws_access_key', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g, priority: 80 },
  {
    id: 'api_key',
    // OpenAI/Anthropic-style sk-…, Stripe sk_/rk_/pk_live|test, Slack xox?-, Google AIza….
    pattern:
      /(?<![A-Za-z0-9_-])(?:sk-(?:[A-Za-z0-9]+-)*[A-Za-z0-9_-]{20,}|(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|xox[abprs]-[A-Za-z0-9-]{10,}|AIza[A-Za-z0-9_-]{35})(?![A-Za-z0-9_-])/g,
    validate: (match) => /\d/.test(match) && /[A-Za-z]/.test(match.slice(3)),
    priority: 70,
  },
  {
    id: 'email',
    pattern: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-])/g,
    validate: (match) => !match.split('@')[0]?.includes('..'),
    priority: 60,
  },
  { id: 'iban', pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g, validate: isValidIban, priority: 55 },
  { id: 'credit_card', pattern: /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g, validate: isCardNumber, priority: 50 },
  {
    id: 'ipv6',
    pattern: /(?<![A-Za-z0-9:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{0,4}|\d{1,3}(?:\.\d{1,3}){3})(?![A-Za-z0-9:]|\.\d)/g,
    validate: (match) => /[0-9A-Fa-f]/.test(match) && isIPv6(match),
    priority: 45,
  },
  { id: 'us_ssn', pattern: /(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])/g, validate: isSsn, priority: 40 },
  {
    id: 'phone',
    pattern: /(?<![\w+.-])(?:\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{2,4}){1,4}|\(\d{3}\) ?\d{3}[ .-]\d{4}|\d{3}[.-]\d{3}[.-]\d{4})(?![\w-]|\.\d)/g,
    validate: isPhoneNumber,
    priority: 30,
  },
  {
    id: 'ipv4',
    pattern: /(?<![\w.-])(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}(?![\w-]|\.\d)/g,
    priority: 20,
  },
];
