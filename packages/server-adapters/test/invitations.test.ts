// The invitation routes: create (the token once), list, get, revoke, and accept by a host user, who
// joins the token's tenant with the invited roles; governed like members and audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, type FetchHandler } from '../src/index.js';
import { bearer, createTestEngine, type TestEngine } from './support/engine.js';

let fixture: TestEngine;
let handler: FetchHandler;
let admin: Record<string, string>;

/** The host's users: `x-user: <tenant>/<user>/<role>`. */
const user = (tenantId: string, id: string, role: string) => ({ 'x-user': `${tenantId}/${id}/${role}` });

async function send(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const init: RequestInit = { method, headers: { ...headers, ...(body !== undefined && { 'content-type': 'application/json' }) } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await handler(new Request(`http://localhost/v1${path}`, init));
  const text = await response.text();
  return { status: response.status, text, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

interface Created {
  invitation: { id: string; email: string; roles: string[]; tenantId: string };
  token: string;
}

beforeAll(async () => {
  fixture = await createTestEngine();
  admin = bearer((await fixture.tenantWithKey('acme')).key);
  await fixture.tenantWithKey('globex');
  handler = createHandler(fixture.engine, {
    auth: (request) => {
      const [tenantId, id, role] = (request.headers.get('x-user') ?? '').split('/');
      return tenantId && id && role ? { tenantId, actor: { id, roles: [role] } } : null;
    },
  });
});
afterAll(async () => {
  await fixture.close();
});

describe('invitation routes', () => {
  it('creates an invitation, returning the token once, and lists and gets it without the token', async () => {
    const created = await send('POST', '/invitations', admin, { email: 'Grace@Example.com', roles: ['editor'] });
    expect(created.status).toBe(201);
    const { invitation, token } = created.json as unknown as Created;
    expect(invitation).toMatchObject({ tenantId: 'acme', email: 'grace@example.com', roles: ['editor'], acceptedAt: null, revokedAt: null });
    expect(token).toEqual(expect.any(String));
    const list = await send('GET', '/invitations', admin);
    expect((list.json as { data: { id: string }[] }).data.map((row) => row.id)).toContain(invitation.id);
    expect(list.text).not.toContain(token);
    const one = await send('GET', `/invitations/${invitation.id}`, admin);
    expect(one.json).toMatchObject({ id: invitation.id, email: 'grace@example.com' });
    expect(one.text).not.toContain(token);
  });

  it('400s bad input and 403s callers the scopes or policies do not allow', async () => {
    const bad = await send('POST', '/invitations', admin, { email: 'nope', roles: [], expiresInMs: 0 });
    expect(bad.status).toBe(400);
    expect((bad.json as { error: { issues: { path: string }[] } }).error.issues.map((issue) => issue.path).sort()).toEqual(['email', 'expiresInMs', 'roles']);
    const reader = bearer((await fixture.tenantWithKey('acme', ['invitations:read'])).key);
    expect((await send('GET', '/invitations', reader)).status).toBe(200);
    expect((await send('POST', '/invitations', reader, { email: 'x@example.com', roles: ['viewer'] })).status).toBe(403);
    // A viewer may read members but not invite them: the engine's guard says so, naming the permission.
    const viewer = await send('POST', '/invitations', user('acme', 'vera', 'viewer'), { email: 'x@example.com', roles: ['viewer'] });
    expect(viewer.status).toBe(403);
    expect(viewer.json).toMatchObject({ error: { code: 'forbidden', message: expect.stringContaining('member:invite') } });
  });

  it("accepts as the host's user: joins the token's tenant with the invited roles, once", async () => {
    const { invitation, token } = (await send('POST', '/invitations', admin, { email: 'ada@example.com', roles: ['editor'] })).json as unknown as Created;
    // The host signed the invitee in under another tenant: the token, not that tenant, says where they join.
    const accepted = await send('POST', '/invitations/accept', user('globex', 'user-ada', 'viewer'), { token, name: 'Ada' });
    expect(accepted.status).toBe(201);
    expect(accepted.json).toMatchObject({
      invitation: { id: invitation.id, acceptedBy: 'user-ada', acceptedAt: expect.any(Number) },
      member: { id: 'user-ada', tenantId: 'acme', email: 'ada@example.com', name: 'Ada', roles: ['editor'] },
    });
    expect((await send('GET', '/members/user-ada', admin)).json).toMatchObject({ roles: ['editor'] });
    const again = await send('POST', '/invitations/accept', user('acme', 'user-eve', 'viewer'), { token });
    expect(again.status).toBe(409);
    // Ada's client retrying (its first answer lost) gets the same answer, and nothing changes.
    const retried = await send('POST', '/invitations/accept', user('globex', 'user-ada', 'viewer'), { token });
    expect([retried.status, retried.json]).toEqual([201, accepted.json]);
    const audit = (await send('GET', '/audit?limit=1000', admin)).json as { data: { action: string; actorId: string }[] };
    // The member joins first (as the invitation), then the invitation is consumed.
    expect(audit.data.filter((entry) => entry.action === 'invitation.accepted' || entry.action === 'member.added').map((entry) => [entry.action, entry.actorId])).toEqual([
      ['member.added', `invitation:${invitation.id}`],
      ['invitation.accepted', 'user-ada'],
    ]);
  });

  it('keeps the token usable when the tenant has no seat left', async () => {
    const small = bearer((await fixture.tenantWithKey('initech', undefined, 'free')).key); // 3 seats
    const { invitation, token } = (await send('POST', '/invitations', small, { email: 'pat@initech.test', roles: ['viewer'] })).json as unknown as Created;
    const staff: string[] = [];
    for (const n of [1, 2, 3]) staff.push(((await send('POST', '/members', small, { email: `staff${n}@initech.test`, roles: ['viewer'] })).json as { id: string }).id);
    const full = await send('POST', '/invitations/accept', user('initech', 'user-pat', 'viewer'), { token });
    expect(full.status).toBe(429);
    expect(full.json).toMatchObject({ error: { code: 'quota_exceeded', message: expect.stringContaining('seats') } });
    expect((await send('GET', `/invitations/${invitation.id}`, small)).json).toMatchObject({ acceptedAt: null });
    expect((await send('DELETE', `/members/${staff[0]}`, small)).status).toBe(204);
    const joined = await send('POST', '/invitations/accept', user('initech', 'user-pat', 'viewer'), { token });
    expect(joined.status).toBe(201);
    expect(joined.json).toMatchObject({ member: { id: 'user-pat', tenantId: 'initech', roles: ['viewer'] }, invitation: { acceptedBy: 'user-pat' } });
  });

  it('refuses forged, malformed and revoked tokens, and API-key callers', async () => {
    const { invitation, token } = (await send('POST', '/invitations', admin, { email: 'bob@example.com', roles: ['viewer'] })).json as unknown as Created;
    const forged = `${token.split('.')[0]}.${'A'.repeat(43)}`;
    for (const bad of [forged, 'garbage', '']) {
      const reply = await send('POST', '/invitations/accept', user('acme', 'user-bob', 'viewer'), { token: bad });
      expect(reply.status).toBe(400);
      expect(reply.json).toMatchObject({ error: { code: 'invalid_input', issues: [{ path: 'token' }] } });
    }
    expect((await send('POST', '/invitations/accept', admin, { token })).status).toBe(403);

    const revoked = await send('DELETE', `/invitations/${invitation.id}`, admin);
    expect(revoked.status).toBe(200);
    expect(revoked.json).toMatchObject({ id: invitation.id, revokedAt: expect.any(Number) });
    expect((await send('DELETE', `/invitations/${invitation.id}`, admin)).json).toEqual(revoked.json);
    const late = await send('POST', '/invitations/accept', user('acme', 'user-bob', 'viewer'), { token });
    expect(late.status).toBe(400);
    expect(late.json).toMatchObject({ error: { message: expect.stringContaining('revoked') } });
    expect((await send('GET', '/members/user-bob', admin)).status).toBe(404);
  });

  it('409s revoking an accepted invitation and 404s unknown ones', async () => {
    const { invitation, token } = (await send('POST', '/invitations', admin, { email: 'cy@example.com', roles: ['viewer'] })).json as unknown as Created;
    expect((await send('POST', '/invitations/accept', user('acme', 'user-cy', 'guest'), { token })).status).toBe(201);
    expect((await send('DELETE', `/invitations/${invitation.id}`, admin)).status).toBe(409);
    expect((await send('DELETE', '/invitations/inv_missing', admin)).status).toBe(404);
    expect((await send('GET', '/invitations/inv_missing', admin)).status).toBe(404);
  });
});
