// Wire shapes shared by several route modules.
import { z } from 'zod';

/** A path id: anything that cannot exist is simply not found, so only the length is checked. */
export const idParams = z.object({ id: z.string().min(1).max(256).meta({ description: 'The resource id.' }) });

export const timestamp = z.number().int().meta({ description: 'Epoch milliseconds.' });

/** `{ data: [...] }`: lists are wrapped so pagination fields can be added without breaking clients. */
export const listOf = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item) });
