// createAuterity() options: the public shape, the zod schema that validates them, and the resolved
// form the engine runs on. A bad option stops start-up with an error naming it and what was expected.
import path from 'node:path';
import { z } from 'zod';
import { AuterityError, type AuterityIssue } from '../errors.js';
import type { DatabaseConfig } from '../storage/dialect.js';
import { silentLogger, type Logger } from './logger.js';

export interface AuterityOptions {
  /**
   * Where data lives: `"sqlite:<path>"`, `"sqlite::memory:"`, `"postgres://…"` / `"postgresql://…"`,
   * or an object. Default: `AUTERITY_DATABASE_URL`, else `"sqlite:./.auterity/auterity.db"`.
   */
  database?:
    | string
    | { dialect: 'sqlite'; filename: string }
    | { dialect: 'postgres'; connectionString: string; pool?: { max?: number } };
  /** `redis://` or `rediss://` URL. Default: `AUTERITY_REDIS_URL`. Optional. */
  redis?: string;
  /** At least 32 characters; signs tokens. Default: `AUTERITY_SECRET`. */
  secret?: string;
  /** Run pending migrations before the first operation. Default: true. */
  migrate?: boolean;
  logger?: Logger;
}

export interface ResolvedOptions {
  database: DatabaseConfig;
  redis: string | undefined;
  secret: string | undefined;
  migrate: boolean;
  logger: Logger;
}

export const DEFAULT_DATABASE_URL = 'sqlite:./.auterity/auterity.db';
const OPTION_NAMES = ['database', 'redis', 'secret', 'migrate', 'logger'] as const;
const ENV_DEFAULTS = { database: 'AUTERITY_DATABASE_URL', redis: 'AUTERITY_REDIS_URL', secret: 'AUTERITY_SECRET' } as const;
const DATABASE_FORMS = 'expected "sqlite:<path>", "sqlite::memory:" or a "postgres://" URL';
const LOGGER_METHODS = ['debug', 'info', 'warn', 'error'] as const;

/** Hides the password of a URL before it goes into an error message. */
function redactUrl(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, '$1***@');
}

/** A short description of what was given, safe to print (no passwords, no long strings). */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const shown = redactUrl(value);
    return JSON.stringify(shown.length > 80 ? `${shown.slice(0, 77)}...` : shown);
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'undefined') return 'undefined';
  return `${typeof value} ${String(value)}`;
}

function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value) && URL.canParse(value);
}

function sqliteFilename(value: string): string | undefined {
  if (!value.toLowerCase().startsWith('sqlite:')) return undefined;
  let rest = value.slice('sqlite:'.length);
  if (rest === ':memory:') return rest;
  if (rest.startsWith('//')) rest = rest.slice(2); // sqlite:///abs/path
  return rest === '' ? undefined : rest;
}

const postgresUrl = z.string().refine(isPostgresUrl, {
  error: (issue) => `expected a "postgres://" or "postgresql://" URL, got ${describeValue(issue.input)}`,
});

const sqliteObject = z.strictObject({
  dialect: z.literal('sqlite'),
  filename: z.string({ error: (issue) => `expected a file path or ":memory:", got ${describeValue(issue.input)}` })
    .min(1, { error: 'expected a file path or ":memory:", got an empty string' }),
});

const postgresObject = z.strictObject({
  dialect: z.literal('postgres'),
  connectionString: postgresUrl,
  pool: z
    .strictObject({
      max: z
        .number({ error: (issue) => `expected an integer from 1 to 1000, got ${describeValue(issue.input)}` })
        .int({ error: (issue) => `expected an integer from 1 to 1000, got ${describeValue(issue.input)}` })
        .min(1, { error: (issue) => `expected an integer from 1 to 1000, got ${describeValue(issue.input)}` })
        .max(1000, { error: (issue) => `expected an integer from 1 to 1000, got ${describeValue(issue.input)}` })
        .optional(),
    })
    .optional(),
});

const databaseSchema = z.unknown().transform((value, ctx): DatabaseConfig => {
  if (typeof value === 'string') {
    const filename = sqliteFilename(value);
    if (filename !== undefined) return { dialect: 'sqlite', filename: filename === ':memory:' ? filename : path.resolve(filename) };
    if (isPostgresUrl(value)) return { dialect: 'postgres', connectionString: value };
    ctx.addIssue({ code: 'custom', message: `${DATABASE_FORMS}, got ${describeValue(value)}` });
    return z.NEVER;
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const dialect = (value as { dialect?: unknown }).dialect;
    const schema = dialect === 'sqlite' ? sqliteObject : dialect === 'postgres' ? postgresObject : undefined;
    if (!schema) {
      ctx.addIssue({ code: 'custom', path: ['dialect'], message: `expected "sqlite" or "postgres", got ${describeValue(dialect)}` });
      return z.NEVER;
    }
    const result = schema.safeParse(value);
    if (!result.success) {
      for (const issue of result.error.issues) {
        if (issue.code === 'unrecognized_keys') {
          for (const key of issue.keys) ctx.addIssue({ code: 'custom', path: [...issue.path, key], message: 'unknown option' });
        } else {
          ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
        }
      }
      return z.NEVER;
    }
    const config = result.data;
    if (config.dialect === 'sqlite') {
      return { dialect: 'sqlite', filename: config.filename === ':memory:' ? config.filename : path.resolve(config.filename) };
    }
    return { dialect: 'postgres', connectionString: config.connectionString, ...(config.pool && { pool: config.pool }) };
  }
  ctx.addIssue({ code: 'custom', message: `${DATABASE_FORMS} or a { dialect, … } object, got ${describeValue(value)}` });
  return z.NEVER;
});

const redisSchema = z.unknown().transform((value, ctx): string => {
  if (typeof value === 'string' && /^rediss?:\/\//i.test(value) && URL.canParse(value)) return value;
  ctx.addIssue({ code: 'custom', message: `expected a "redis://" or "rediss://" URL, got ${describeValue(value)}` });
  return z.NEVER;
});

const secretSchema = z.unknown().transform((value, ctx): string => {
  if (typeof value === 'string' && value.length >= 32) return value;
  // Never echo a secret, not even a short one.
  const got = typeof value === 'string' ? `${value.length} character${value.length === 1 ? '' : 's'}` : describeValue(value);
  ctx.addIssue({ code: 'custom', message: `expected a string of at least 32 characters, got ${got}` });
  return z.NEVER;
});

const migrateSchema = z.boolean({ error: (issue) => `expected true or false, got ${describeValue(issue.input)}` });

const loggerSchema = z.unknown().transform((value, ctx): Logger => {
  const expected = 'expected an object with debug, info, warn and error functions (console works)';
  if (typeof value !== 'object' || value === null) {
    ctx.addIssue({ code: 'custom', message: `${expected}, got ${describeValue(value)}` });
    return z.NEVER;
  }
  const missing = LOGGER_METHODS.filter((name) => typeof (value as Record<string, unknown>)[name] !== 'function');
  if (missing.length > 0) {
    ctx.addIssue({ code: 'custom', message: `${expected}; missing ${missing.join(', ')}` });
    return z.NEVER;
  }
  return value as Logger;
});

const optionsSchema = z.strictObject({
  database: databaseSchema,
  redis: redisSchema.optional(),
  secret: secretSchema.optional(),
  migrate: migrateSchema.optional(),
  logger: loggerSchema.optional(),
});

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

function unknownOptionMessage(key: string): string {
  const close = OPTION_NAMES.find((name) => editDistance(name.toLowerCase(), key.toLowerCase()) <= 2);
  return `unknown option${close ? ` (did you mean "${close}"?)` : ''}; expected one of ${OPTION_NAMES.join(', ')}`;
}

/** Validates options (filling defaults from `env`) or throws AuterityError('invalid_options'). */
export function resolveOptions(options: unknown, env: Record<string, string | undefined> = process.env): ResolvedOptions {
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    throw invalidOptions([{ path: 'options', message: `expected an options object, got ${describeValue(options)}` }]);
  }
  const input: Record<string, unknown> = { ...(options as Record<string, unknown> | undefined) };
  const fromEnv = new Map<string, string>();
  for (const [option, variable] of Object.entries(ENV_DEFAULTS)) {
    const value = env[variable];
    if (input[option] === undefined && value !== undefined && value !== '') {
      input[option] = value;
      fromEnv.set(option, variable);
    }
  }
  if (input.database === undefined) input.database = DEFAULT_DATABASE_URL;

  const result = optionsSchema.safeParse(input);
  if (!result.success) {
    const issues: AuterityIssue[] = [];
    for (const issue of result.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) issues.push({ path: `options.${key}`, message: unknownOptionMessage(key) });
        continue;
      }
      const [option] = issue.path;
      const variable = typeof option === 'string' ? fromEnv.get(option) : undefined;
      issues.push({
        path: ['options', ...issue.path.map(String)].join('.'),
        message: variable ? `${issue.message} (from ${variable})` : issue.message,
      });
    }
    throw invalidOptions(issues);
  }
  const data = result.data;
  return {
    database: data.database,
    redis: data.redis,
    secret: data.secret,
    migrate: data.migrate ?? true,
    logger: data.logger ?? silentLogger,
  };
}

function invalidOptions(issues: AuterityIssue[]): AuterityError {
  const lines = issues.map((issue) => `${issue.path}: ${issue.message}`);
  const message = issues.length === 1 ? `Invalid Auterity option ${lines[0]}` : `Invalid Auterity options:\n  ${lines.join('\n  ')}`;
  return new AuterityError('invalid_options', message, { issues });
}
