// `auterity serve` as a user runs it: a child process on the embedded SQLite default, keys from
// `key create`, stopped with SIGTERM.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from '@auterity/core/client';
import { createTestDatabase } from '@auterity/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/index.js';

const root = path.resolve(import.meta.dirname, '../../..');
const tsx = createRequire(path.join(root, 'package.json')).resolve('tsx');

async function cli(argv: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { stdout: (line) => out.push(line), stderr: (line) => err.push(line), env: {}, cwd });
  return { code, out, err: err.join('\n') };
}

describe('auterity serve', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'auterity-serve-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('rejects a bad port as a usage error', async () => {
    const result = await cli(['serve', '--port', 'http'], dir);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/--port: expected a port number/);
  });

  it('serves the API on the embedded default with keys from "key create", until SIGTERM', async () => {
    expect((await cli(['tenant', 'create', 'acme'], dir)).code).toBe(0);
    const key = (await cli(['key', 'create', 'acme', '--scopes', 'members:read'], dir)).out.at(-1)!;
    const admin = (await cli(['key', 'create', 'acme'], dir)).out.at(-1)!;

    const serve = await startServe(dir, {});
    const base = serve.base;
    try {
      expect((await fetch(`${base}/v1/health`)).status).toBe(200);
      expect(serve.stderr()).not.toMatch(/no secret/);
      expect((await fetch(`${base}/v1/members`)).status).toBe(401);
      const members = await fetch(`${base}/v1/members`, { headers: { authorization: `Bearer ${key}` } });
      expect(members.status).toBe(200);
      expect(await members.json()).toEqual({ data: [] });
      const forbidden = await fetch(`${base}/v1/api-keys`, { headers: { authorization: `Bearer ${key}` } });
      expect(forbidden.status).toBe(403);

      // Invitations are signed with the database's own secret: no configuration needed.
      const invited = await fetch(`${base}/v1/invitations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'ada@example.com', roles: ['viewer'] }),
      });
      expect(invited.status).toBe(201);
      expect(await invited.json()).toMatchObject({ invitation: { email: 'ada@example.com' }, token: expect.stringMatching(/^[\w-]+\.[\w-]+$/) });

      // The executor runs in the server: a started run completes without anything else.
      const client = createClient({ baseUrl: base, getToken: () => admin });
      const workflow = await client.workflows.create({ name: 'echo', steps: [{ id: 'echo', action: 'transform', input: { expression: 'input' } }] });
      const run = await client.workflows.start(workflow.id, { input: { hello: 'world' } });
      const types: string[] = [];
      for await (const event of client.runs.events(run.id, { reconnect: false })) types.push(event.event);
      expect(types.at(-1)).toBe('run.completed');
      expect(await client.runs.get(run.id)).toMatchObject({ status: 'succeeded', output: { echo: { hello: 'world' } } });

      // AI with no configuration: the offline model answers an OpenAI-style request.
      const completion = await fetch(`${base}/v1/ai/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'offline', messages: [{ role: 'user', content: 'Hello from serve' }] }),
      });
      expect(completion.status).toBe(200);
      expect(completion.headers.get('x-auterity-model')).toBe('offline');
      expect(await completion.json()).toMatchObject({ object: 'chat.completion', model: 'offline', choices: [{ message: { role: 'assistant', content: expect.any(String) } }] });
      expect((await client.ai.models()).map((model) => model.id)).toContain('offline');
    } finally {
      serve.stop();
    }
    expect(await serve.exited).toBe(0);
    expect(serve.stdout()).toMatch(/Received SIGTERM, shutting down\./);
  });

  it('warns, on a server database with no secret, that invitations cannot work', async () => {
    const db = await createTestDatabase('postgres');
    try {
      const serve = await startServe(dir, { AUTERITY_DATABASE_URL: db.url });
      try {
        expect((await fetch(`${serve.base}/v1/health`)).status).toBe(200);
        expect(serve.stderr()).toMatch(/no secret is set \(AUTERITY_SECRET, or "secret" in the config file\): invitation tokens cannot be signed/);
      } finally {
        serve.stop();
      }
      expect(await serve.exited).toBe(0);
    } finally {
      await db.drop();
    }
  });
});

/** `auterity serve --port 0` from source in a child process, in `dir`, with `env` added. */
async function startServe(dir: string, env: Record<string, string>) {
  // Workspace packages resolve to their sources in the child too, as they do under vitest.
  const tsconfig = path.join(dir, 'tsconfig.json');
  writeFileSync(tsconfig, JSON.stringify({ compilerOptions: { baseUrl: root, paths: { '@auterity/core': ['packages/core/src/index.ts'] } } }));
  const child = spawn(process.execPath, ['--import', tsx, path.join(import.meta.dirname, 'fixtures/cli.ts'), 'serve', '--port', '0'], {
    cwd: dir,
    env: { PATH: process.env.PATH, TSX_TSCONFIG_PATH: tsconfig, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const base = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening on (http:\/\/\S+)\/v1/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    void exited.then((code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  return { base, exited, stdout: () => stdout, stderr: () => stderr, stop: () => child.kill('SIGTERM') };
}
