// Checks a command makes before it starts work, so a person sees what to do
// ("run `paperboy migrate`", "Postgres at … is unreachable") instead of a
// driver's stack trace. URLs in messages never show their password.
import pg from 'pg';
import type { Config } from '../config.js';
import { databaseName } from '../migrations/apply-migrations.js';
import { pendingMigrations } from '../migrations/pending-migrations.js';
import { createRedis, waitForRedis } from '../redis.js';

/** An error meant for the person at the terminal: its message is the whole story. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function maskUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '****';
    return url.toString();
  } catch {
    return '(an unparseable URL)';
  }
}

const DATABASE_MISSING = '3D000';
const AUTH_FAILED = new Set(['28P01', '28000']);

export interface PostgresCheck {
  /** Keep retrying an unreachable server this long (0: one try). */
  waitMs?: number;
  /** `migrate` creates the database, so a missing one is fine there. */
  allowMissingDatabase?: boolean;
  /** Refuse to go on while migrations are pending (default true). */
  requireMigrated?: boolean;
}

export async function checkPostgres(config: Pick<Config, 'databaseUrl'>, check: PostgresCheck = {}): Promise<void> {
  const deadline = Date.now() + (check.waitMs ?? 0);
  const where = maskUrl(config.databaseUrl);
  for (;;) {
    const client = new pg.Client({ connectionString: config.databaseUrl, connectionTimeoutMillis: 3000 });
    // A server going away mid-check must not crash the process with an unheard event.
    client.on('error', () => undefined);
    try {
      await client.connect();
      if (check.requireMigrated !== false) {
        const pending = await pendingMigrations(client);
        if (pending.length) {
          throw new CliError(
            `database "${databaseName(config.databaseUrl)}" has ${pending.length} pending migration(s), the first ${pending[0]}: run \`paperboy migrate\``,
          );
        }
      }
      return;
    } catch (error) {
      if (error instanceof CliError) throw error;
      const code = (error as { code?: string }).code;
      if (code === DATABASE_MISSING) {
        if (check.allowMissingDatabase) return;
        throw new CliError(`database "${databaseName(config.databaseUrl)}" does not exist: run \`paperboy migrate\``);
      }
      if (code && AUTH_FAILED.has(code))
        throw new CliError(`Postgres at ${where} refused the login: ${(error as Error).message}`);
      if (Date.now() >= deadline) {
        const waited = check.waitMs ? ` (waited ${Math.round(check.waitMs / 1000)} s)` : '';
        throw new CliError(`Postgres at ${where} is unreachable: ${code ?? (error as Error).message}${waited}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    } finally {
      // A probe that fails to close has nothing left open to log about.
      await client.end().catch(() => undefined);
    }
  }
}

export async function checkRedis(config: Pick<Config, 'redisUrl'>, waitMs = 3000): Promise<void> {
  const redis = createRedis(config.redisUrl, 'command');
  try {
    if (!(await waitForRedis(redis, waitMs))) {
      throw new CliError(`Redis at ${maskUrl(config.redisUrl)} is unreachable (waited ${Math.round(waitMs / 1000)} s)`);
    }
  } finally {
    redis.disconnect();
  }
}

/** One line for an error that reached the top: the CLI's own messages as they are, others with their code. */
export function describeError(error: unknown): string {
  if (error instanceof CliError) return error.message;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
