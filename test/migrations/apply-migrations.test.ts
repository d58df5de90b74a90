// applyMigrations must leave a database exactly as `prisma migrate deploy`
// would, so that either can run next against the same migrations folder.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, dropDatabase, withDatabaseName } from '../../src/migrations/apply-migrations.js';
import { DEFAULT_MIGRATIONS_DIR } from '../../src/migrations/schema-engine.js';
import { serverUrl } from '../helpers/database.js';

const newDatabaseUrl = () => withDatabaseName(serverUrl(), `paperboy_t_${randomBytes(5).toString('hex')}`);

async function query<R extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe('applyMigrations on an empty database', () => {
  const url = newDatabaseUrl();
  let folders: string[];
  let firstRun: { applied: string[] };

  beforeAll(async () => {
    folders = (await readdir(DEFAULT_MIGRATIONS_DIR, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    firstRun = await applyMigrations({ databaseUrl: url }); // also creates the database
  });
  afterAll(() => dropDatabase(url));

  it('applies every migration, in order, and builds the schema', async () => {
    expect(firstRun.applied).toEqual(folders);
    const tables = await query<{ table_name: string }>(
      url,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining([
        'Subscriber',
        'List',
        'Subscription',
        'Paper',
        'Digest',
        'Delivery',
        'ConsentRecord',
        'AdminToken',
      ]),
    );
  });

  it('applies nothing the second time', async () => {
    expect(await applyMigrations({ databaseUrl: url })).toEqual({ applied: [] });
  });

  it('records each migration as prisma migrate deploy does', async () => {
    const rows = await query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
      applied_steps_count: number;
      logs: string | null;
    }>(url, 'SELECT * FROM _prisma_migrations ORDER BY migration_name');
    const expected = await Promise.all(
      folders.map(async (name) => ({
        migration_name: name,
        checksum: createHash('sha256')
          .update(await readFile(join(DEFAULT_MIGRATIONS_DIR, name, 'migration.sql')))
          .digest('hex'),
        rolled_back_at: null,
        applied_steps_count: 1,
        logs: null,
      })),
    );
    expect(rows).toMatchObject(expected);
    for (const row of rows) expect(row.finished_at).toBeInstanceOf(Date);
  });

  it('keeps Paper.search up to date and searchable through its GIN index', async () => {
    await query(
      url,
      `INSERT INTO "Paper" (key, title, abstract, source, "updatedAt")
       VALUES ('k1', 'Diffusion models for video', 'We generate videos.', 'admin', now()),
              ('k2', 'Sparse attention', 'Long context transformers.', 'admin', now())`,
    );
    await query(url, `UPDATE "Paper" SET abstract = 'Transformers that read long contexts.' WHERE key = 'k2'`);
    const hits = await query<{ key: string }>(
      url,
      `SELECT key FROM "Paper" WHERE search @@ plainto_tsquery('english', $1)`,
      ['transformer read'],
    );
    expect(hits.map((h) => h.key)).toEqual(['k2']);
    const indexes = await query<{ indexdef: string }>(
      url,
      "SELECT indexdef FROM pg_indexes WHERE indexname = 'Paper_search_idx'",
    );
    expect(indexes[0]?.indexdef).toContain('USING gin (search)');
  });
});

describe('applyMigrations with a failing migration', () => {
  const url = newDatabaseUrl();
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'paperboy-migrations-'));
    await writeFile(join(dir, 'migration_lock.toml'), 'provider = "postgresql"\n');
    await mkdir(join(dir, '20000101000000_broken'));
    // The ";" inside the literal and the late failure are both things the
    // stock adapter-pg script runner gets wrong (it splits on ";").
    await writeFile(
      join(dir, '20000101000000_broken', 'migration.sql'),
      `CREATE TABLE "Note" ("body" TEXT NOT NULL DEFAULT 'a;b');\nSELECT 1/0;\n`,
    );
  });
  afterAll(async () => {
    await dropDatabase(url);
    await rm(dir, { recursive: true, force: true });
  });

  it('throws, names the database, and leaves nothing half-applied', async () => {
    const name = new URL(url).pathname.slice(1);
    await expect(applyMigrations({ databaseUrl: url, migrationsDir: dir })).rejects.toThrow(
      new RegExp(`migrating database "${name}" failed: [\\s\\S]*division by zero`),
    );
    expect(await query(url, "SELECT 1 FROM information_schema.tables WHERE table_name = 'Note'")).toEqual([]);
    const [row] = await query<{ finished_at: Date | null }>(url, 'SELECT finished_at FROM _prisma_migrations');
    expect(row).toEqual({ finished_at: null }); // recorded as failed, as Prisma does
  });
});
