// A tenant's members, through its scope only.
import { AuterityError } from '../errors.js';
import { isUniqueViolation, json, type MembersTable, type TenantScope } from '../storage/index.js';
import { createId } from '../shared/ids.js';
import { parseInput } from '../shared/validation.js';
import { requireTenant, type TenancyContext } from './context.js';
import { lookupIdSchema, memberAddSchema, memberUpdateSchema } from './schemas.js';
import type { AddMemberInput, Member, UpdateMemberInput } from './types.js';

export interface MembersApi {
  /** Every member of the tenant, oldest first. */
  list(): Promise<Member[]>;
  /** `conflict` if the id or the email is already a member of this tenant. */
  add(input: AddMemberInput): Promise<Member>;
  /** `not_found` unless the member belongs to this tenant. */
  get(id: string): Promise<Member>;
  update(id: string, patch: UpdateMemberInput): Promise<Member>;
  remove(id: string): Promise<void>;
}

function toMember(row: MembersTable): Member {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    email: row.email,
    name: row.name,
    roles: json.parse<string[]>(row.roles),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const parseId = (id: unknown) => parseInput(lookupIdSchema, id, 'member id', 'id');
const memberNotFound = (id: string) => new AuterityError('not_found', `Member "${id}" not found.`, { details: { memberId: id } });
const emailTaken = (email: string, cause?: unknown) =>
  new AuterityError('conflict', `A member with email "${email}" already exists.`, { details: { email }, cause });

async function assertEmailFree(scope: TenantScope, email: string, exceptId?: string): Promise<void> {
  let query = scope.selectFrom('members').select('id').where('email', '=', email);
  if (exceptId !== undefined) query = query.where('id', '<>', exceptId);
  if (await query.executeTakeFirst()) throw emailTaken(email);
}

export function createMembersApi(ctx: TenancyContext, scope: TenantScope): MembersApi {
  return {
    async list() {
      await ctx.ready();
      await requireTenant(scope);
      const rows = await scope.selectFrom('members').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(toMember);
    },

    async add(input) {
      const data = parseInput(memberAddSchema, input, 'member');
      await ctx.ready();
      const id = data.id ?? createId('mem');
      try {
        return await scope.transaction(async (tx) => {
          await requireTenant(tx);
          if (await tx.selectFrom('members').select('id').where('id', '=', id).executeTakeFirst()) {
            throw new AuterityError('conflict', `Member "${id}" already exists.`, { details: { memberId: id } });
          }
          await assertEmailFree(tx, data.email);
          const now = ctx.now();
          const row = await tx
            .insertInto('members')
            .values({ id, email: data.email, name: data.name ?? null, roles: json.stringify(data.roles), created_at: now, updated_at: now })
            .returningAll()
            .executeTakeFirstOrThrow();
          return toMember(row);
        });
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new AuterityError('conflict', `Member "${id}" or email "${data.email}" already exists.`, { cause: error });
        }
        throw error;
      }
    },

    async get(id) {
      const memberId = parseId(id);
      await ctx.ready();
      const row = await scope.selectFrom('members').selectAll().where('id', '=', memberId).executeTakeFirst();
      if (!row) throw memberNotFound(memberId);
      return toMember(row);
    },

    async update(id, patch) {
      const memberId = parseId(id);
      const data = parseInput(memberUpdateSchema, patch, 'member update');
      await ctx.ready();
      try {
        return await scope.transaction(async (tx) => {
          const current = await tx.selectFrom('members').selectAll().where('id', '=', memberId).executeTakeFirst();
          if (!current) throw memberNotFound(memberId);
          if (data.email !== undefined && data.email !== current.email) await assertEmailFree(tx, data.email, memberId);
          const changes = {
            ...(data.email !== undefined && { email: data.email }),
            ...(data.name !== undefined && { name: data.name }),
            ...(data.roles !== undefined && { roles: json.stringify(data.roles) }),
          };
          if (Object.keys(changes).length === 0) return toMember(current);
          const row = await tx
            .updateTable('members')
            .set({ ...changes, updated_at: ctx.now() })
            .where('id', '=', memberId)
            .returningAll()
            .executeTakeFirst();
          if (!row) throw memberNotFound(memberId);
          return toMember(row);
        });
      } catch (error) {
        if (isUniqueViolation(error) && data.email !== undefined) throw emailTaken(data.email, error);
        throw error;
      }
    },

    async remove(id) {
      const memberId = parseId(id);
      await ctx.ready();
      const result = await scope.deleteFrom('members').where('id', '=', memberId).executeTakeFirst();
      if (result.numDeletedRows === 0n) throw memberNotFound(memberId);
    },
  };
}
