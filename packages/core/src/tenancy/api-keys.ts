// API keys: `au_<keyId>_<secret>`. Only the SHA-256 of the whole key is stored; verification finds
// the row by the embedded key id, then compares hashes in constant time.
//
// A verified key is remembered for a second (per engine, bounded), so a busy client does not read
// `api_keys` on every request. Revoking through this engine forgets the key at once; a revocation
// made by another process (or a deleted tenant) is seen within that second.
import { timingSafeEqual } from 'node:crypto';
import { sha256Bytes, sha256Hex } from '../shared/hash.js';
import { AuterityError } from '../errors.js';
import { json, type ApiKeysTable, type TenantScope } from '../storage/index.js';
import { createId, randomBase62 } from '../shared/ids.js';
import { parseInput } from '../shared/validation.js';
import { requireTenant, type TenancyContext } from './context.js';
import { apiKeyCreateSchema, lookupIdSchema } from './schemas.js';
import type { ApiKey, CreateApiKeyInput, CreatedApiKey, VerifiedApiKey } from './types.js';

export interface TenantApiKeysApi {
  /** Every key of the tenant (revoked ones too), oldest first; never the secret. */
  list(): Promise<ApiKey[]>;
  create(input?: CreateApiKeyInput): Promise<CreatedApiKey>;
  /** `not_found` unless the key belongs to this tenant. */
  get(id: string): Promise<ApiKey>;
  /** Revokes the key (idempotent); `not_found` unless it belongs to this tenant. */
  revoke(id: string): Promise<ApiKey>;
}

const KEY_FORMAT = /^au_(key_[0-9A-Za-z]{20})_([0-9A-Za-z]{40})$/;
const SECRET_LENGTH = 40;
const LAST_USED_RESOLUTION_MS = 60_000;
export const ALL_SCOPES = ['*'];


const VERIFIED_TTL_MS = 1_000;
const VERIFIED_MAX = 10_000;

interface VerifiedEntry {
  hash: Buffer;
  verified: VerifiedApiKey;
  lastUsedAt: number | null;
  /** When the row was read (the process clock, not the engine's, which tests may move). */
  readAt: number;
}

interface VerifiedCache {
  entries: Map<string, VerifiedEntry>;
  /** Bumped by every revocation: a row read before one is not cached. */
  revocations: number;
}

/** Recently verified keys by key id, per engine (its tenancy context), oldest first. */
const verifiedKeys = new WeakMap<TenancyContext, VerifiedCache>();

function verifiedCache(ctx: TenancyContext): VerifiedCache {
  let cache = verifiedKeys.get(ctx);
  if (!cache) verifiedKeys.set(ctx, (cache = { entries: new Map(), revocations: 0 }));
  return cache;
}

function forgetVerified(ctx: TenancyContext, keyId: string): void {
  const cache = verifiedCache(ctx);
  cache.revocations += 1;
  cache.entries.delete(keyId);
}

function toApiKey(row: ApiKeysTable): ApiKey {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    scopes: json.parse<string[]>(row.scopes),
    createdBy: row.created_by,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

const parseId = (id: unknown) => parseInput(lookupIdSchema, id, 'API key id', 'id');
const keyNotFound = (id: string) => new AuterityError('not_found', `API key "${id}" not found.`, { details: { keyId: id } });

/** Creates a key in the scope's tenant; `createdBy` is the acting user, or null for the engine. */
export async function createApiKey(
  ctx: TenancyContext,
  scope: TenantScope,
  input: unknown,
  createdBy: string | null,
): Promise<CreatedApiKey> {
  const data = parseInput(apiKeyCreateSchema, input ?? {}, 'API key');
  await ctx.ready();
  const id = createId('key');
  const key = `au_${id}_${randomBase62(SECRET_LENGTH)}`;
  const row = await scope.transaction(async (tx) => {
    await requireTenant(tx);
    return tx
      .insertInto('api_keys')
      .values({
        id,
        name: data.name ?? null,
        scopes: json.stringify(data.scopes ?? ALL_SCOPES),
        key_hash: sha256Hex(key),
        created_by: createdBy,
        created_at: ctx.now(),
        last_used_at: null,
        revoked_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
  return { ...toApiKey(row), key };
}

export function createTenantApiKeysApi(ctx: TenancyContext, scope: TenantScope, actorId: string): TenantApiKeysApi {
  return {
    async list() {
      await ctx.ready();
      await requireTenant(scope);
      const rows = await scope.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(toApiKey);
    },

    create: (input) => createApiKey(ctx, scope, input, actorId),

    async get(id) {
      const keyId = parseId(id);
      await ctx.ready();
      const row = await scope.selectFrom('api_keys').selectAll().where('id', '=', keyId).executeTakeFirst();
      if (!row) throw keyNotFound(keyId);
      return toApiKey(row);
    },

    async revoke(id) {
      const keyId = parseId(id);
      await ctx.ready();
      forgetVerified(ctx, keyId);
      const revoked = await scope
        .updateTable('api_keys')
        .set({ revoked_at: ctx.now() })
        .where('id', '=', keyId)
        .where('revoked_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      forgetVerified(ctx, keyId);
      if (revoked) return toApiKey(revoked);
      const existing = await scope.selectFrom('api_keys').selectAll().where('id', '=', keyId).executeTakeFirst();
      if (!existing) throw keyNotFound(keyId);
      return toApiKey(existing);
    },
  };
}

/** The tenant and scopes of a valid, unrevoked key; null for anything else. */
export async function verifyApiKey(ctx: TenancyContext, key: unknown): Promise<VerifiedApiKey | null> {
  if (typeof key !== 'string') {
    throw new AuterityError('invalid_input', 'Invalid API key: expected a string.', { issues: [{ path: 'key', message: 'expected a string' }] });
  }
  const match = KEY_FORMAT.exec(key);
  if (!match) return null;
  const keyId = match[1]!;
  await ctx.ready();
  const presented = sha256Bytes(key);
  const cache = verifiedCache(ctx);
  const cached = cache.entries.get(keyId);
  if (cached && performance.now() - cached.readAt < VERIFIED_TTL_MS && timingSafeEqual(cached.hash, presented)) {
    await touch(ctx, cached.verified.tenantId, keyId, cached);
    return { ...cached.verified, scopes: [...cached.verified.scopes] };
  }
  const readAt = performance.now();
  const revocations = cache.revocations;
  const row = await ctx.storage.unscoped.findApiKeyById(keyId);
  if (!row) return null;
  const stored = Buffer.from(row.key_hash, 'hex');
  if (stored.length !== presented.length || !timingSafeEqual(stored, presented)) return null;
  if (row.revoked_at !== null) return null;
  const verified: VerifiedApiKey = { tenantId: row.tenant_id, keyId, scopes: json.parse<string[]>(row.scopes) };
  const entry: VerifiedEntry = { hash: stored, verified, lastUsedAt: row.last_used_at, readAt };
  // Not cached when a revocation ran meanwhile: this row may predate it.
  if (cache.revocations === revocations) {
    cache.entries.delete(keyId);
    cache.entries.set(keyId, entry);
    if (cache.entries.size > VERIFIED_MAX) cache.entries.delete(cache.entries.keys().next().value as string);
  }
  await touch(ctx, row.tenant_id, keyId, entry);
  return { ...verified, scopes: [...verified.scopes] };
}

/** Records the key's last use, at most once per LAST_USED_RESOLUTION_MS. */
async function touch(ctx: TenancyContext, tenantId: string, keyId: string, entry: VerifiedEntry): Promise<void> {
  const now = ctx.now();
  if (entry.lastUsedAt !== null && now - entry.lastUsedAt < LAST_USED_RESOLUTION_MS) return;
  entry.lastUsedAt = now;
  await ctx.storage.scope(tenantId).updateTable('api_keys').set({ last_used_at: now }).where('id', '=', keyId).execute();
}
