// The `paperboy` command as a person meets it: help for every command, usage
// errors that name the culprit and exit 2, and runtime errors that say what
// to do (with no password in them) and exit 1.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_HELP } from '../../src/cli/usage.js';
import { createDatabaseIfMissing } from '../../src/migrations/apply-migrations.js';
import { createTestEnv, type TestEnv } from '../helpers/context.js';
import { dropDatabase, serverUrl, withDatabaseUrl } from '../helpers/database.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.cleanup());

function paperboy(args: string[], extra: Record<string, string> = {}): Promise<Run> {
  const childEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: env.config.databaseUrl,
    REDIS_URL: env.config.redisUrl,
    QUEUE_PREFIX: env.config.queuePrefix,
    ...extra,
  };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/paperboy.js', ...args],
      { cwd: root, env: childEnv, timeout: 55_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('paperboy help and usage errors', () => {
  it('answers --help overall and for every command, exit 0', { timeout: 120_000 }, async () => {
    const overall = await paperboy(['--help']);
    expect(overall.code).toBe(0);
    for (const name of Object.keys(COMMAND_HELP)) expect(overall.stdout).toContain(`  ${name} `);
    const names = Object.keys(COMMAND_HELP);
    const runs = await Promise.all(names.map((name) => paperboy([name, '--help'])));
    runs.forEach((run, i) => {
      expect(run.code, names[i]).toBe(0);
      expect(run.stdout, names[i]).toContain(`Usage: paperboy ${names[i]}`);
    });
    expect((await paperboy(['help', 'digest'])).stdout).toContain('--today');
  });

  it('names an unknown command or option and exits 2', { timeout: 60_000 }, async () => {
    const [command, option, digestOption] = await Promise.all([
      paperboy(['frobnicate']),
      paperboy(['ingest', '--bogus']),
      paperboy(['digest', '--today', '--whatever']),
    ]);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('unknown command "frobnicate"');
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/paperboy ingest: Unknown option '--bogus'/);
    expect(digestOption.code).toBe(2);
    expect(digestOption.stderr).toContain("'--whatever'");
  });

  it('refuses a digest without --period or --today, and sends nothing', { timeout: 60_000 }, async () => {
    const bare = await paperboy(['digest']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('say which period to send: --period YYYY-MM-DD, or --today');
    expect(bare.stdout).toBe('');
    expect(await env.ctx.db.digest.count()).toBe(0);
  });
});

describe('paperboy errors a person can act on', () => {
  it('says a missing database does not exist and how to create it', { timeout: 60_000 }, async () => {
    const missing = `paperboy_missing_${randomBytes(4).toString('hex')}`;
    const run = await paperboy(['ingest', '--source', 'file', '--file', 'data/sample/daily-papers.json'], {
      DATABASE_URL: withDatabaseUrl(serverUrl(), missing),
    });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(`paperboy: database "${missing}" does not exist: run \`paperboy migrate\``);
  });

  it('names pending migrations', { timeout: 60_000 }, async () => {
    const empty = `paperboy_unmigrated_${randomBytes(4).toString('hex')}`;
    const url = withDatabaseUrl(serverUrl(), empty);
    await createDatabaseIfMissing(url);
    try {
      const run = await paperboy(['token', 'list'], { DATABASE_URL: url });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        new RegExp(`database "${empty}" has \\d+ pending migration\\(s\\), the first \\S+: run \`paperboy migrate\``),
      );
    } finally {
      await dropDatabase(empty);
    }
  });

  it('names an unreachable Postgres or Redis with the password masked', { timeout: 60_000 }, async () => {
    const [postgres, redis, start] = await Promise.all([
      paperboy(['ingest', '--source', 'file', '--file', 'data/sample/daily-papers.json'], {
        DATABASE_URL: 'postgresql://paperboy:hunter2secret@127.0.0.1:1/paperboy',
      }),
      paperboy(['digest', '--today'], { REDIS_URL: 'redis://:hunter2secret@127.0.0.1:1' }),
      paperboy(['start'], {
        DATABASE_URL: 'postgresql://paperboy:hunter2secret@127.0.0.1:1/paperboy',
        STARTUP_WAIT_SECONDS: '1',
      }),
    ]);
    expect(postgres.code).toBe(1);
    expect(postgres.stderr.trim()).toBe(
      'paperboy: Postgres at postgresql://paperboy:****@127.0.0.1:1/paperboy is unreachable: ECONNREFUSED',
    );
    expect(redis.code).toBe(1);
    expect(redis.stderr.trim()).toBe('paperboy: Redis at redis://:****@127.0.0.1:1 is unreachable (waited 3 s)');
    // start gives up after STARTUP_WAIT_SECONDS instead of listening with no database.
    expect(start.code).toBe(1);
    expect(start.stderr.trim()).toBe(
      'paperboy: Postgres at postgresql://paperboy:****@127.0.0.1:1/paperboy is unreachable: ECONNREFUSED (waited 1 s)',
    );
    for (const run of [postgres, redis, start]) expect(run.stderr).not.toContain('hunter2secret');
  });
});
