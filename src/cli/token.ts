// `paperboy token create --name NAME` prints a new admin API token on stdout
// (and nothing else, so `TOKEN=$(paperboy token create --name ci)` works);
// `token list` prints JSON; `token revoke --id N` stops one at once.
// The secret is shown only here: Postgres keeps its sha256.
import { parseArgs } from 'node:util';
import { TokenNameSchema, createAdminToken, listAdminTokens, revokeAdminToken } from '../admin/admin-tokens.js';
import type { Config } from '../config.js';
import { createDb } from '../db.js';
import { checkPostgres } from './preflight.js';

const USAGE = 'Usage: paperboy token create --name NAME | token list [--all] | token revoke --id N';

function fail(message: string): void {
  process.stderr.write(`paperboy token: ${message}\n${USAGE}\n`);
  process.exitCode = 2;
}

export async function runTokenCommand(args: string[], config: Config): Promise<void> {
  const [action, ...rest] = args;
  let values: { name?: string; id?: string; all?: boolean };
  try {
    ({ values } = parseArgs({ args: rest, strict: true, options: { name: { type: 'string' }, id: { type: 'string' }, all: { type: 'boolean' } } }));
  } catch (error) {
    return fail((error as Error).message);
  }
  if (action === 'create') {
    const name = TokenNameSchema.safeParse(values.name ?? '');
    if (!name.success) return fail('--name is required (one line, up to 100 characters)');
    return withDb(config, async (db) => {
      const { token, info } = await createAdminToken(db, name.data);
      process.stderr.write(`Created admin token #${info.id} "${info.name}". It is shown once; store it now.\n`);
      process.stdout.write(`${token}\n`);
    });
  }
  if (action === 'list') {
    return withDb(config, async (db) => {
      process.stdout.write(`${JSON.stringify(await listAdminTokens(db, { includeRevoked: values.all }), null, 2)}\n`);
    });
  }
  if (action === 'revoke') {
    const id = Number(values.id);
    if (!Number.isSafeInteger(id) || id <= 0) return fail('--id must be a token id (see token list)');
    return withDb(config, async (db) => {
      const revoked = await revokeAdminToken(db, id);
      process.stdout.write(`${JSON.stringify({ id, revoked })}\n`);
      if (!revoked) process.exitCode = 1;
    });
  }
  return fail(action ? `unknown action "${action}"` : 'an action is required');
}

/** Only Postgres is needed: no Redis or SMTP connection to wait for or close. */
async function withDb(config: Config, fn: (db: ReturnType<typeof createDb>) => Promise<void>): Promise<void> {
  await checkPostgres(config);
  const db = createDb(config.databaseUrl, { max: 1 });
  try {
    await fn(db);
  } finally {
    await db.$disconnect();
  }
}
