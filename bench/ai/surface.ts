// What the AI benches drive, from the BUILT @auterity/core: the router on its own (from the built ai
// module: the public surface offers it through the engine only), and one tenant's `tenant.ai`
// pipeline on a temporary SQLite file, its tenant on the `enterprise` plan.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createAuterity, type AiOptions, type TenantAi } from '@auterity/core';
export { createRouter } from '../../packages/core/dist/ai/router/router.js';
export type { Router } from '../../packages/core/dist/ai/router/router.js';
// The node:http fetch the router's providers hand the openai client: a peer on the same transport.
export { createHttpFetch } from '../../packages/core/dist/ai/providers/http-fetch.js';

export interface BenchTenants {
  /** `tenant.ai` of each tenant, acting as an `editor` (whose role grants `ai:use`). */
  ai: TenantAi[];
  close(): Promise<void>;
}

/** An engine on a throwaway SQLite file with `count` enterprise tenants. */
export async function createBenchTenants(ai: AiOptions, count = 1): Promise<BenchTenants> {
  const dir = mkdtempSync(path.join(tmpdir(), 'auterity-ai-bench-'));
  const auterity = createAuterity({ database: `sqlite:${path.join(dir, 'bench.db')}`, ai });
  const tenants: TenantAi[] = [];
  for (let index = 0; index < count; index += 1) {
    const id = `bench-${index + 1}`;
    await auterity.tenants.create({ id, plan: 'enterprise' });
    tenants.push(auterity.tenant(id, { id: 'bench-user', roles: ['editor'] }).ai);
  }
  return {
    ai: tenants,
    async close() {
      await auterity.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
