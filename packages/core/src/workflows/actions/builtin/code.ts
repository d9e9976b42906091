// `code`: JavaScript in a real sandbox — QuickJS compiled to WebAssembly, a separate interpreter
// with its own heap and globals (never node:vm) — running in a worker thread. Each call gets a fresh
// QuickJS runtime with a memory cap, a stack cap and a deadline (QuickJS's interrupt handler); the
// worker adds a hard wall-clock limit, because some native operations (huge string builds near the
// memory cap) are not interruptible: past the limit the worker is terminated and replaced, so the
// host's event loop never waits on tenant code. Values cross the boundary only as JSON text.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { AuterityError } from '../../../errors.js';
import { defineAction, type Action } from '../types.js';

export interface CodeActionOptions {
  /** Default and maximum run time per call. Default 1000 ms. */
  timeoutMs?: number;
  /** Default and maximum sandbox heap. Default 32 MiB. */
  memoryLimitBytes?: number;
  /** Largest result (JSON) accepted. Default 1 MiB. */
  maxOutputBytes?: number;
  /** Worker threads running sandboxes in parallel. Default 2. */
  workers?: number;
}

// Runs inside the worker (CommonJS, eval'd). Kept dependency-free apart from quickjs-emscripten.
const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const { getQuickJS, shouldInterruptAfterDeadline } = require(workerData.quickjs);
let modulePromise;
function dispose(resource) { try { resource.dispose(); } catch { modulePromise = undefined; } }
// Load the interpreter before taking work, so its start-up never counts against a call's limit.
(modulePromise = getQuickJS()).then(() => parentPort.postMessage({ ready: true }), () => parentPort.postMessage({ ready: true }));
parentPort.on('message', async ({ id, code, input, timeoutMs, memoryLimitBytes, maxOutputBytes }) => {
  let reply;
  try {
    const module = await (modulePromise ??= getQuickJS());
    const runtime = module.newRuntime();
    try {
      runtime.setMemoryLimit(memoryLimitBytes);
      runtime.setMaxStackSize(512 * 1024);
      let interrupted = false;
      const expired = shouldInterruptAfterDeadline(Date.now() + timeoutMs);
      runtime.setInterruptHandler((rt) => (interrupted = expired(rt)));
      const context = runtime.newContext();
      try {
        const source = '(function () {\n"use strict";\nconst input = JSON.parse(' + JSON.stringify(input) + ');\nconst __r = (function (input) {\n' + code + '\n})(input);\nreturn JSON.stringify(__r === undefined ? null : __r);\n})()';
        const result = context.evalCode(source, 'step.js');
        if (result.error) {
          let dumped = null;
          try { dumped = context.dump(result.error); } catch {}
          dispose(result.error);
          const message = dumped && typeof dumped === 'object' && typeof dumped.message === 'string'
            ? (typeof dumped.name === 'string' ? dumped.name + ': ' : '') + dumped.message
            : String(dumped);
          if (interrupted) reply = { ok: false, kind: 'timeout' };
          else if (dumped === null || /out of memory/i.test(message)) reply = { ok: false, kind: 'memory' };
          else if (/stack/i.test(message) && /RangeError|overflow/i.test(message)) reply = { ok: false, kind: 'stack' };
          else reply = { ok: false, kind: 'error', message };
        } else {
          const text = context.getString(result.value);
          dispose(result.value);
          reply = text.length > maxOutputBytes ? { ok: false, kind: 'output' } : { ok: true, text };
        }
      } finally { dispose(context); }
    } finally { dispose(runtime); }
  } catch (error) {
    modulePromise = undefined;
    reply = { ok: false, kind: 'error', message: String(error && error.message || error) };
  }
  parentPort.postMessage({ id, ...reply });
});
`;

interface Reply {
  id: number;
  ok: boolean;
  text?: string;
  kind?: 'timeout' | 'memory' | 'stack' | 'error' | 'output';
  message?: string;
}

interface Limits {
  timeoutMs: number;
  memoryLimitBytes: number;
  maxOutputBytes: number;
}

/** A small pool of sandbox workers; a worker that overruns is terminated and replaced. */
export class SandboxPool {
  readonly #size: number;
  readonly #idle: Worker[] = [];
  readonly #queue: (() => void)[] = [];
  #count = 0;
  #nextId = 0;
  #quickjsPath: string | undefined;

  constructor(size = 2) {
    this.#size = size;
  }

  async #spawn(): Promise<Worker> {
    this.#quickjsPath ??= createRequire(import.meta.url).resolve('quickjs-emscripten');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { quickjs: this.#quickjsPath }, resourceLimits: { maxOldGenerationSizeMb: 128 } });
    worker.unref();
    this.#count++;
    worker.once('exit', () => {
      this.#count--;
      const at = this.#idle.indexOf(worker);
      if (at >= 0) this.#idle.splice(at, 1);
      this.#queue.shift()?.();
    });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    return worker;
  }

  async #acquire(): Promise<Worker> {
    for (;;) {
      const idle = this.#idle.pop();
      if (idle) return idle;
      if (this.#count < this.#size) return this.#spawn();
      await new Promise<void>((resolve) => this.#queue.push(resolve));
    }
  }

  #release(worker: Worker) {
    this.#idle.push(worker);
    this.#queue.shift()?.();
  }

  async run(code: string, input: unknown, limits: Limits, signal?: AbortSignal): Promise<unknown> {
    const worker = await this.#acquire();
    const id = ++this.#nextId;
    return new Promise<unknown>((resolve, reject) => {
      let settled = false;
      const finish = (kill: boolean, done: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(hard);
        worker.off('message', onMessage);
        worker.off('error', onError);
        signal?.removeEventListener('abort', onAbort);
        if (kill) void worker.terminate();
        else this.#release(worker);
        done();
      };
      const onMessage = (reply: Reply) => {
        if (reply.id !== id) return;
        finish(false, () => (reply.ok ? resolve(JSON.parse(reply.text ?? 'null')) : reject(sandboxError(reply, limits))));
      };
      const onError = (error: Error) => finish(true, () => reject(new AuterityError('invalid_input', `code: the sandbox failed: ${error.message}`)));
      const onAbort = () => finish(true, () => reject(signal?.reason));
      // The hard limit: a little past the interpreter's own deadline, the worker goes.
      const hard = setTimeout(() => finish(true, () => reject(sandboxError({ id, ok: false, kind: 'timeout' }, limits))), limits.timeoutMs + 250);
      hard.unref();
      worker.on('message', onMessage);
      worker.on('error', onError);
      signal?.addEventListener('abort', onAbort, { once: true });
      // A worker_threads port, not a window: there is no target origin.
      // oxlint-disable-next-line unicorn/require-post-message-target-origin
      worker.postMessage({ id, code, input: JSON.stringify(input ?? null), ...limits });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.#idle.splice(0).map((worker) => worker.terminate()));
  }
}

function sandboxError(reply: Reply, limits: Limits): AuterityError {
  switch (reply.kind) {
    case 'timeout':
      return new AuterityError('unavailable', `code: time limit of ${limits.timeoutMs} ms exceeded`, { details: { reason: 'timeout' } });
    case 'memory':
      return new AuterityError('invalid_input', `code: memory limit of ${limits.memoryLimitBytes} bytes exceeded`, { details: { reason: 'memory' } });
    case 'stack':
      return new AuterityError('invalid_input', 'code: stack overflow (too deep recursion)', { details: { reason: 'stack' } });
    case 'output':
      return new AuterityError('payload_too_large', `code: result exceeds ${limits.maxOutputBytes} bytes`);
    default:
      return new AuterityError('invalid_input', `code: ${reply.message ?? 'failed'}`);
  }
}

const inputSchema = z.strictObject({
  /** The body of a function of `input`: `return input.a + input.b`. */
  code: z.string().min(1).max(100_000),
  input: z.unknown().optional(),
  timeoutMs: z.number().int().min(1).optional(),
  memoryLimitBytes: z.number().int().min(1024 * 1024).optional(),
});

export function codeAction(options: CodeActionOptions = {}, pool = new SandboxPool(options.workers)): Action<z.output<typeof inputSchema>, unknown> {
  const maxTimeout = options.timeoutMs ?? 1000;
  const maxMemory = options.memoryLimitBytes ?? 32 * 1024 * 1024;
  return defineAction({
    name: 'code',
    input: inputSchema,
    run: ({ input, signal }) =>
      pool.run(
        input.code,
        input.input,
        {
          timeoutMs: Math.min(input.timeoutMs ?? maxTimeout, maxTimeout),
          memoryLimitBytes: Math.min(input.memoryLimitBytes ?? maxMemory, maxMemory),
          maxOutputBytes: options.maxOutputBytes ?? 1024 * 1024,
        },
        signal,
      ),
  });
}
