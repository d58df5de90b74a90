// `prisma migrate deploy` without the native engine download: applies the
// pending migrations of prisma/migrations and records them in
// _prisma_migrations exactly as Prisma does, so either tool can take over.
import pg from 'pg';
import { DEFAULT_MIGRATIONS_DIR, NO_FILTERS, readMigrationsDir, withSchemaEngine } from './schema-engine.js';

/** The database a URL names (what comes after the host). */
export function databaseName(databaseUrl: string): string {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  if (!name) throw new Error('the database URL names no database');
  return name;
}

/** The same server and credentials, another database. */
export function withDatabaseName(databaseUrl: string, name: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * Runs `fn` on the server's `postgres` maintenance database: CREATE and DROP
 * DATABASE cannot run while connected to the database concerned.
 */
export async function withMaintenanceClient<T>(databaseUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabaseName(databaseUrl, 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

// 42P04 when the database already existed; 23505 (on pg_database's unique
// name index) when another session created it while we were creating it.
const ALREADY_EXISTS = new Set(['42P04', '23505']);

/** Creates the database unless it exists; true when this call created it. */
export async function createDatabaseIfMissing(databaseUrl: string): Promise<boolean> {
  const name = databaseName(databaseUrl);
  return withMaintenanceClient(databaseUrl, async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
      return true;
    } catch (err) {
      // Another process (a second worker starting) won the race: same outcome.
      if (ALREADY_EXISTS.has((err as { code?: string }).code ?? '')) return false;
      throw err;
    }
  });
}

/** Drops the database, disconnecting anyone still on it. */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const name = databaseName(databaseUrl);
  await withMaintenanceClient(databaseUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`),
  );
}

/**
 * Brings the database up to the migrations folder (created first if missing)
 * and returns the names of the migrations it applied, oldest first; [] when
 * it was already up to date. Safe to run from several processes at once: the
 * engine serialises on Prisma's advisory lock.
 */
export async function applyMigrations(opts: {
  databaseUrl: string;
  migrationsDir?: string;
}): Promise<{ applied: string[] }> {
  const migrationsDir = opts.migrationsDir ?? DEFAULT_MIGRATIONS_DIR;
  const migrationsList = await readMigrationsDir(migrationsDir);
  if (migrationsList.migrationDirectories.length === 0) {
    throw new Error(`no migrations found in ${migrationsDir}`);
  }
  await createDatabaseIfMissing(opts.databaseUrl);
  try {
    const result = await withSchemaEngine({ databaseUrl: opts.databaseUrl }, (engine) =>
      engine.applyMigrations({ migrationsList, filters: NO_FILTERS }),
    );
    return { applied: result.appliedMigrationNames };
  } catch (err) {
    throw new Error(`migrating database "${databaseName(opts.databaseUrl)}" failed: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
