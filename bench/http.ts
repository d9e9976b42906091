// `pnpm bench http`: the HTTP API as a host would run it. The built `auterity serve` (a child
// process on a temporary SQLite file, an `enterprise` tenant and a key from `key create`) is loaded
// with autocannon, scenario by scenario, and so is a peer measured in the same run: for the API
// routes, a bare Node `http` server (another child process) answering the same JSON bytes, which is
// the floor any handler on Node sits on. One JSON object per line: a line per target and scenario,
// then the ratios, the last line the summary (GET /v1/entitlements/:feature against the bare server).
//
// The AI scenario: the latency `POST /v1/ai/chat/completions` adds over calling the upstream
// directly. One local chat-completions upstream (@auterity/testing's createChatUpstream, nothing
// recorded, in its own process) serves three paths, measured with the same keep-alive client and
// concurrency, round by round in rotating order: direct, through `auterity serve` (configured by an
// auterity.config.json routing the model to that upstream, the response cache off, so every call
// runs the full pipeline: policy, budget reserve/commit, cost record, audit entry), and through the
// Portkey gateway (@portkey-ai/gateway, its own process, `x-portkey-provider: openai` and
// `x-portkey-custom-host` to the same upstream). Added median = path median - direct median. It is
// measured with 4 calls in flight (the summary's figure: on a small machine the gateways then
// compete for CPU with the client and upstream) and with 1 (each gateway's own path, no queueing).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { percentile } from './stats.js';

const root = path.resolve(import.meta.dirname, '..');
const cli = path.join(root, 'packages/server-adapters/bin/auterity.js');
const CONNECTIONS = 10;
const WARMUP_S = 1;
const DURATION_S = 5;

// autocannon ships no types: the part of its API used here.
interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (options: { url: string; connections: number; duration: number; method?: string; headers?: Record<string, string>; body?: string }) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const emit = (line: Record<string, unknown>) => console.log(JSON.stringify({ bench: 'http', ...line }));

/** One request shape, as autocannon sends it. */
interface Load {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

interface Measured {
  reqPerS: number;
  p50ms: number;
  p99ms: number;
}

/** A server under load, in its own process, so autocannon never shares its event loop. */
interface Target {
  name: string;
  url: string;
}

interface Context {
  ours: Target;
  /** The key from `auterity key create` for the `enterprise` tenant. */
  key: string;
  /** Starts a bare Node `http` server answering every request with these bytes. */
  bareServer(name: string, body: string): Promise<Target>;
}

/**
 * A scenario measures our server and its peer in one run. API-route scenarios compare with a bare
 * Node server; others (an AI endpoint against a gateway) bring their own peer and load.
 */
interface Scenario {
  name: string;
  /** The summary line is this scenario's. */
  summary?: boolean;
  run(context: Context): Promise<{ ours: Measured; peer: Measured; peerName: string }>;
}

async function measure(target: Target, load: Load): Promise<Measured> {
  const options = { url: `${target.url}${load.path}`, connections: CONNECTIONS, method: load.method, ...(load.headers && { headers: load.headers }), ...(load.body !== undefined && { body: load.body }) };
  await autocannon({ ...options, duration: WARMUP_S });
  const result = await autocannon({ ...options, duration: DURATION_S });
  if (result.non2xx || result.errors || result.timeouts) {
    throw new Error(`${target.name} ${load.method} ${load.path}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return { reqPerS: Math.round(result.requests.average), p50ms: result.latency.p50, p99ms: result.latency.p99 };
}

/** An API route of ours against a bare Node server answering the bytes our server answered. */
function apiRoute(name: string, load: (key: string) => Load, summary = false): Scenario {
  return {
    name,
    summary,
    async run(context) {
      const request = load(context.key);
      const response = await fetch(`${context.ours.url}${request.path}`, { method: request.method, ...(request.headers && { headers: request.headers }), ...(request.body !== undefined && { body: request.body }) });
      const body = await response.text();
      if (!response.ok) throw new Error(`${name}: our server answered ${response.status} ${body}`);
      const peer = await context.bareServer(name, body);
      const ours = await measure(context.ours, request);
      return { ours, peer: await measure(peer, request), peerName: 'bare node http' };
    },
  };
}

const scenarios: Scenario[] = [
  apiRoute('GET /v1/entitlements/:feature', (key) => ({ method: 'GET', path: '/v1/entitlements/executions', headers: { authorization: `Bearer ${key}` } }), true),
  apiRoute('POST /v1/usage', (key) => ({
    method: 'POST',
    path: '/v1/usage',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ feature: 'executions', amount: 1 }),
  })),
];

// --- The AI scenario -------------------------------------------------------------------------

const AI_MODEL = 'bench-model';
/** Calls in flight: the headline (the summary line) is the first; one at a time shows the path with no queueing. */
const AI_CONCURRENCIES = [4, 1] as const;
/** Calls per path before measuring: enough for every path's hot code to be optimised. */
const AI_WARMUP = 2_000;
/** Short rounds in rotating order, so a slow spell of the shared machine falls on every path alike. */
const AI_ROUNDS = 20;
const AI_PER_ROUND = 250;
const aiBody = JSON.stringify({
  model: AI_MODEL,
  messages: [
    { role: 'system', content: 'You are a concise assistant for a finance team. Answer in plain sentences.' },
    { role: 'user', content: 'Summarise the quarterly revenue figures for the board in three short sentences.' },
  ],
});

/** The upstream in its own process: prints `listening on <origin>`. */
const UPSTREAM_SERVER = `
import { createChatUpstream } from '@auterity/testing';
const upstream = await createChatUpstream({ recordRequests: false });
console.log('listening on ' + new URL(upstream.baseURL).origin);
`;

interface AiPath {
  name: string;
  url: string;
  headers: Record<string, string>;
}

/** One POST on a keep-alive agent; resolves with its latency in ms (float) and the body. */
function timedPost(agent: Agent, target: AiPath): Promise<{ ms: number; body: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = httpRequest(target.url, { method: 'POST', agent, headers: { ...target.headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(aiBody)) } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        const ms = performance.now() - started;
        if (res.statusCode !== 200) reject(new Error(`${target.name}: HTTP ${res.statusCode} ${body.slice(0, 300)}`));
        else resolve({ ms, body });
      });
    });
    req.on('error', reject);
    req.end(aiBody);
  });
}

/** `count` calls with `concurrency` in flight; the latency of each. */
async function latencies(target: AiPath, count: number, concurrency: number): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const samples: number[] = [];
  let issued = 0;
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (issued < count) {
          issued += 1;
          samples.push((await timedPost(agent, target)).ms);
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  return samples;
}

const round3 = (value: number) => Number(value.toFixed(3));

/** A free TCP port (the gateway takes its port as a flag). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(url: string, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with ${child.exitCode}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`${url}: not up after 30 s`);
}

/** Direct, ours and Portkey, measured alike at `concurrency`; returns the lines to print and the ratio line. */
async function aiScenario(paths: AiPath[], concurrency: number): Promise<Record<string, unknown>[]> {
  // Each path must reach the upstream: the upstream's echo names the model it was asked for.
  for (const target of paths) {
    const { body } = await timedPost(new Agent({ keepAlive: false }), target);
    const content = (JSON.parse(body) as { choices?: { message?: { content?: string } }[] }).choices?.[0]?.message?.content;
    if (!content?.startsWith(`echo(${AI_MODEL}): Summarise`)) throw new Error(`${target.name} did not reach the upstream: ${body.slice(0, 300)}`);
  }
  for (const target of paths) await latencies(target, AI_WARMUP, concurrency);
  const samples = new Map<string, number[]>(paths.map((target) => [target.name, []]));
  for (let round = 0; round < AI_ROUNDS; round += 1) {
    // Rotating order, so drift on a shared machine hits every path alike.
    for (let index = 0; index < paths.length; index += 1) {
      const target = paths[(index + round) % paths.length]!;
      samples.get(target.name)!.push(...(await latencies(target, AI_PER_ROUND, concurrency)));
    }
  }
  const stats = new Map(
    paths.map((target) => {
      const sorted = [...samples.get(target.name)!].sort((a, b) => a - b);
      return [target.name, { calls: sorted.length, p50ms: round3(percentile(sorted, 50)), p99ms: round3(percentile(sorted, 99)) }];
    }),
  );
  const [direct, ours, peer] = paths.map((target) => stats.get(target.name)!);
  const scenario = 'POST /v1/ai/chat/completions';
  const oursAdded = round3(ours!.p50ms - direct!.p50ms);
  const peerAdded = round3(peer!.p50ms - direct!.p50ms);
  return [
    ...paths.map((target) => ({ scenario, target: target.name, concurrency, ...stats.get(target.name) })),
    { scenario, metric: 'ai_added_median_ms', concurrency, value: oursAdded, unit: 'ms', peer: paths[2]!.name, peerValue: peerAdded, ratio: round3(oursAdded / Math.max(peerAdded, 0.001)), addedP99ms: round3(ours!.p99ms - direct!.p99ms), peerAddedP99ms: round3(peer!.p99ms - direct!.p99ms) },
  ];
}

const BARE_SERVER = `
const http = require('node:http');
const body = Buffer.from(process.env.BODY);
const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length), 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => { res.writeHead(200, headers); res.end(body); });
});
server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port));
`;

const children: ChildProcess[] = [];

/** Spawns a server process and resolves with the URL it prints as `listening on <url>`. */
function startProcess(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening on (http:\/\/[^\s/]+)/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${stderr}`)));
  });
}

const dir = mkdtempSync(path.join(tmpdir(), 'auterity-bench-http-'));
const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, NODE_ENV: 'production', AUTERITY_DATABASE_URL: `sqlite:${path.join(dir, 'bench.db')}` };
try {
  const run = (args: string[]) => {
    const result = spawnSync(process.execPath, [cli, ...args], { cwd: dir, env, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`auterity ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout.trim().split('\n').at(-1)!;
  };
  // The AI upstream first: `auterity serve` routes the bench model to it through its config file.
  const upstream = await startProcess(['--import', 'tsx', '--input-type=module', '-e', UPSTREAM_SERVER], { PATH: process.env.PATH, NODE_ENV: 'production' }, root);
  writeFileSync(
    path.join(dir, 'auterity.config.json'),
    JSON.stringify({
      ai: {
        providers: [{ id: 'local', kind: 'openai', baseURL: `${upstream}/v1`, apiKey: 'bench-upstream-key' }],
        models: [{ id: AI_MODEL, provider: 'local', inputPerMTok: 0.15, outputPerMTok: 0.6, contextWindow: 128_000 }],
        cache: false,
      },
    }),
  );
  run(['tenant', 'create', 'bench', '--plan', 'enterprise']);
  const key = run(['key', 'create', 'bench']);
  const ours: Target = { name: 'auterity serve', url: await startProcess([cli, 'serve', '--port', '0'], env, dir) };
  const portkeyPort = await freePort();
  const portkeyBin = createRequire(path.join(root, 'package.json')).resolve('@portkey-ai/gateway/build/start-server.js');
  const portkey = spawn(process.execPath, [portkeyBin, `--port=${portkeyPort}`, '--headless'], { cwd: dir, env: { PATH: process.env.PATH, NODE_ENV: 'production' }, stdio: 'ignore' });
  children.push(portkey);
  await waitUntilUp(`http://127.0.0.1:${portkeyPort}/`, portkey);
  const context: Context = {
    ours,
    key,
    bareServer: async (name, body) => ({ name: `bare node http (${name})`, url: await startProcess(['-e', BARE_SERVER], { PATH: process.env.PATH, BODY: body }, dir) }),
  };

  let summary: { name: string; ours: Measured; peer: Measured; peerName: string } | undefined;
  const ratios: Record<string, number> = {};
  // `--only ai` or `--only api` runs one part (the summary is then that part's).
  const only = process.argv.slice(2).find((arg, index, args) => args[index - 1] === '--only') ?? process.argv.slice(2).find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
  for (const scenario of only === 'ai' ? [] : scenarios) {
    const result = await scenario.run(context);
    emit({ scenario: scenario.name, target: 'auterity serve', connections: CONNECTIONS, durationS: DURATION_S, ...result.ours });
    emit({ scenario: scenario.name, target: result.peerName, connections: CONNECTIONS, durationS: DURATION_S, ...result.peer });
    ratios[scenario.name] = Number((result.ours.reqPerS / result.peer.reqPerS).toFixed(3));
    emit({ scenario: scenario.name, reqPerSRatio: ratios[scenario.name], p99Ratio: Number((result.ours.p99ms / Math.max(result.peer.p99ms, 1)).toFixed(2)) });
    if (scenario.summary) summary = { name: scenario.name, ...result };
  }
  let aiSummary: Record<string, unknown> | undefined;
  const aiPaths: AiPath[] = [
    { name: 'direct upstream', url: `${upstream}/v1/chat/completions`, headers: { authorization: 'Bearer bench-upstream-key' } },
    { name: 'auterity serve', url: `${ours.url}/v1/ai/chat/completions`, headers: { authorization: `Bearer ${key}` } },
    {
      name: 'portkey gateway 1.15.2',
      url: `http://127.0.0.1:${portkeyPort}/v1/chat/completions`,
      headers: { authorization: 'Bearer bench-upstream-key', 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${upstream}/v1` },
    },
  ];
  for (const concurrency of only === 'api' ? [] : AI_CONCURRENCIES) {
    for (const line of await aiScenario(aiPaths, concurrency)) {
      // The headline concurrency's ratio line is printed last, with the summary.
      if ('ratio' in line && concurrency === AI_CONCURRENCIES[0]) aiSummary = line;
      else emit(line);
    }
  }
  if (summary) {
    if (aiSummary) emit(aiSummary);
    emit({
      metric: 'entitlements_req_per_s',
      value: summary.ours.reqPerS,
      unit: 'req/s',
      peer: summary.peerName,
      peerValue: summary.peer.reqPerS,
      ratio: ratios[summary.name],
    });
  } else if (aiSummary) {
    emit(aiSummary);
  } else {
    throw new Error('no summary scenario');
  }
} finally {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((child) => (child.exitCode === null && child.signalCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined)));
  rmSync(dir, { recursive: true, force: true });
}
