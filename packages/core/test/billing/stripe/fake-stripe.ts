// A local HTTP server that answers the real stripe-node client in Stripe's wire format: form-encoded
// requests (bracketed keys), JSON objects with `object` and `id`, list envelopes, lookup-key search,
// `transfer_lookup_key`, idempotent meter events by `identifier`, and Stripe's error shapes. Only
// the endpoints billing uses are implemented; anything else answers 404 like Stripe does.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Json = Record<string, unknown>;

export interface RecordedRequest {
  method: string;
  path: string;
  body: Json;
}

/** Parses `a[b][0][c]=v&x=1` into nested objects and arrays, as Stripe reads form bodies. */
export function parseForm(text: string): Json {
  const root: Json = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const parts = rawKey.replace(/\]/g, '').split('[');
    let node: Record<string, unknown> | unknown[] = root;
    parts.forEach((part, index) => {
      const last = index === parts.length - 1;
      const key: string | number = Array.isArray(node) ? Number(part) : part;
      if (last) {
        (node as Record<string | number, unknown>)[key] = value;
        return;
      }
      const nextIsIndex = /^\d+$/.test(parts[index + 1]!);
      const container = node as Record<string | number, unknown>;
      container[key] ??= nextIsIndex ? [] : {};
      node = container[key] as Record<string, unknown> | unknown[];
    });
  }
  return root;
}

const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
const now = () => Math.floor(Date.now() / 1000);

export interface FakeStripe {
  readonly port: number;
  readonly requests: RecordedRequest[];
  readonly products: Map<string, Json>;
  readonly prices: Map<string, Json>;
  readonly meterEvents: Map<string, Json>;
  /** Meter events answer 503 (without retry) while this is above zero; each refusal counts down. */
  failMeterEvents: number;
  close(): Promise<void>;
}

export async function startFakeStripe(): Promise<FakeStripe> {
  const products = new Map<string, Json>();
  const prices = new Map<string, Json>();
  const meterEvents = new Map<string, Json>();
  const requests: RecordedRequest[] = [];
  const state = { failMeterEvents: 0 };

  const send = (res: ServerResponse, status: number, body: Json, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': newId('req'), ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, message: string, extra: Json = {}) =>
    send(res, status, { error: { type: status >= 500 ? 'api_error' : 'invalid_request_error', message, ...extra } }, status >= 500 ? { 'stripe-should-retry': 'false' } : {});
  const missing = (res: ServerResponse, kind: string, id: string) => error(res, 404, `No such ${kind}: '${id}'`, { code: 'resource_missing', param: 'id' });
  const list = (url: string, data: Json[]) => ({ object: 'list', url, has_more: false, data });

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const url = new URL(req.url ?? '/', 'http://stripe.local');
    const method = req.method ?? 'GET';
    if (!(req.headers.authorization ?? '').startsWith('Bearer sk_')) return error(res, 401, 'Invalid API Key provided');
    const body = method === 'GET' ? parseForm(url.search.slice(1)) : parseForm(raw);
    requests.push({ method, path: url.pathname, body });
    const path = url.pathname.split('/').filter(Boolean);

    if (path[1] === 'products') {
      const id = path[2];
      if (method === 'GET' && id) return products.has(id) ? send(res, 200, products.get(id)!) : missing(res, 'product', id);
      if (method === 'POST' && !id) {
        const productId = typeof body['id'] === 'string' ? body['id'] : newId('prod');
        if (products.has(productId)) return error(res, 400, `Product already exists.`, { code: 'resource_already_exists' });
        const product = { id: productId, object: 'product', active: true, created: now(), livemode: false, name: body['name'], metadata: body['metadata'] ?? {} };
        products.set(productId, product);
        return send(res, 200, product);
      }
      if (method === 'POST' && id) {
        const product = products.get(id);
        if (!product) return missing(res, 'product', id);
        Object.assign(product, body);
        return send(res, 200, product);
      }
    }
    if (path[1] === 'prices') {
      if (method === 'GET') {
        const keys = Array.isArray(body['lookup_keys']) ? (body['lookup_keys'] as string[]) : [];
        const data = [...prices.values()].filter(
          (price) => (keys.length === 0 || keys.includes(price['lookup_key'] as string)) && (body['active'] === undefined || String(price['active']) === body['active']),
        );
        return send(res, 200, list('/v1/prices', data.slice(0, Number(body['limit'] ?? 10))));
      }
      if (method === 'POST') {
        const key = body['lookup_key'] as string | undefined;
        const holder = key ? [...prices.values()].find((price) => price['lookup_key'] === key) : undefined;
        if (holder && body['transfer_lookup_key'] !== 'true') return error(res, 400, `A price (\`${String(holder['id'])}\`) already uses that lookup key.`, { param: 'lookup_key' });
        if (!products.has(body['product'] as string)) return missing(res, 'product', String(body['product']));
        if (holder) holder['lookup_key'] = null;
        const recurring = body['recurring'] as Json | undefined;
        const price = {
          id: newId('price'), object: 'price', active: true, created: now(), livemode: false, currency: body['currency'], product: body['product'],
          unit_amount: Number(body['unit_amount']), lookup_key: key ?? null, type: recurring ? 'recurring' : 'one_time',
          recurring: recurring ? { interval: recurring['interval'], interval_count: 1, usage_type: 'licensed' } : null, metadata: body['metadata'] ?? {},
        };
        prices.set(price.id, price);
        return send(res, 200, price);
      }
    }
    if (path[1] === 'checkout' && path[2] === 'sessions' && method === 'POST') {
      const items = (body['line_items'] as Json[] | undefined) ?? [];
      for (const [index, item] of items.entries()) {
        if (!prices.has(item['price'] as string)) return error(res, 400, `No such price: '${String(item['price'])}'`, { code: 'resource_missing', param: `line_items[${index}][price]` });
      }
      if (!body['success_url']) return error(res, 400, 'Missing required param: success_url.', { param: 'success_url' });
      const id = newId('cs_test');
      return send(res, 200, {
        id, object: 'checkout.session', mode: body['mode'], status: 'open', url: `https://checkout.stripe.com/c/pay/${id}`, client_reference_id: body['client_reference_id'] ?? null,
        customer: body['customer'] ?? null, metadata: body['metadata'] ?? {}, subscription: null,
      });
    }
    if (path[1] === 'billing_portal' && path[2] === 'sessions' && method === 'POST') {
      if (!body['customer']) return error(res, 400, 'Missing required param: customer.', { param: 'customer' });
      return send(res, 200, { id: newId('bps'), object: 'billing_portal.session', customer: body['customer'], return_url: body['return_url'], url: `https://billing.stripe.com/p/session/${newId('test')}` });
    }
    if (path[1] === 'billing' && path[2] === 'meter_events' && method === 'POST') {
      if (state.failMeterEvents > 0) {
        state.failMeterEvents--;
        return error(res, 503, 'The meter event service is temporarily unavailable.');
      }
      const identifier = (body['identifier'] as string | undefined) ?? newId('mev');
      const payload = body['payload'] as Json | undefined;
      if (!payload?.['stripe_customer_id']) return error(res, 400, 'Missing stripe_customer_id in payload.', { param: 'payload[stripe_customer_id]' });
      const event = { object: 'billing.meter_event', created: now(), event_name: body['event_name'], identifier, livemode: false, payload, timestamp: Number(body['timestamp'] ?? now()) };
      if (!meterEvents.has(identifier)) meterEvents.set(identifier, event);
      return send(res, 200, event);
    }
    return error(res, 404, `Unrecognized request URL (${method}: ${url.pathname}).`);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    products,
    prices,
    meterEvents,
    get failMeterEvents() {
      return state.failMeterEvents;
    },
    set failMeterEvents(value: number) {
      state.failMeterEvents = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
