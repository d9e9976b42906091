// `http.request`, SSRF-safe: the target's addresses — the literal in the URL, or every address its
// name resolves to — must be public unless `allowPrivateNetwork` is set. The check runs in the
// socket's own DNS lookup, so the address connected to is the address checked (no TOCTOU through
// DNS rebinding). Redirects are not followed; responses are capped in size and time.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { z } from 'zod';
import { AuterityError } from '../../../errors.js';
import { defineAction, type Action } from '../types.js';

export interface HttpActionOptions {
  /** Allow loopback, private, link-local and other non-public targets. Default false. */
  allowPrivateNetwork?: boolean;
  /** Default and maximum per-request timeout. Default 30 s. */
  timeoutMs?: number;
  /** Largest response body read. Default 5 MiB. */
  maxResponseBytes?: number;
}

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128], ['::1', 128], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 23], ['2001:db8::', 32],
  ['2002::', 16], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) blocked.addSubnet(net, prefix, 'ipv6');

/** True for addresses that are not on the public internet (IPv4-mapped IPv6 included). */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family !== 6) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return blocked.check(mapped[1], 'ipv4');
  const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (hexMapped?.[1] && hexMapped[2]) {
    const hi = parseInt(hexMapped[1], 16);
    const lo = parseInt(hexMapped[2], 16);
    return blocked.check(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, 'ipv4');
  }
  return blocked.check(address, 'ipv6');
}

function refused(target: string, address: string): AuterityError {
  return new AuterityError('forbidden', `http.request: ${target} resolves to ${address}, a private, loopback or link-local address; requests there are refused`, {
    details: { reason: 'ssrf', address },
  });
}

const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const bad = addresses.find((entry) => isPrivateAddress(entry.address));
    if (bad) return callback(refused(hostname, bad.address), '', 0);
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const first = addresses[0];
    if (!first) return callback(new Error(`no address for ${hostname}`), '', 0);
    callback(null, first.address, first.family);
  });
};

const inputSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.unknown().optional(),
  timeoutMs: z.number().int().min(1).optional(),
  /** Reject (and retry, if the step retries) on a non-2xx status. Default true. */
  failOnStatus: z.boolean().default(true),
});

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export function httpRequestAction(options: HttpActionOptions = {}): Action<z.output<typeof inputSchema>, HttpResponse> {
  const maxBytes = options.maxResponseBytes ?? 5 * 1024 * 1024;
  const maxTimeout = options.timeoutMs ?? 30_000;
  return defineAction({
    name: 'http.request',
    input: inputSchema,
    run: ({ input, signal, idempotencyKey }) =>
      new Promise<HttpResponse>((resolve, reject) => {
        const url = new URL(input.url);
        const host = url.hostname.replace(/^\[|\]$/g, '');
        if (!options.allowPrivateNetwork && isIP(host) && isPrivateAddress(host)) return reject(refused(url.hostname, host));
        if (!options.allowPrivateNetwork && (host === 'localhost' || host.endsWith('.localhost'))) return reject(refused(url.hostname, '127.0.0.1'));
        const payload = input.body === undefined ? undefined : typeof input.body === 'string' ? input.body : JSON.stringify(input.body);
        const headers: Record<string, string> = { 'idempotency-key': idempotencyKey, ...input.headers };
        if (payload !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
          headers['content-type'] = typeof input.body === 'string' ? 'text/plain' : 'application/json';
        }
        const timeoutMs = Math.min(input.timeoutMs ?? maxTimeout, maxTimeout);
        const request = (url.protocol === 'https:' ? https : http).request(url, {
          method: input.method,
          headers,
          signal,
          timeout: timeoutMs,
          ...(options.allowPrivateNetwork ? {} : { lookup: guardedLookup }),
        });
        request.on('timeout', () => request.destroy(new AuterityError('unavailable', `http.request: no response from ${url.host} within ${timeoutMs} ms`)));
        request.on('error', (error) => reject(error));
        request.on('response', (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBytes) {
              request.destroy();
              reject(new AuterityError('payload_too_large', `http.request: response from ${url.host} exceeds ${maxBytes} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          response.on('error', reject);
          response.on('end', () => {
            if (size > maxBytes) return;
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = text;
            if (/json/i.test(String(response.headers['content-type'] ?? ''))) {
              try {
                body = JSON.parse(text);
              } catch {
                body = text;
              }
            }
            const status = response.statusCode ?? 0;
            const responseHeaders: Record<string, string> = {};
            for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) responseHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
            if (input.failOnStatus && (status < 200 || status >= 300)) {
              const code = status >= 400 && status < 500 && status !== 408 && status !== 429 ? 'invalid_input' : 'unavailable';
              return reject(new AuterityError(code, `http.request: ${input.method} ${url.host} answered ${status}`, { details: { status, body } }));
            }
            resolve({ status, headers: responseHeaders, body });
          });
        });
        request.end(payload);
      }),
  }) as Action<z.output<typeof inputSchema>, HttpResponse>;
}
