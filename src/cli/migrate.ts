// `paperboy migrate`: creates the database when it is missing and applies the
// pending migrations; prints the names it applied as JSON.
import type { Config } from '../config.js';
import { applyMigrations } from '../migrations/apply-migrations.js';
import { parseFlags } from './flags.js';
import { checkPostgres } from './preflight.js';
import { usageError } from './usage.js';

export async function runMigrateCommand(args: string[], config: Config): Promise<void> {
  const flags = parseFlags(args, {});
  if (typeof flags === 'string') return usageError('migrate', flags);
  await checkPostgres(config, { allowMissingDatabase: true, requireMigrated: false });
  const { applied } = await applyMigrations({ databaseUrl: config.databaseUrl });
  process.stdout.write(`${JSON.stringify({ applied })}\n`);
}
