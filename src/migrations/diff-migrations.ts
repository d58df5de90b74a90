// `prisma migrate diff --from-migrations … --to-schema …` without the native
// engine: the SQL that takes a database built from the migrations folder to
// what schema.prisma describes. It is both the next migration and, when
// empty, the proof that schema.prisma and the migrations have not drifted.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createDatabaseIfMissing, dropDatabase, withDatabaseName } from './apply-migrations.js';
import { DEFAULT_MIGRATIONS_DIR, NO_FILTERS, readMigrationsDir, withSchemaEngine } from './schema-engine.js';

export const DEFAULT_SCHEMA_PATH = fileURLToPath(new URL('../../prisma/schema.prisma', import.meta.url));

/**
 * Returns the migration SQL, or '' when the migrations already produce the
 * schema. `databaseUrl` only locates the server: the migrations are replayed
 * into a throwaway shadow database there, never into the database it names.
 */
export async function diffMigrations(opts: {
  databaseUrl: string;
  migrationsDir?: string;
  schemaPath?: string;
}): Promise<string> {
  const migrationsList = await readMigrationsDir(opts.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  // A first migration has no lockfile to read the provider from yet.
  migrationsList.lockfile.content ??= 'provider = "postgresql"\n';
  const schemaPath = opts.schemaPath ?? DEFAULT_SCHEMA_PATH;
  const schema = { files: [{ path: schemaPath, content: await readFile(schemaPath, 'utf8') }] };

  // We make and drop the shadow database ourselves; see EngineAdapterFactory.
  const shadowUrl = withDatabaseName(opts.databaseUrl, `paperboy_shadow_${randomBytes(6).toString('hex')}`);
  await createDatabaseIfMissing(shadowUrl);
  try {
    const result = await withSchemaEngine({ databaseUrl: shadowUrl, shadowDatabaseUrl: shadowUrl }, (engine) =>
      engine.diff({
        from: { tag: 'migrations', ...migrationsList },
        to: { tag: 'schemaDatamodel', ...schema },
        script: true,
        // Makes the engine say whether the diff is empty (exit code 0) rather
        // than us guessing from its "-- This is an empty migration." comment.
        exitCode: true,
        filters: NO_FILTERS,
      }),
    );
    return result.exitCode === 0 ? '' : (result.stdout ?? '');
  } finally {
    await dropDatabase(shadowUrl);
  }
}
