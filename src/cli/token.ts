// `paperboy token create --name NAME` prints a new admin API token on stdout
// (and nothing else, so `TOKEN=$(paperboy token create --name ci)` works);
// `token list` prints JSON; `token revoke --id N` stops one at once.
// The secret is shown only here: Postgres keeps its sha256.
import {
  SCOPES,
  ScopesSchema,
  TokenNameSchema,
  createAdminToken,
  listAdminTokens,
  revokeAdminToken,
} from '../admin/admin-tokens.js';
import { recordAudit } from '../admin/audit-log.js';
import type { Config } from '../config.js';
import { createDb } from '../db.js';
import { parseFlags } from './flags.js';
import { checkPostgres } from './preflight.js';

const USAGE = `Usage: paperboy token create --name NAME --scopes ${SCOPES.join(',')} | token list [--all] | token revoke --id N`;

function fail(message: string): void {
  process.stderr.write(`paperboy token: ${message}\n${USAGE}\n`);
  process.exitCode = 2;
}

export async function runTokenCommand(args: string[], config: Config): Promise<void> {
  const [action, ...rest] = args;
  const values = parseFlags(rest, {
    name: { type: 'string' },
    scopes: { type: 'string' },
    id: { type: 'string' },
    all: { type: 'boolean' },
  });
  if (typeof values === 'string') return fail(values);
  if (action === 'create') {
    const name = TokenNameSchema.safeParse(values.name ?? '');
    if (!name.success) return fail('--name is required (one line, up to 100 characters)');
    const scopes = ScopesSchema.safeParse(
      (values.scopes ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
    if (!scopes.success) return fail(`--scopes is required: a comma-separated list of ${SCOPES.join(', ')}`);
    return withDb(config, async (db) => {
      const { token, info } = await createAdminToken(db, name.data, scopes.data);
      await recordAudit(db, cliAudit('createToken', `/api/admin/tokens/${info.id}`));
      process.stderr.write(
        `Created admin token #${info.id} "${info.name}" (${info.scopes.join(', ')}). It is shown once; store it now.\n`,
      );
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
      if (revoked) await recordAudit(db, cliAudit('revokeToken', `/api/admin/tokens/${id}`));
      process.stdout.write(`${JSON.stringify({ id, revoked })}\n`);
      if (!revoked) process.exitCode = 1;
    });
  }
  return fail(action ? `unknown action "${action}"` : 'an action is required');
}

/** Whoever runs the CLI holds the database, so no token: the entry says "cli". */
function cliAudit(action: string, target: string) {
  return { tokenId: null, tokenName: 'cli', action, target, ip: null };
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
