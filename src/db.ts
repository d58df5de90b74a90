import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/prisma/client.js';

export type Db = PrismaClient;
export { Prisma } from './generated/prisma/client.js';

const pools = new WeakMap<Db, pg.Pool>();

export function createDb(databaseUrl: string, options: { max?: number; onError?: (error: Error) => void } = {}): Db {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: options.max ?? 10 });
  // Prisma listens for idle-client errors once it connects; until then a
  // dropped idle connection must not crash the process. The composition
  // root passes a rate-limited logger; one-shot commands need none.
  pool.on('error', options.onError ?? (() => undefined));
  const db = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools.set(db, pool);
  return db;
}

/**
 * The pg pool under a Db made by createDb (the same connections Prisma
 * uses), for the few hot statements where Prisma's per-query overhead
 * matters. Undefined for any other client: callers fall back to Prisma.
 */
export function sqlPool(db: unknown): pg.Pool | undefined {
  return typeof db === 'object' && db !== null ? pools.get(db as Db) : undefined;
}

/** The constraint a P2002 unique violation hit, for callers that treat "already exists" as success. */
export function uniqueViolation(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: string; meta?: { target?: unknown; driverAdapterError?: { cause?: { constraint?: unknown } } } };
  if (e.code !== 'P2002') return undefined;
  const constraint = e.meta?.driverAdapterError?.cause?.constraint;
  if (constraint && typeof constraint === 'object' && 'index' in constraint) return String((constraint).index);
  if (typeof constraint === 'string') return constraint;
  return JSON.stringify(constraint ?? e.meta?.target ?? 'unique');
}
