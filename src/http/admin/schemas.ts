// Schemas shared by several admin routes: errors, ids, cursors, flags.
import { z } from 'zod';
import { AppError, ERROR_CODES } from '../errors.js';

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'validation_failed' }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error' });

export const IdParams = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 31 - 1),
});

/** Query flags: "true"/"false" (and 1/0), as curl users type them. */
export const flag = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1')
  .optional();

/** A real calendar day: 2024-13-45 has the shape but would become an Invalid Date in a query. */
export const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
  }, 'must be a real date as YYYY-MM-DD');

/**
 * Cursor pagination: the cursor is the sort key of the last row of the
 * previous page (its id; a digest's period), wrapped in base64url so scripts
 * treat it as opaque. Paging by a unique key means rows inserted while paging
 * land on one side of the cursor: nothing is skipped or repeated.
 */
function encodeKey(field: string, value: string): string {
  return Buffer.from(`${field}:${value}`, 'utf8').toString('base64url');
}

function decodeKey(cursor: string, field: string, value: RegExp): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const key = decoded.startsWith(`${field}:`) ? decoded.slice(field.length + 1) : '';
  if (!value.test(key))
    throw new AppError(ERROR_CODES.validation, 400, 'cursor: invalid cursor', [
      { path: 'cursor', message: 'invalid cursor' },
    ]);
  return key;
}

export const encodeCursor = (lastId: number): string => encodeKey('id', String(lastId));
export const decodeCursor = (cursor: string): number => Number(decodeKey(cursor, 'id', /^\d{1,10}$/));
export const encodePeriodCursor = (period: string): string => encodeKey('period', period);
export const decodePeriodCursor = (cursor: string): string => decodeKey(cursor, 'period', /^\d{4}-\d{2}-\d{2}$/);

export const pageQuery = {
  cursor: z.string().max(64).optional().meta({ description: 'nextCursor from the previous page' }),
  limit: z.coerce.number().int().min(1).max(500).default(50),
};

/** `rows` is one more than `limit` when there is a next page. */
export function pageOf<T extends { id: number }>(
  rows: T[],
  limit: number,
  cursorOf: (last: T) => string = (last) => encodeCursor(last.id),
) {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? cursorOf(last) : null };
}

export const paged = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
