// Where the CLI's engine options come from: an optional config file (auterity.config.json, .js,
// .mjs or .cjs in the working directory, or --config <file>), then the AUTERITY_* environment
// variables, which win so the same file can serve several deployments. createAuterity validates
// the result and names any bad option.
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AuterityOptions } from '@auterity/core';
import { UsageError } from './usage-error.js';

const CONFIG_FILES = ['auterity.config.json', 'auterity.config.js', 'auterity.config.mjs', 'auterity.config.cjs'];

const ENV_OPTIONS = {
  AUTERITY_DATABASE_URL: 'database',
  AUTERITY_REDIS_URL: 'redis',
  AUTERITY_SECRET: 'secret',
} as const;

async function readConfigFile(file: string): Promise<Record<string, unknown>> {
  if (file.endsWith('.json')) {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new UsageError(`config file ${file} is not valid JSON: ${(error as Error).message}`);
    }
  }
  const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  const value = module.default ?? module;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`config file ${file} must export an options object as its default export`);
  }
  return value as Record<string, unknown>;
}

/** The secret kept beside an SQLite database file when none is configured. */
export const SECRET_FILE = 'auterity.secret';

/**
 * The engine secret of an SQLite file database with none configured: made once (32 random bytes)
 * and kept beside the database, readable by its owner only, so every later command and server on
 * that database signs and verifies invitation tokens alike. Created by linking a complete file into
 * place, so processes starting together agree on one.
 */
function embeddedSecret(databaseFile: string): { secret: string; file: string } {
  const dir = path.dirname(databaseFile);
  const file = path.join(dir, SECRET_FILE);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const draft = path.join(dir, `.${SECRET_FILE}.${process.pid}.${randomBytes(6).toString('hex')}`);
    writeFileSync(draft, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
    try {
      linkSync(draft, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(draft);
    }
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < 32) throw new UsageError(`${file}: expected a secret of at least 32 characters; delete the file to make a new one, or set AUTERITY_SECRET`);
  return { secret, file };
}

export interface LoadedOptions {
  options: AuterityOptions;
  /** Where each option came from, e.g. `{ database: 'AUTERITY_DATABASE_URL' }`, to point errors at it. */
  sources: Record<string, string>;
}

export async function loadEngineOptions(
  cwd: string,
  env: Record<string, string | undefined>,
  configPath: string | undefined,
): Promise<LoadedOptions> {
  let file: string | undefined;
  if (configPath !== undefined) {
    file = path.resolve(cwd, configPath);
    if (!existsSync(file)) throw new UsageError(`--config: no file at ${file}`);
  } else {
    file = CONFIG_FILES.map((name) => path.join(cwd, name)).find((candidate) => existsSync(candidate));
  }
  const options: Record<string, unknown> = file ? await readConfigFile(file) : {};
  const sources: Record<string, string> = Object.fromEntries(Object.keys(options).map((key) => [key, path.basename(file ?? '')]));
  for (const [variable, option] of Object.entries(ENV_OPTIONS)) {
    const value = env[variable];
    if (value !== undefined && value !== '') {
      options[option] = value;
      sources[option] = variable;
    }
  }
  // SQLite paths in a config file or the environment are relative to the working directory.
  if (options.database === undefined) options.database = `sqlite:${path.join(cwd, '.auterity', 'auterity.db')}`;
  else if (typeof options.database === 'string' && options.database.startsWith('sqlite:') && options.database !== 'sqlite::memory:') {
    options.database = `sqlite:${path.resolve(cwd, options.database.slice('sqlite:'.length))}`;
  }
  // An embedded database keeps its own secret (a server database needs AUTERITY_SECRET); one in
  // memory lasts as long as the process, and so does its secret.
  if (options.secret === undefined && typeof options.database === 'string' && options.database.startsWith('sqlite:')) {
    if (options.database === 'sqlite::memory:') {
      options.secret = randomBytes(32).toString('base64url');
    } else {
      const { secret, file: secretFile } = embeddedSecret(options.database.slice('sqlite:'.length));
      options.secret = secret;
      sources.secret = secretFile;
    }
  }
  return { options: options as AuterityOptions, sources };
}
