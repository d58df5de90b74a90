import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.js';

export type Db = PrismaClient;
export { Prisma } from './generated/prisma/client.js';

export function createDb(databaseUrl: string, options: { max?: number } = {}): Db {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: options.max ?? 10 });
  return new PrismaClient({ adapter });
}

/** The constraint a P2002 unique violation hit, for callers that treat "already exists" as success. */
export function uniqueViolation(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: string; meta?: { target?: unknown; driverAdapterError?: { cause?: { constraint?: unknown } } } };
  if (e.code !== 'P2002') return undefined;
  const constraint = e.meta?.driverAdapterError?.cause?.constraint;
  if (constraint && typeof constraint === 'object' && 'index' in constraint) return String((constraint as { index: unknown }).index);
  if (typeof constraint === 'string') return constraint;
  return JSON.stringify(constraint ?? e.meta?.target ?? 'unique');
}
