// The governance routes: tenant policies, decisions, the audit chain and approvals, each behind its
// API key scope and the engine's guard (403s name the deciding rule).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, type FetchHandler } from '../src/index.js';
import { bearer, createTestEngine, type TestEngine } from './support/engine.js';

let fixture: TestEngine;
let handler: FetchHandler;
let admin: Record<string, string>;
const viewer = { 'x-user': 'viewer' };

async function send(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const init: RequestInit = { method, headers: { ...headers, ...(body !== undefined && { 'content-type': 'application/json' }) } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await handler(new Request(`http://localhost/v1${path}`, init));
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

beforeAll(async () => {
  fixture = await createTestEngine('sqlite', { governance: { approvalChains: [{ id: 'spend', levels: [{ role: 'admin' }] }] } });
  admin = bearer((await fixture.tenantWithKey('acme')).key);
  handler = createHandler(fixture.engine, {
    auth: (request) => (request.headers.get('x-user') === 'viewer' ? { tenantId: 'acme', actor: { id: 'vera', roles: ['viewer'] } } : null),
  });
});
afterAll(async () => {
  await fixture.close();
});

describe('governance routes', () => {
  const policy = { id: 'no-deletes', rules: [{ id: 'deny-delete', effect: 'deny', actions: ['workflow:delete'] }] };

  it('puts, lists and deletes tenant policies', async () => {
    const put = await send('POST', '/policies', admin, policy);
    expect(put.status).toBe(200);
    expect(put.json).toEqual({ ...policy, rules: [{ ...policy.rules[0], resources: ['*'] }] });
    expect((await send('GET', '/policies', admin)).json).toEqual({ data: [put.json] });
    const invalid = await send('POST', '/policies', admin, { id: 'bad id', rules: [] });
    expect(invalid.status).toBe(400);
    expect((invalid.json as { error: { issues: { path: string }[] } }).error.issues.map((issue) => issue.path).sort()).toEqual(['id', 'rules']);
  });

  it('decides with the rule that decided', async () => {
    const denied = await send('POST', '/authorize', admin, { action: 'workflow:delete', resource: { id: 'workflow:welcome' } });
    expect(denied.status).toBe(200);
    expect(denied.json).toMatchObject({ allowed: false, effect: 'deny', decidedBy: { layer: 'tenant', policyId: 'no-deletes', ruleId: 'deny-delete' } });
    const allowed = await send('POST', '/authorize', admin, { action: 'workflow:run', resource: { id: 'workflow:welcome' } });
    expect(allowed.json).toMatchObject({ allowed: true });
  });

  it("403s a host user whose role the policies do not allow, naming why", async () => {
    const reply = await send('POST', '/policies', viewer, { id: 'mine', rules: [{ effect: 'allow', actions: ['*'] }] });
    expect(reply.status).toBe(403);
    expect(reply.json).toMatchObject({ error: { code: 'forbidden', message: expect.stringContaining('policy:write') } });
  });

  it('403s an API key without the scope', async () => {
    const narrow = bearer((await fixture.tenantWithKey('acme', ['members:read'])).key);
    expect((await send('GET', '/audit', narrow)).status).toBe(403);
  });

  it('reads and verifies the audit chain, paging with validated query parameters', async () => {
    const audit = await send('GET', '/audit?limit=50', admin);
    expect(audit.status).toBe(200);
    const entries = (audit.json as { data: { seq: number; action: string }[] }).data;
    expect(entries.map((entry) => entry.action)).toContain('policy.created');
    const after = await send('GET', `/audit?afterSeq=${entries[0]!.seq}&limit=1`, admin);
    expect((after.json as { data: { seq: number }[] }).data.map((entry) => entry.seq)).toEqual([entries[1]!.seq]);
    expect((await send('GET', '/audit/verify', admin)).json).toMatchObject({ ok: true });
    const bad = await send('GET', '/audit?limit=lots', admin);
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { code: 'invalid_input', issues: [{ path: 'query.limit' }] } });
  });

  it('lists and decides approvals; a decided one cannot be decided again', async () => {
    const created = await fixture.engine.tenant('acme', { id: 'requester', roles: ['editor'] }).governance.approvals.create({ chain: 'spend', subject: { amount: 100 } });
    const pending = await send('GET', '/approvals?status=pending', admin);
    expect((pending.json as { data: { id: string }[] }).data.map((approval) => approval.id)).toEqual([created.id]);
    const approved = await send('POST', `/approvals/${created.id}/approve`, admin, { comment: 'ok' });
    expect(approved.status).toBe(200);
    expect(approved.json).toMatchObject({ id: created.id, status: 'approved' });
    expect((await send('GET', `/approvals/${created.id}`, admin)).json).toMatchObject({ status: 'approved' });
    const again = await send('POST', `/approvals/${created.id}/reject`, admin);
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ error: { code: 'conflict' } });
  });

  it('deletes a policy once, then 404s', async () => {
    expect((await send('DELETE', '/policies/no-deletes', admin)).status).toBe(204);
    expect((await send('DELETE', '/policies/no-deletes', admin)).status).toBe(404);
  });
});
