// `paperboy migrate`: creates the database when it is missing and applies the
// pending migrations; prints the names it applied as JSON.
import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { applyMigrations } from '../migrations/apply-migrations.js';
import { checkPostgres } from './preflight.js';
import { usageError } from './usage.js';

export async function runMigrateCommand(args: string[], config: Config): Promise<void> {
  try {
    parseArgs({ args, strict: true, options: {} });
  } catch (error) {
    return usageError('migrate', (error as Error).message);
  }
  await checkPostgres(config, { allowMissingDatabase: true, requireMigrated: false });
  const { applied } = await applyMigrations({ databaseUrl: config.databaseUrl });
  process.stdout.write(`${JSON.stringify({ applied })}\n`);
}
