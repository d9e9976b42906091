// `auterity <command>`: finds the command, validates its arguments (every mistake is a usage error
// naming the argument and what was expected), runs it against an engine built from the config file
// and environment, and turns failures into messages and exit codes (2: usage, 1: failure).
import { parseArgs } from 'node:util';
import { createAuterity, isAuterityError, type Auterity } from '@auterity/core';
import { commands, type Command } from './commands.js';
import { loadEngineOptions } from './config.js';
import { UsageError } from './usage-error.js';

export interface CliIo {
  stdout(line: string): void;
  stderr(line: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
}

const defaultIo = (): CliIo => ({
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  cwd: process.cwd(),
});

function helpText(): string {
  const width = Math.max(...commands.map((command) => command.usage.length));
  return [
    'Usage: auterity <command> [options]',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.usage.padEnd(width)}  ${command.summary}`),
    '',
    'Global options:',
    '  --config <file>  options file (default: auterity.config.{json,js,mjs,cjs} in the working directory)',
    '  --help           show help',
    '',
    'Environment: AUTERITY_DATABASE_URL (sqlite:<path> or postgres://...), AUTERITY_REDIS_URL, AUTERITY_SECRET',
  ].join('\n');
}

function commandHelp(command: Command): string {
  const options = Object.entries(command.options).map(([name, option]) => `  --${name}${option.type === 'string' ? ' <value>' : ''}  ${option.description}`);
  return [`Usage: ${command.usage}`, '', command.summary, ...(options.length ? ['', 'Options:', ...options] : [])].join('\n');
}

function findCommand(argv: string[]): { command: Command; rest: string[] } {
  const words = argv.filter((arg) => !arg.startsWith('-'));
  for (const command of commands) {
    if (command.path.every((word, index) => words[index] === word)) {
      const rest = [...argv];
      for (const word of command.path) rest.splice(rest.indexOf(word), 1);
      return { command, rest };
    }
  }
  const group = commands.filter((command) => command.path.length > 1 && command.path[0] === words[0]);
  if (group.length) {
    const expected = group.map((command) => `"${command.path.join(' ')}"`).join(', ');
    throw new UsageError(`unknown command "${words.slice(0, 2).join(' ')}": expected ${expected}`, helpText());
  }
  const names = commands.map((command) => `"${command.path.join(' ')}"`).join(', ');
  throw new UsageError(words[0] ? `unknown command "${words[0]}": expected one of ${names}` : `missing command: expected one of ${names}`, helpText());
}

function parseCommandArgs(command: Command, rest: string[]) {
  const options = {
    ...Object.fromEntries(Object.entries(command.options).map(([name, option]) => [name, { type: option.type }])),
    config: { type: 'string' as const },
    help: { type: 'boolean' as const },
  };
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${command.path.join(' ')}: ${(error as Error).message}`, commandHelp(command));
  }
  const { positionals, values } = parsed;
  if (values.help) return { help: true as const };
  if (positionals.length < command.positionals.length) {
    const missing = command.positionals.slice(positionals.length).map((name) => `<${name}>`).join(' ');
    throw new UsageError(`${command.path.join(' ')}: missing argument ${missing}`, commandHelp(command));
  }
  if (positionals.length > command.positionals.length) {
    throw new UsageError(`${command.path.join(' ')}: unexpected argument "${positionals[command.positionals.length]}"`, commandHelp(command));
  }
  for (const [name, value] of Object.entries(values)) {
    if (value === '') throw new UsageError(`--${name}: expected a value, got an empty string`, commandHelp(command));
  }
  return { help: false as const, positionals, values: values as Record<string, string | boolean | undefined> };
}

/** Runs the CLI with `argv` (without `node` and the script) and resolves to the exit code. */
export async function runCli(argv: string[], io: Partial<CliIo> = {}): Promise<number> {
  const { stdout, stderr, env, cwd } = { ...defaultIo(), ...io };
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    (argv.length === 0 ? stderr : stdout)(helpText());
    return argv.length === 0 ? 2 : 0;
  }
  let engine: Auterity | undefined;
  let command: Command | undefined;
  let sources: Record<string, string> = {};
  try {
    const found = findCommand(argv);
    command = found.command;
    const rest = found.rest;
    const args = parseCommandArgs(command, rest);
    if (args.help) {
      stdout(commandHelp(command));
      return 0;
    }
    const configPath = typeof args.values.config === 'string' ? args.values.config : undefined;
    const loaded = await loadEngineOptions(cwd, env, configPath);
    sources = loaded.sources;
    engine = createAuterity(loaded.options);
    await command.run({ engine, options: loaded.options, positionals: args.positionals, values: args.values, print: stdout, warn: stderr });
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      stderr(`auterity: ${error.message}`);
      stderr(`\n${error.usage ?? (command ? commandHelp(command) : helpText())}`);
      return 2;
    }
    if (isAuterityError(error)) {
      stderr(`auterity: ${error.message}`);
      for (const issue of error.issues) {
        const source = sources[issue.path.replace(/^options\./, '')];
        const line = `${issue.path}: ${issue.message}`;
        if (source) stderr(`  - ${line} (set by ${source})`);
        else if (!error.message.includes(line)) stderr(`  - ${line}`);
      }
      return error.code === 'invalid_options' || error.code === 'invalid_input' ? 2 : 1;
    }
    stderr(`auterity: ${(error as Error)?.stack ?? String(error)}`);
    return 1;
  } finally {
    await engine?.close();
  }
}
