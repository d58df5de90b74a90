// Which migrations of the folder the database has not applied yet: what the
// CLI checks before a command that needs the current schema, so a stale
// database gets "run `paperboy migrate`" instead of a missing-column error.
import { readdir } from 'node:fs/promises';
import type pg from 'pg';
import { DEFAULT_MIGRATIONS_DIR } from './schema-engine.js';

const UNDEFINED_TABLE = '42P01';

export async function pendingMigrations(
  client: pg.ClientBase,
  migrationsDir = DEFAULT_MIGRATIONS_DIR,
): Promise<string[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const wanted = entries.filter((e) => e.isDirectory()).map((e) => e.name);
  let applied: Set<string>;
  try {
    // Prisma's own bookkeeping: a finished, not rolled-back row per applied migration.
    const { rows } = await client.query<{ name: string }>(
      'SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    applied = new Set(rows.map((r) => r.name));
  } catch (error) {
    if ((error as { code?: string }).code !== UNDEFINED_TABLE) throw error;
    applied = new Set();
  }
  return wanted.filter((name) => !applied.has(name)).sort();
}
