import type { AddressInfo } from 'node:net';
import { createAuterity, type Auterity } from '@auterity/core';
import { createTestDatabase, type TestDatabase } from '@auterity/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoServer, seedDemo } from '../src/app.js';

describe('demo host on the embedded SQLite default', () => {
  let db: TestDatabase;
  let engine: Auterity;
  let server: ReturnType<typeof createDemoServer>;
  let base: string;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    engine = createAuterity({ database: db.url });
    await engine.migrate();
    await seedDemo(engine);
    server = createDemoServer(engine);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await engine.close();
    await db.drop();
  });

  it('lists the seeded workspaces on its page and as JSON', async () => {
    const html = await (await fetch(`${base}/`)).text();
    expect(html).toContain('<code>acme</code>');
    expect(html).toContain('Globex');
    const { tenants } = (await (await fetch(`${base}/api/tenants`)).json()) as { tenants: { id: string }[] };
    expect(tenants.map((tenant) => tenant.id).sort()).toEqual(['acme', 'globex']);
  });

  it('seeding twice adds nothing', async () => {
    await seedDemo(engine);
    expect(await engine.tenants.list()).toHaveLength(2);
  });

  it('creates a workspace from the form', async () => {
    const response = await fetch(`${base}/tenants`, { method: 'POST', body: new URLSearchParams({ id: 'initech', name: 'Initech', plan: 'business' }) });
    expect(response.status).toBe(201);
    expect(await response.text()).toContain('Created workspace initech.');
    expect(await engine.tenants.get('initech')).toMatchObject({ name: 'Initech', plan: 'business' });
  });

  it('shows the engine error, escaped, for a bad id', async () => {
    const response = await fetch(`${base}/tenants`, { method: 'POST', body: new URLSearchParams({ id: '<b>Bad</b>' }) });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('role="alert"');
    expect(html).not.toContain('<b>Bad</b>');
  });

  it('answers unknown paths with 404', async () => {
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});
