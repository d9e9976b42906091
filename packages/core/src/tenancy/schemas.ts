import { z } from 'zod';
import { slugSchema } from '../shared/validation.js';

const nameSchema = z.string().trim().min(1, { error: 'expected a non-empty name' }).max(200, { error: 'expected at most 200 characters' });

export const tenantCreateSchema = z.strictObject({
  id: slugSchema,
  name: nameSchema.optional(),
  plan: slugSchema.optional(),
});

export const tenantUpdateSchema = z.strictObject({
  name: nameSchema.optional(),
  plan: slugSchema.optional(),
});

export const actorSchema = z.object({
  id: z.string().min(1, { error: 'expected a non-empty actor id' }).max(256),
  roles: z.array(z.string().min(1).max(128)).max(100),
});

export const MEMBER_ID = /^[A-Za-z0-9][A-Za-z0-9._:@|+-]{0,127}$/;
export const memberIdSchema = z
  .string()
  .regex(MEMBER_ID, { error: 'expected letters, digits and . _ : @ | + -, starting with a letter or digit, at most 128 characters' });

const emailSchema = z
  .string()
  .trim()
  .max(254, { error: 'expected at most 254 characters' })
  .pipe(z.email({ error: 'expected an email address' }))
  .transform((email) => email.toLowerCase());

const roleSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_:-]{0,63}$/, { error: 'expected a role name: lowercase letters, digits, "_", ":" and "-", starting with a letter' });
const rolesSchema = z
  .array(roleSchema)
  .min(1, { error: 'expected at least one role' })
  .max(50)
  .transform((roles) => [...new Set(roles)]);

export const memberAddSchema = z.strictObject({
  id: memberIdSchema.optional(),
  email: emailSchema,
  name: nameSchema.nullable().optional(),
  roles: rolesSchema,
});

export const invitationAcceptorSchema = z.strictObject({
  id: memberIdSchema,
  name: nameSchema.nullable().optional(),
});

export const memberUpdateSchema = z.strictObject({
  email: emailSchema.optional(),
  name: nameSchema.nullable().optional(),
  roles: rolesSchema.optional(),
});

/** Ids looked up (get/update/remove/revoke): any id that cannot exist is simply not found. */
export const lookupIdSchema = z.string().min(1, { error: 'expected a non-empty id' }).max(256, { error: 'expected at most 256 characters' });

const scopeSchema = z
  .string()
  .regex(/^(\*|[a-z][a-z0-9_-]*(:([a-z0-9_-]+|\*))*)$/, { error: 'expected a scope such as "*", "workflows:*" or "workflow:run"' });

export const apiKeyCreateSchema = z.strictObject({
  name: nameSchema.optional(),
  scopes: z
    .array(scopeSchema)
    .min(1, { error: 'expected at least one scope' })
    .max(100)
    .transform((scopes) => [...new Set(scopes)])
    .optional(),
});
