// The demo host product ("Northwind CRM") embedding the Auterity engine. It is deliberately plain
// Node http: it shows what an ISV writes around the engine, not a framework. Later issues mount the
// Auterity HTTP handler and the React kit here.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isAuterityError, type Auterity, type Tenant } from '@auterity/core';

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char);

function page(tenants: Tenant[], notice?: { kind: 'error' | 'ok'; text: string }): string {
  const rows = tenants
    .map(
      (tenant) =>
        `<tr><td><code>${escapeHtml(tenant.id)}</code></td><td>${escapeHtml(tenant.name)}</td><td>${escapeHtml(tenant.plan)}</td><td>${new Date(tenant.createdAt).toISOString().slice(0, 10)}</td></tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Northwind CRM · Workspaces</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; color: #1c2330; background: #f6f7fb; }
  header { background: #243b6b; color: #fff; padding: 1rem 2rem; font-weight: 600; }
  main { max-width: 56rem; margin: 2rem auto; padding: 0 1rem; }
  table { width: 100%; border-collapse: collapse; background: #fff; }
  th, td { text-align: start; padding: .5rem .75rem; border-bottom: 1px solid #dde1ea; }
  form { display: flex; gap: .5rem; margin: 1.5rem 0; flex-wrap: wrap; }
  input, select, button { font: inherit; padding: .4rem .6rem; }
  button { background: #243b6b; color: #fff; border: 0; border-radius: 4px; }
  .notice { padding: .6rem .8rem; border-radius: 4px; }
  .error { background: #fde8e8; color: #8a1c1c; } .ok { background: #e6f6ec; color: #14532d; }
</style></head>
<body><header>Northwind CRM</header><main>
<h1>Workspaces</h1>
<p>Each workspace is a tenant of the embedded automation and billing engine.</p>
${notice ? `<p class="notice ${notice.kind}" role="${notice.kind === 'error' ? 'alert' : 'status'}">${escapeHtml(notice.text)}</p>` : ''}
<table><thead><tr><th>Id</th><th>Name</th><th>Plan</th><th>Created</th></tr></thead><tbody>${rows || '<tr><td colspan="4">No workspaces yet.</td></tr>'}</tbody></table>
<form method="post" action="/tenants">
  <label>Id <input name="id" required pattern="[a-z0-9][a-z0-9_-]*" placeholder="initech"></label>
  <label>Name <input name="name" placeholder="Initech"></label>
  <label>Plan <select name="plan"><option>free</option><option>pro</option><option>business</option><option>enterprise</option></select></label>
  <button type="submit">Create workspace</button>
</form>
</main></body></html>`;
}

async function readForm(request: IncomingMessage, limitBytes = 16 * 1024): Promise<URLSearchParams> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw Object.assign(new Error('form too large'), { status: 413 });
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(response: ServerResponse, status: number, type: string, body: string) {
  response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

export function createDemoServer(engine: Auterity): Server {
  return createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    try {
      if (request.method === 'GET' && url.pathname === '/') {
        return send(response, 200, 'text/html; charset=utf-8', page(await engine.tenants.list()));
      }
      if (request.method === 'GET' && url.pathname === '/api/tenants') {
        return send(response, 200, 'application/json', JSON.stringify({ tenants: await engine.tenants.list() }));
      }
      if (request.method === 'GET' && url.pathname === '/healthz') {
        return send(response, 200, 'application/json', '{"ok":true}');
      }
      if (request.method === 'POST' && url.pathname === '/tenants') {
        const form = await readForm(request);
        const name = form.get('name')?.trim();
        try {
          const tenant = await engine.tenants.create({
            id: form.get('id')?.trim() ?? '',
            ...(name && { name }),
            ...(form.get('plan') && { plan: form.get('plan') as string }),
          });
          return send(response, 201, 'text/html; charset=utf-8', page(await engine.tenants.list(), { kind: 'ok', text: `Created workspace ${tenant.id}.` }));
        } catch (error) {
          if (!isAuterityError(error)) throw error;
          return send(response, error.status, 'text/html; charset=utf-8', page(await engine.tenants.list(), { kind: 'error', text: error.message }));
        }
      }
      return send(response, 404, 'text/plain; charset=utf-8', 'Not found');
    } catch (error) {
      const status = (error as { status?: number }).status ?? 500;
      if (status === 500) console.error(error);
      return send(response, status, 'text/plain; charset=utf-8', status === 500 ? 'Internal error' : (error as Error).message);
    }
  });
}

/** First start: two example workspaces so the page shows something real. */
export async function seedDemo(engine: Auterity): Promise<void> {
  if ((await engine.tenants.list()).length > 0) return;
  await engine.tenants.create({ id: 'acme', name: 'Acme Corp', plan: 'pro' });
  await engine.tenants.create({ id: 'globex', name: 'Globex', plan: 'free' });
}
