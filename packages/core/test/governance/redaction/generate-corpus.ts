// Writes redaction-corpus.json: labelled samples for every detector plus hard negatives (shapes
// that look like personal data but are not). Deterministic; re-run with
//   node --import tsx packages/core/test/governance/redaction/generate-corpus.ts
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface CorpusSample {
  text: string;
  /** Every sensitive value in `text`, with the detector that should report it. */
  entities: { detector: string; value: string }[];
  /** Why a sample with no entities is there. */
  note?: string;
}

let state = 0xc0ffee;
const random = () => {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
const digits = (n: number) => Array.from({ length: n }, () => String(int(0, 9))).join('');
const chars = (n: number, alphabet: string) => Array.from({ length: n }, () => alphabet[int(0, alphabet.length - 1)]).join('');
const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const upperNum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function luhnDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

function card(valid = true): string {
  const [prefix, length] = pick([
    ['4', 16],
    ['51', 16],
    ['55', 16],
    ['2221', 16],
    ['34', 15],
    ['37', 15],
    ['6011', 16],
    ['3530', 16],
    ['4', 13],
  ] as const);
  const body = prefix + digits(length - prefix.length - 1);
  const check = luhnDigit(body);
  const number = body + (valid ? check : String((Number(check) + int(1, 9)) % 10));
  const style = int(0, 2);
  if (style === 0) return number;
  const sep = style === 1 ? ' ' : '-';
  if (length === 15) return [number.slice(0, 4), number.slice(4, 10), number.slice(10)].join(sep);
  return number.match(/.{1,4}/g)?.join(sep) ?? number;
}

function mod97(numeric: string): number {
  let r = 0;
  for (const c of numeric) r = (r * 10 + Number(c)) % 97;
  return r;
}
function iban(valid = true): string {
  const [country, bban] = pick([
    ['DE', () => digits(18)],
    ['GB', () => chars(4, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') + digits(14)],
    ['FR', () => digits(10) + chars(11, upperNum) + digits(2)],
    ['NL', () => chars(4, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') + digits(10)],
    ['ES', () => digits(20)],
    ['IT', () => chars(1, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') + digits(10) + chars(12, upperNum)],
    ['CH', () => digits(17)],
    ['BE', () => digits(12)],
  ] as const);
  const b = bban();
  const numeric = (b + country + '00').replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let check = 98 - mod97(numeric);
  if (!valid) check = ((check + int(1, 90)) % 97) + 2;
  const raw = country + String(check).padStart(2, '0') + b;
  return random() < 0.5 ? raw : (raw.match(/.{1,4}/g)?.join(' ') ?? raw);
}

const first = ['anna', 'li', 'mohammed', 'joão', 'sarah', 'k', 'dev.ops', 'first.last', 'm_ueller', 'team+alerts'];
const domains = ['example.com', 'mail.example.org', 'corp.co.uk', 'x.io', 'university.edu', 'startup.dev', 'sub.domain.example.net'];
const email = () => `${pick(first).replace('ã', 'a')}${random() < 0.4 ? int(1, 99) : ''}@${pick(domains)}`.replace(/^K/, 'k');
const phone = () =>
  pick([
    () => `+1 ${int(200, 989)} ${int(200, 999)} ${digits(4)}`,
    () => `(${int(200, 989)}) ${int(200, 999)}-${digits(4)}`,
    () => `${int(200, 989)}-${int(200, 999)}-${digits(4)}`,
    () => `${int(200, 989)}.${int(200, 999)}.${digits(4)}`,
    () => `+44 20 ${digits(4)} ${digits(4)}`,
    () => `+49 30 ${digits(7)}`,
    () => `+33 1 ${digits(2)} ${digits(2)} ${digits(2)} ${digits(2)}`,
    () => `+81-3-${digits(4)}-${digits(4)}`,
    () => `+61 2 ${digits(4)} ${digits(4)}`,
    () => `+1-${int(200, 989)}-${int(200, 999)}-${digits(4)}`,
  ])();
const ssn = () => `${String(int(1, 665)).padStart(3, '0')}-${String(int(1, 99)).padStart(2, '0')}-${String(int(1, 9999)).padStart(4, '0')}`;
const ipv4 = () => pick([`10.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`, `192.168.${int(0, 255)}.${int(1, 254)}`, `${int(11, 223)}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`]);
const hex4 = () => int(0, 0xffff).toString(16);
const ipv6 = () =>
  pick([
    () => Array.from({ length: 8 }, hex4).join(':'),
    () => `2001:db8::${hex4()}`,
    () => `fe80::${hex4()}:${hex4()}:${hex4()}:${hex4()}`,
    () => `2001:db8:${hex4()}:${hex4()}::${hex4()}`,
    () => '::1',
    () => `2a00:1450:4001:${hex4()}::200e`,
  ])();
const b64url = (n: number) => chars(n, `${alnum}-_`);
const apiKey = () =>
  pick([
    () => `sk-${chars(48, alnum)}`,
    () => `sk-proj-${chars(20, alnum)}${int(0, 9)}${b64url(40)}`,
    () => `sk_live_${chars(24, alnum)}${int(0, 9)}`,
    () => `sk_test_${chars(24, alnum)}${int(0, 9)}`,
    () => `xoxb-${digits(11)}-${digits(12)}-${chars(24, alnum)}`,
    () => `AIza${b64url(35)}`,
  ])();
const awsKey = () => `${pick(['AKIA', 'ASIA'])}${chars(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`;
const githubToken = () => pick([() => `ghp_${chars(36, alnum)}`, () => `gho_${chars(36, alnum)}`, () => `github_pat_${chars(22, alnum)}_${chars(59, alnum)}`])();
const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = () => {
  return `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc({ sub: String(int(1, 99999)), iat: 1700000000 + int(0, 1e6) })}.${b64url(43)}`;
};
const privateKey = () => {
  const kind = pick(['RSA ', 'EC ', 'OPENSSH ', '']);
  const body = Array.from({ length: 3 }, () => chars(64, `${alnum}+/`)).join('\n');
  return `-----BEGIN ${kind}PRIVATE KEY-----\n${body}\n-----END ${kind}PRIVATE KEY-----`;
};

const templates: Record<string, { make: () => string; sentences: string[] }> = {
  email: { make: email, sentences: ['Please reply to {} by Friday.', 'Contact: {}', 'cc {}, thanks!', '<{}> wrote:', 'user={}&next=/home'] },
  phone: { make: phone, sentences: ['Call me at {} tomorrow.', 'Phone: {}', 'Support line {} (24/7).', 'mobile {}, office closed'] },
  credit_card: { make: () => card(true), sentences: ['Card number {} exp 09/27', 'charged to {}.', 'pan={}', 'Please use card {} for the renewal'] },
  iban: { make: () => iban(true), sentences: ['IBAN: {}', 'Transfer to {} by Monday.', 'account {} (BIC DEUTDEFF)', 'Pay the invoice to {}'] },
  us_ssn: { make: ssn, sentences: ['SSN {} on file', 'social security number: {}', 'ssn={}', 'Employee {} onboarding'] },
  ipv4: { make: ipv4, sentences: ['Request from {} blocked.', 'host={}', 'ssh admin@{}', 'GET / 200 {} 12ms'] },
  ipv6: { make: ipv6, sentences: ['client {} connected', 'addr=[{}]:443', 'Listening on {}', 'AAAA record {}.'] },
  api_key: { make: apiKey, sentences: ['OPENAI_API_KEY={}', 'Authorization: Bearer {}', 'use key "{}" for staging', 'token: {}'] },
  aws_access_key: { make: awsKey, sentences: ['aws_access_key_id = {}', 'AWS key {} leaked', 'export AWS_ACCESS_KEY_ID={}'] },
  github_token: { make: githubToken, sentences: ['GITHUB_TOKEN={}', 'git clone https://{}@github.com/acme/app', 'pat: {}'] },
  jwt: { make: jwt, sentences: ['Authorization: Bearer {}', 'cookie session={}; Path=/', 'id_token "{}"'] },
  private_key: { make: privateKey, sentences: ['key file:\n{}\n', '{}', 'deploy key below\n{}'] },
};

const samples: CorpusSample[] = [];
for (const [detector, { make, sentences }] of Object.entries(templates)) {
  for (let i = 0; i < 40; i++) {
    const value = make();
    samples.push({ text: pick(sentences).replace('{}', value), entities: [{ detector, value }] });
  }
}
// Mixed samples: several entities of different kinds in one text.
for (let i = 0; i < 40; i++) {
  const a = email();
  const b = phone();
  const c = pick([() => ({ detector: 'credit_card', value: card(true) }), () => ({ detector: 'iban', value: iban(true) }), () => ({ detector: 'ipv4', value: ipv4() })])();
  samples.push({ text: `From ${a} (tel ${b}); ref ${c.value}.`, entities: [{ detector: 'email', value: a }, { detector: 'phone', value: b }, c] });
}

const negatives: [string, () => string][] = [
  ['order number', () => `Order ORD-${int(2019, 2025)}-${digits(6)} shipped`],
  ['order number', () => `order #${digits(9)} confirmed`],
  ['date', () => `due ${int(2019, 2026)}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}`],
  ['date', () => `on ${String(int(1, 28)).padStart(2, '0')}/${String(int(1, 12)).padStart(2, '0')}/${int(2000, 2030)}`],
  ['date', () => `${String(int(1, 28)).padStart(2, '0')}.${String(int(1, 12)).padStart(2, '0')}.${int(2000, 2030)}`],
  ['timestamp', () => `at ${int(2019, 2026)}-0${int(1, 9)}-1${int(0, 9)}T${String(int(0, 23)).padStart(2, '0')}:${int(10, 59)}:${int(10, 59)}.${digits(3)}Z`],
  ['timestamp', () => `ts=${int(1600000000, 1799999999)}${digits(3)}`],
  ['time', () => `meeting ${int(10, 23)}:${int(10, 59)}:${int(10, 59)} CET`],
  ['version', () => `upgrade to v${int(1, 20)}.${int(0, 30)}.${int(0, 99)}`],
  ['version', () => `node ${int(18, 24)}.${int(0, 20)}.${int(0, 9)} and npm ${int(8, 11)}.${int(0, 9)}.${int(0, 9)}`],
  ['version', () => `release ${int(1, 9)}.${int(0, 9)}.${int(0, 9)}-beta.${int(1, 9)}`],
  ['invalid Luhn', () => `number ${card(false)}`],
  ['invalid IBAN checksum', () => `IBAN ${iban(false)}`],
  ['uuid', () => `id ${[8, 4, 4, 4, 12].map((n) => chars(n, '0123456789abcdef')).join('-')}`],
  ['git sha', () => `commit ${chars(40, '0123456789abcdef')}`],
  ['amount', () => `total $${int(1, 999)},${digits(3)},${digits(3)}.${digits(2)}`],
  ['ISBN', () => `ISBN 978-${int(0, 9)}-${digits(2)}-${digits(6)}-${int(0, 9)}`],
  ['invalid SSN', () => `ref 000-${digits(2)}-${digits(4)}`],
  ['invalid SSN', () => `case 9${digits(2)}-${digits(2)}-${digits(4)}`],
  ['ZIP+4', () => `ZIP ${digits(5)}-${digits(4)}`],
  ['short sk- word', () => `we use scikit-learn (sk-learn) and sk-${chars(6, 'abcdef')}`],
  ['prose', () => `The quick brown fox jumps over ${int(2, 99)} lazy dogs.`],
  ['not an email', () => `ping @${pick(first)} on slack, or see docs/${pick(first)}@v2`],
  ['out-of-range IPv4', () => `value ${int(256, 999)}.${int(0, 255)}.${int(0, 255)}.${int(0, 255)}`],
  ['section numbers', () => `see section ${int(1, 9)}.${int(1, 9)}.${int(1, 9)}`],
  ['hex color', () => `color #${chars(6, '0123456789abcdef')}`],
  ['tracking number', () => `tracking 1Z${chars(6, upperNum)}${digits(10)}`],
  ['product code', () => `SKU AB${digits(2)}-${digits(4)}-${digits(4)}`],
  ['AKIA short', () => `AKIA${chars(8, upperNum)} is too short`],
  ['MAC address', () => `mac ${Array.from({ length: 6 }, () => chars(2, '0123456789abcdef')).join(':')}`],
];
for (let i = 0; i < 180; i++) {
  const [note, make] = negatives[i % negatives.length] as [string, () => string];
  samples.push({ text: make(), entities: [], note });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const target = fileURLToPath(new URL('./redaction-corpus.json', import.meta.url));
  writeFileSync(target, `${JSON.stringify(samples, null, 1)}\n`);
  console.log(`wrote ${samples.length} samples to ${target}`);
}
