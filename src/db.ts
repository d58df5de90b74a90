import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/prisma/client.js';

export type Db = PrismaClient;
export { Prisma } from './generated/prisma/client.js';

const pools = new WeakMap<Db, pg.Pool>();

/**
 * No JIT compiling: Paperboy's statements are short, but a chunked read over
 * a large table gets a cost estimate above jit_above_cost, and compiling took
 * 270 ms of a statement that runs in 9 ms (planning 100,000 readers). The
 * pool waits for it before handing the connection out; a server without the
 * setting answers with an error, which costs nothing but the JIT.
 */
async function turnJitOff(client: pg.ClientBase): Promise<void> {
  await client.query('SET jit = off').catch(() => undefined);
}

export function createDb(databaseUrl: string, options: { max?: number; onError?: (error: Error) => void } = {}): Db {
  // pg-pool awaits onConnect before handing a client out; @types/pg declares it void.
  // eslint-disable-next-line @typescript-eslint/no-misused-promises
  const pool = new pg.Pool({ connectionString: databaseUrl, max: options.max ?? 10, onConnect: turnJitOff });
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

/**
 * Runs a hot statement as a named prepared statement on the pool under `db`
 * (parsed and planned once per connection: Prisma's per-query work costs
 * more than these statements do), or through Prisma when `db` has no pool,
 * such as a transaction client whose statements must stay on its connection.
 */
export async function queryPrepared<T extends pg.QueryResultRow>(
  db: Pick<Db, '$queryRawUnsafe'>,
  name: string,
  text: string,
  values: unknown[],
): Promise<T[]> {
  const pool = sqlPool(db);
  return pool ? (await pool.query<T>({ name, text, values })).rows : db.$queryRawUnsafe<T[]>(text, ...values);
}

/** The readiness probe. Raw SQL outside a repo module because it reads no table: no schema change can break it. */
export async function pingDatabase(db: Pick<Db, '$queryRawUnsafe'>): Promise<void> {
  await db.$queryRawUnsafe('SELECT 1');
}

/** The constraint a P2002 unique violation hit, for callers that treat "already exists" as success. */
export function uniqueViolation(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as {
    code?: string;
    meta?: { target?: unknown; driverAdapterError?: { cause?: { constraint?: unknown } } };
  };
  if (e.code !== 'P2002') return undefined;
  const constraint = e.meta?.driverAdapterError?.cause?.constraint;
  if (constraint && typeof constraint === 'object' && 'index' in constraint) return String(constraint.index);
  if (typeof constraint === 'string') return constraint;
  return JSON.stringify(constraint ?? e.meta?.target ?? 'unique');
}
