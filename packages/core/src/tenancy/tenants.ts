// Tenant administration (engine level, for the ISV's own back office and the CLI). Each call works
// through the scope of the tenant it names; only `list()` reads across tenants.
import { AuterityError } from '../errors.js';
import { isUniqueViolation, type TenantsTable } from '../storage/index.js';
import { tenantNotFound, type TenancyContext } from './context.js';
import { tenantCreateSchema, tenantUpdateSchema } from './schemas.js';
import { parseInput, tenantIdSchema } from '../shared/validation.js';
import type { CreateTenantInput, Tenant, UpdateTenantInput } from './types.js';

export interface TenantsApi {
  /** Creates a tenant; `conflict` if the id is taken. */
  create(input: CreateTenantInput): Promise<Tenant>;
  /** `not_found` if there is no such tenant. */
  get(id: string): Promise<Tenant>;
  /** Every tenant, oldest first. */
  list(): Promise<Tenant[]>;
  update(id: string, patch: UpdateTenantInput): Promise<Tenant>;
  /** Deletes the tenant and everything it owns. */
  delete(id: string): Promise<void>;
}

export const DEFAULT_PLAN = 'free';

export function toTenant(row: Pick<TenantsTable, keyof TenantsTable>): Tenant {
  return { id: row.tenant_id, name: row.name, plan: row.plan, createdAt: row.created_at, updatedAt: row.updated_at };
}

const parseId = (id: unknown) => parseInput(tenantIdSchema, id, 'tenant id', 'id');

export function createTenantsApi(ctx: TenancyContext): TenantsApi {
  return {
    async create(input) {
      const data = parseInput(tenantCreateSchema, input, 'tenant');
      if (data.plan !== undefined) ctx.validatePlan?.(data.plan);
      await ctx.ready();
      const now = ctx.now();
      try {
        const row = await ctx.storage
          .scope(data.id)
          .insertInto('tenants')
          .values({ name: data.name ?? data.id, plan: data.plan ?? DEFAULT_PLAN, created_at: now, updated_at: now })
          .returningAll()
          .executeTakeFirstOrThrow();
        return toTenant(row);
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new AuterityError('conflict', `Tenant "${data.id}" already exists.`, { details: { tenantId: data.id }, cause: error });
        }
        throw error;
      }
    },

    async get(id) {
      const tenantId = parseId(id);
      await ctx.ready();
      const row = await ctx.storage.scope(tenantId).selectFrom('tenants').selectAll().executeTakeFirst();
      if (!row) throw tenantNotFound(tenantId);
      return toTenant(row);
    },

    async list() {
      await ctx.ready();
      return (await ctx.storage.unscoped.listTenants()).map(toTenant);
    },

    async update(id, patch) {
      const tenantId = parseId(id);
      const data = parseInput(tenantUpdateSchema, patch, 'tenant update');
      if (data.plan !== undefined) ctx.validatePlan?.(data.plan);
      await ctx.ready();
      const scope = ctx.storage.scope(tenantId);
      const changes = {
        ...(data.name !== undefined && { name: data.name }),
        ...(data.plan !== undefined && { plan: data.plan }),
      };
      const row =
        Object.keys(changes).length === 0
          ? await scope.selectFrom('tenants').selectAll().executeTakeFirst()
          : await scope.transaction(async (tx) => {
              if (data.plan !== undefined) await ctx.assertPlanSettable?.(tx, data.plan);
              return tx.updateTable('tenants').set({ ...changes, updated_at: ctx.now() }).returningAll().executeTakeFirst();
            });
      if (!row) throw tenantNotFound(tenantId);
      if (data.plan !== undefined) ctx.planChanged?.(tenantId);
      return toTenant(row);
    },

    async delete(id) {
      const tenantId = parseId(id);
      await ctx.ready();
      const result = await ctx.storage.scope(tenantId).deleteFrom('tenants').executeTakeFirst();
      if (result.numDeletedRows === 0n) throw tenantNotFound(tenantId);
    },
  };
}
