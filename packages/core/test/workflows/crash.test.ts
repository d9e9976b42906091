// Crash test: a process running 50 runs is SIGKILLed mid-flight, then another process resumes them.
// Every run completes, and the side-effect log proves that no step whose completion had been
// persisted ran again; only steps interrupted mid-attempt ran twice, with the same idempotency key.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDialects, type TestDatabase } from '@auterity/testing';
import { rawQuery } from '../helpers.js';

const worker = fileURLToPath(new URL('./fixtures/crash-worker.ts', import.meta.url));
const RUNS = 50;
const STEPS = 7;

function launch(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', worker, ...args], { cwd: path.dirname(worker), stdio: ['ignore', 'pipe', 'pipe'] });
}

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

describe.each(testDialects)('crash and resume (%s)', (dialect) => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    dir = mkdtempSync(path.join(tmpdir(), 'auterity-crash-'));
  });
  afterAll(async () => {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`kills a process mid-flight with ${RUNS} runs; a restarted one finishes them without repeating completed steps`, { timeout: 90_000 }, async () => {
    const file = path.join(dir, 'side-effects.log');
    const first = launch(['start', db.url, file, String(RUNS)]);
    let stderr = '';
    const progress = { started: false };
    first.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    first.stdout?.on('data', (chunk: Buffer) => (progress.started ||= chunk.toString().includes('started')));
    const exited = new Promise<void>((resolve) => first.once('exit', () => resolve()));
    // Kill once every run exists and some of the work is done, but not all of it.
    const target = Math.floor((RUNS * STEPS) / 4);
    while (!progress.started || lines(file).length < target) {
      if (first.exitCode !== null) throw new Error(`worker exited early: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    first.kill('SIGKILL');
    await exited;

    const completedBefore = new Set(
      (await rawQuery(db, "select run_id, step_id from workflow_run_events where type = 'step.completed'")).map((row) => `${String(row.run_id)}:${String(row.step_id)}`),
    );
    const phase1 = lines(file);
    expect(completedBefore.size).toBeGreaterThan(0);
    expect(completedBefore.size).toBeLessThan(RUNS * STEPS);

    const second = launch(['resume', db.url, file, String(RUNS)]);
    let out = '';
    let err = '';
    second.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    second.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => second.once('exit', resolve));
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('done');

    const runs = await rawQuery(db, 'select id, status from workflow_runs');
    expect(runs).toHaveLength(RUNS);
    expect(runs.every((run) => run.status === 'succeeded')).toBe(true);

    const phase2 = lines(file).slice(phase1.length);
    const rerunKeys = phase2.map((line) => line.split(' ')[0] as string);
    // No step whose completion was persisted before the kill ran again.
    expect(rerunKeys.filter((key) => completedBefore.has(key))).toEqual([]);
    // Every step ran, and each completed exactly once in the log.
    const executed = new Set([...phase1, ...phase2].map((line) => line.split(' ')[0]));
    expect(executed.size).toBe(RUNS * STEPS);
    const completions = await rawQuery(db, "select run_id, step_id, count(*) as n from workflow_run_events where type = 'step.completed' group by run_id, step_id");
    expect(completions).toHaveLength(RUNS * STEPS);
    expect(completions.every((row) => Number(row.n) === 1)).toBe(true);
    // Steps that ran twice were those interrupted mid-attempt, and they say so in their run's log.
    const twice = [...new Set(phase1.map((l) => l.split(' ')[0] as string))].filter((key) => rerunKeys.includes(key));
    const interrupted = new Set((await rawQuery(db, "select run_id, step_id from workflow_run_events where type = 'step.interrupted'")).map((row) => `${String(row.run_id)}:${String(row.step_id)}`));
    expect(twice.filter((key) => !interrupted.has(key))).toEqual([]);
  });
});
