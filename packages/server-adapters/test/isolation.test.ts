// Tenant isolation on every route the OpenAPI document lists: another tenant's ids are 404 for
// every method, and another tenant's collections show nothing of the first tenant. The routes come
// from /v1/openapi.json, so a new route is covered as soon as it exists (and fails here until its
// path parameters have a fixture below).
import { testDialects } from '@auterity/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, type FetchHandler } from '../src/index.js';
import { bearer, createTestEngine, type TestEngine } from './support/engine.js';

interface Operation {
  security: unknown[];
  requestBody?: { content: { 'application/json': { schema: { examples?: unknown[] } } } };
}
type Paths = Record<string, Record<string, Operation>>;

describe.each(testDialects)('tenant isolation on %s', (dialect) => {
  let fixture: TestEngine;
  let handler: FetchHandler;
  let paths: Paths;
  /** Secrets and ids of tenant A that tenant B must never see. */
  let secretsOfA: string[];
  /** A resource of tenant A for each path parameter template. */
  let idsOfA: Record<string, string>;
  /**
   * Public paths whose credential is in the path (a webhook token): filled with A's resource and a
   * credential of B's, and the other way round. Both must be unknown.
   */
  let crossedPaths: Record<string, string[]>;
  /** Paths whose parameter names something shared by every tenant (a catalog feature), not a resource. */
  const sharedParams: Record<string, string> = { '/v1/entitlements/{feature}': 'executions' };
  let keyA: string;
  const callers: Record<string, Record<string, string>> = {};

  const send = async (method: string, path: string, headers: Record<string, string>, body?: unknown) => {
    const init: RequestInit = { method, headers: { ...headers, ...(body !== undefined && { 'content-type': 'application/json' }) } };
    if (body !== undefined) init.body = JSON.stringify(body);
    const response = await handler(new Request(`http://localhost${path}`, init));
    // A live stream (a run's events) would never end: its status is the answer.
    if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
      await response.body?.cancel();
      return { status: response.status, text: '' };
    }
    return { status: response.status, text: await response.text() };
  };

  beforeAll(async () => {
    fixture = await createTestEngine(dialect, { governance: { approvalChains: [{ id: 'spend', levels: [{ role: 'admin' }] }] } });
    keyA = (await fixture.tenantWithKey('tenant-a')).key;
    const keyB = await fixture.tenantWithKey('tenant-b');
    callers['B by API key'] = bearer(keyB.key);
    callers['B by host auth'] = { 'x-test-tenant': 'tenant-b' };
    handler = createHandler(fixture.engine, {
      auth: (request) => {
        const tenantId = request.headers.get('x-test-tenant');
        return tenantId ? { tenantId, actor: { id: 'user-b', roles: ['admin'] } } : null;
      },
    });
    const a = fixture.engine.tenant('tenant-a', { id: 'user-a', roles: ['admin'] });
    const member = await a.members.add({ email: 'secret.member@a.example', name: 'Secret A', roles: ['editor'] });
    const key = await a.apiKeys.create({ name: 'secret-key-of-a' });
    const policy = await a.governance.policies.put({ id: 'secret-policy-of-a', rules: [{ effect: 'deny', actions: ['workflow:delete'] }] });
    const approval = await a.governance.approvals.create({ chain: 'spend', subject: { amount: 'secret-amount-of-a' } });
    const workflow = await a.workflows.save({ name: 'secret-workflow-of-a', triggers: [{ type: 'webhook' }], steps: [{ id: 'wait', action: 'delay', input: { ms: 3_600_000 } }] });
    const invitation = await a.governance.invitations.create({ email: 'secret.invitee@a.example', roles: ['viewer'] });
    const b = fixture.engine.tenant('tenant-b', { id: 'user-b', roles: ['admin'] });
    const workflowOfB = await b.workflows.save({ name: 'workflow-of-b', triggers: [{ type: 'webhook' }], steps: [{ id: 'echo', action: 'transform', input: { expression: 'input' } }] });
    const tokenOf = async (handle: typeof a, id: string) => (await handle.workflows.list()).find((w) => w.id === id)!.webhookToken!;
    const tokenOfA = await tokenOf(a, workflow.id);
    const tokenOfB = await tokenOf(b, workflowOfB.id);
    crossedPaths = {
      '/v1/hooks/{workflowId}/{token}': [
        `/v1/hooks/${workflow.id}/${encodeURIComponent(tokenOfB)}`,
        `/v1/hooks/${workflowOfB.id}/${encodeURIComponent(tokenOfA)}`,
        `/v1/hooks/${workflow.id}/${encodeURIComponent(tokenOfB.replace(workflowOfB.id, workflow.id))}`,
      ],
    };
    const run = await a.workflows.start(workflow.id, { input: { note: 'secret-input-of-a' } });
    await a.billing.consume('executions', 1, { idempotencyKey: 'secret-usage-of-a' });
    const aiCall = await a.ai.chat({ model: 'offline', messages: [{ role: 'user', content: 'secret-prompt-of-a' }] });
    idsOfA = {
      '/v1/workflows/{id}': workflow.id,
      '/v1/workflows/{id}/runs': workflow.id,
      '/v1/runs/{id}': run.id,
      '/v1/runs/{id}/pause': run.id,
      '/v1/runs/{id}/resume': run.id,
      '/v1/runs/{id}/cancel': run.id,
      '/v1/runs/{id}/retry': run.id,
      '/v1/runs/{id}/events': run.id,
      '/v1/dead-letters/{id}/redrive': run.id,
      '/v1/members/{id}': member.id,
      '/v1/invitations/{id}': invitation.invitation.id,
      '/v1/api-keys/{id}': key.id,
      '/v1/policies/{id}': policy.id,
      '/v1/approvals/{id}': approval.id,
      '/v1/approvals/{id}/approve': approval.id,
      '/v1/approvals/{id}/reject': approval.id,
      '/v1/ai/calls/{id}/outcome': aiCall.auterity.callId,
    };
    secretsOfA = [member.id, member.email, key.id, key.key, 'secret-key-of-a', 'tenant-a', policy.id, approval.id, 'secret-amount-of-a', workflow.id, 'secret-workflow-of-a', run.id, 'secret-input-of-a', 'secret-usage-of-a', invitation.invitation.id, invitation.invitation.email, invitation.token, aiCall.auterity.callId, 'secret-prompt-of-a'];
    paths = (JSON.parse((await send('GET', '/v1/openapi.json', {})).text) as { paths: Paths }).paths;
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('has a tenant-A fixture for every path with parameters', () => {
    const templated = Object.keys(paths).filter((path) => path.includes('{'));
    expect(templated.length).toBeGreaterThan(0);
    expect(templated.filter((path) => !(path in idsOfA) && !(path in sharedParams) && !(path in crossedPaths))).toEqual([]);
  });

  it("never lets one tenant's path credential reach the other tenant's resource", async () => {
    const answers: { request: string; status: number; code: unknown }[] = [];
    for (const [template, concrete] of Object.entries(crossedPaths)) {
      for (const [method, operation] of Object.entries(paths[template] ?? {})) {
        for (const path of concrete) {
          const reply = await send(method.toUpperCase(), path, {}, operation.requestBody?.content['application/json'].schema.examples?.[0] ?? {});
          answers.push({ request: `${method.toUpperCase()} ${path}`, status: reply.status, code: (JSON.parse(reply.text) as { error?: { code?: unknown } }).error?.code });
        }
      }
    }
    expect(answers).toHaveLength(3);
    expect(answers).toEqual(answers.map(({ request }) => ({ request, status: 404, code: 'not_found' })));
  });

  it("404s on every method of every path for the other tenant's ids", async () => {
    const answers: { request: string; status: number; code: unknown }[] = [];
    const ownerStatuses: number[] = [];
    for (const [template, methods] of Object.entries(paths)) {
      if (!template.includes('{') || template in sharedParams || template in crossedPaths) continue;
      const path = template.replace(/\{[^}]+\}/g, encodeURIComponent(idsOfA[template]!));
      for (const [method, operation] of Object.entries(methods)) {
        const body = operation.requestBody?.content['application/json'].schema.examples?.[0];
        for (const [who, headers] of Object.entries(callers)) {
          const reply = await send(method.toUpperCase(), path, headers, body);
          answers.push({ request: `${who}: ${method.toUpperCase()} ${template}`, status: reply.status, code: (JSON.parse(reply.text) as { error?: { code?: unknown } }).error?.code });
        }
        // Tenant A still sees its resource, untouched.
        if (method === 'get') ownerStatuses.push((await send('GET', path, bearer(keyA))).status);
      }
    }
    expect(answers.length).toBeGreaterThan(0);
    expect(answers).toEqual(answers.map(({ request }) => ({ request, status: 404, code: 'not_found' })));
    expect(ownerStatuses.every((status) => status === 200)).toBe(true);
  });

  it("counts AI usage per tenant: the other tenant's usage is its own", async () => {
    const ofA = JSON.parse((await send('GET', '/v1/ai/usage', bearer(keyA))).text) as { data: { model: string; calls: number }[] };
    expect(ofA.data).toEqual([expect.objectContaining({ model: 'offline', calls: 1 })]);
    for (const [who, headers] of Object.entries(callers)) {
      const reply = await send('GET', '/v1/ai/usage', headers);
      expect({ who, status: reply.status, usage: (JSON.parse(reply.text) as { data: unknown[] }).data }).toEqual({ who, status: 200, usage: [] });
    }
  });

  it("shows the other tenant nothing of the first tenant's on every readable route", async () => {
    for (const [path, methods] of Object.entries(paths)) {
      if ((path.includes('{') && !(path in sharedParams)) || !methods.get || methods.get.security.length === 0) continue;
      const concrete = path.replace(/\{[^}]+\}/g, sharedParams[path] ?? '');
      for (const [who, headers] of Object.entries(callers)) {
        const reply = await send('GET', concrete, headers);
        const leaked = secretsOfA.filter((secret) => reply.text.includes(secret));
        expect({ request: `${who}: GET ${path}`, status: reply.status, leaked }).toEqual({ request: `${who}: GET ${path}`, status: 200, leaked: [] });
      }
    }
  });
});
