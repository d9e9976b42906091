// pnpm bench tenancy: what the tenant-scoped data access costs. A member lookup through
// engine.tenant(id, actor).members.get() (input validation, tenant check, the tenant filter) against
// the same lookup written by hand with kysely on the same SQLite file (the peer). Rounds interleave
// so machine noise hits both alike; the summary reports our throughput as a ratio of the peer's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { createAuterity } from '@auterity/core';
import { percentile } from './stats.js';

interface MemberRow {
  tenant_id: string;
  id: string;
  email: string;
}

const ROUNDS = 6;
const OPS_PER_ROUND = 4_000;
const MEMBERS = 1_000;

const dir = mkdtempSync(path.join(tmpdir(), 'auterity-bench-'));
const file = path.join(dir, 'bench.db');
const engine = createAuterity({ database: `sqlite:${file}` });
const emit = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

try {
  await engine.migrate();
  await engine.tenants.create({ id: 'bench-a', plan: 'enterprise' });
  await engine.tenants.create({ id: 'bench-b', plan: 'enterprise' });
  const handle = engine.tenant('bench-a', { id: 'bench', roles: ['admin'] });
  const ids: string[] = [];
  for (let i = 0; i < MEMBERS; i++) ids.push((await handle.members.add({ email: `m${i}@example.com`, roles: ['viewer'] })).id);

  const peer = new Kysely<{ members: MemberRow }>({ dialect: new SqliteDialect({ database: new SQLite(file) }) });
  const lookups = {
    ours: (id: string) => handle.members.get(id),
    peer: (id: string) => peer.selectFrom('members').selectAll().where('tenant_id', '=', 'bench-a').where('id', '=', id).executeTakeFirstOrThrow(),
  };
  const latencies: Record<keyof typeof lookups, number[]> = { ours: [], peer: [] };
  const elapsed: Record<keyof typeof lookups, number> = { ours: 0, peer: 0 };

  for (let round = 0; round < ROUNDS; round++) {
    for (const name of round % 2 ? (['peer', 'ours'] as const) : (['ours', 'peer'] as const)) {
      const started = performance.now();
      for (let i = 0; i < OPS_PER_ROUND; i++) {
        const t0 = performance.now();
        await lookups[name](ids[(i * 7919) % MEMBERS] as string);
        if (round > 0) latencies[name].push(performance.now() - t0);
      }
      if (round > 0) elapsed[name] += performance.now() - started; // round 0 warms up
    }
  }
  await peer.destroy();

  const opsPerSecond = (name: keyof typeof lookups) => ((ROUNDS - 1) * OPS_PER_ROUND) / (elapsed[name] / 1000);
  for (const name of ['ours', 'peer'] as const) {
    const sorted = latencies[name].sort((a, b) => a - b);
    emit({
      bench: 'tenancy',
      variant: name === 'ours' ? 'auterity members.get (scoped)' : 'kysely hand-written query',
      opsPerSecond: Math.round(opsPerSecond(name)),
      p50us: Math.round(percentile(sorted, 50) * 1000),
      p99us: Math.round(percentile(sorted, 99) * 1000),
    });
  }
  const ours = opsPerSecond('ours');
  const theirs = opsPerSecond('peer');
  emit({
    bench: 'tenancy',
    metric: 'sqlite_member_lookups_per_s',
    value: Math.round(ours),
    unit: 'ops/s',
    peer: 'kysely hand-written query',
    peerValue: Math.round(theirs),
    ratio: Number((ours / theirs).toFixed(3)),
  });
} finally {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
}
