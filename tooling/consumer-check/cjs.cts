// A CommonJS consumer (node16 resolution): `require` gets the CJS build and its own declarations.
import core = require('@auterity/core');
import client = require('@auterity/core/client');
import adapters = require('@auterity/server-adapters');

const engine: core.Auterity = core.createAuterity({ database: 'sqlite::memory:' });
export const closing: Promise<void> = engine.close();
export const isError: boolean = core.isAuterityError(new core.AuterityError('conflict', 'x'));
export const isEnvelope: boolean = client.isErrorEnvelope({ error: { code: 'x', message: 'y' } });
export const exitCode: Promise<number> = adapters.runCli(['--help'], { stdout: () => undefined });

import themes = require('@auterity/themes');
import themeSchema = require('@auterity/themes/schema');

export const darkCss: string = themes.toCssVariables(themes.createTheme({ brand: '#0f766e', mode: 'light' }));
export const safe = themeSchema.safeParseTheme({});

import node = require('@auterity/server-adapters/node');
import react = require('@auterity/react');
import dataTable = require('@auterity/react/data-table');
import locales = require('@auterity/react/locales');

export const nodeHandler = node.toNodeHandler(adapters.createHandler(engine));
export const provider = react.AuterityProvider;
export const table = dataTable.DataTable;
export const german: Partial<react.Messages> = locales.messagesFor('de');
