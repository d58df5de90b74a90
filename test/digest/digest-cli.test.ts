import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDigestArgs } from '../../src/cli/digest.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';
import { createList, createPaper, createSubscriber } from './fixtures.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/paperboy.js', import.meta.url));

/** Rows per table of the test database. */
async function rowCounts(env: TestEnv): Promise<Record<string, number>> {
  const tables = await env.ctx.db.$queryRawUnsafe<Array<{ name: string }>>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await env.ctx.db.$queryRawUnsafe<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM "${name}"`);
    counts[name] = row!.n;
  }
  return counts;
}

describe('paperboy digest', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
    const list = await createList(env.ctx.db, { slug: 'trending', name: 'Trending' });
    await createPaper(env.ctx.db, 'The one paper of the day', { upvotes: 7 });
    await createSubscriber(env.ctx.db, 'cli-reader@example.org', [list.id]);
    await createSubscriber(env.ctx.db, 'cli-weekly@example.org', [list.id], { frequency: 'weekly', weekday: 1 });
  });
  afterAll(async () => {
    await env?.cleanup();
  });

  it('parses its flags: a period is required, --date is an alias of --period', () => {
    expect(parseDigestArgs(['--period', '2026-11-12'], '2026-01-01')).toEqual({
      period: '2026-11-12',
      dryRun: false,
      timeoutMs: 0,
    });
    expect(parseDigestArgs(['--date', '2026-11-12'], '2026-01-01')).toEqual({
      period: '2026-11-12',
      dryRun: false,
      timeoutMs: 0,
    });
    expect(parseDigestArgs(['--today', '--dry-run'], '2026-01-01')).toEqual({
      period: '2026-01-01',
      dryRun: true,
      timeoutMs: 0,
    });
    expect(parseDigestArgs(['--dry-run'], '2026-01-01')).toMatch(/--period YYYY-MM-DD, or --today/);
    expect(parseDigestArgs(['--today', '--period', '2026-11-12'], '2026-01-01')).toMatch(/exclude each other/);
    expect(parseDigestArgs(['--period', '2026-13-01'], '2026-01-01')).toMatch(/real date/);
    expect(parseDigestArgs(['--bogus'], '2026-01-01')).toMatch(/bogus/);
  });

  it('plans and sends a period, waits, and prints the JSON summary; a dry run writes nothing', async () => {
    const environment = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: env.config.databaseUrl,
      REDIS_URL: env.config.redisUrl,
      SMTP_URL: env.config.smtpUrl,
      QUEUE_PREFIX: env.config.queuePrefix,
      SECRET_KEY: env.config.secretKey,
      PUBLIC_URL: env.config.publicUrl,
    };
    const before = await rowCounts(env);
    const dry = await run(process.execPath, [BIN, 'digest', '--period', '2026-11-12', '--dry-run'], {
      env: environment,
    });
    expect(JSON.parse(dry.stdout)).toMatchObject({
      digestId: null,
      status: 'unplanned',
      period: '2026-11-12',
      planned: 1,
      sent: 0,
      dryRun: true,
    });
    // Not even the Digest row: every table has the rows it had.
    expect(await rowCounts(env)).toEqual(before);
    expect(await env.ctx.db.digest.count()).toBe(0);

    const { stdout, stderr } = await run(process.execPath, [BIN, 'digest', '--period', '2026-11-12'], {
      env: environment,
    });
    // Piped: no progress bar, no escape codes.
    expect(stderr).not.toMatch(/\r|\u001b\[/);
    // 2026-11-12 is a Thursday: the Monday weekly reader is not due.
    expect(JSON.parse(stdout)).toMatchObject({
      period: '2026-11-12',
      status: 'done',
      planned: 1,
      sent: 1,
      skipped: 0,
      failed: 0,
    });
    const [mail] = await env.sink.waitFor(1);
    expect(mail!.envelope.to).toEqual(['cli-reader@example.org']);
  }, 60_000);
});
