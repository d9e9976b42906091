// A CommonJS consumer (node16 resolution): `require` gets the CJS build and its own declarations.
import core = require('@auterity/core');
import client = require('@auterity/core/client');
import adapters = require('@auterity/server-adapters');

const engine: core.Auterity = core.createAuterity({ database: 'sqlite::memory:' });
export const closing: Promise<void> = engine.close();
export const isError: boolean = core.isAuterityError(new core.AuterityError('conflict', 'x'));
export const isEnvelope: boolean = client.isErrorEnvelope({ error: { code: 'x', message: 'y' } });
export const exitCode: Promise<number> = adapters.runCli(['--help'], { stdout: () => undefined });
