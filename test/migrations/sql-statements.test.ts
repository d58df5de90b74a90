// Every raw SQL statement the app runs must still parse and plan against the
// migrated schema: tsc cannot see a column renamed in schema.prisma, Postgres
// can. PREPARE parses, resolves every table, column and type, and infers the
// parameter types, without running anything. And the rule that keeps this
// list complete: raw SQL lives only in *-repo.ts modules, as named
// statements, each module listed in src/sql-statements.ts.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { listSqlStatements, SQL_STATEMENTS } from '../../src/sql-statements.js';
import { createTestDatabase, dropDatabase } from '../helpers/database.js';

/** Prepares every statement in one transaction (rolled back), after `setup`; returns "name: error" per failure. */
async function prepareAll(client: pg.Client, setup?: string): Promise<string[]> {
  const failures: string[] = [];
  await client.query('BEGIN');
  if (setup) await client.query(setup);
  for (const [i, { name, sql }] of listSqlStatements().entries()) {
    await client.query('SAVEPOINT one');
    try {
      // DDL (paper-repo's temporary input table) cannot be prepared: it runs,
      // so the statements after it that read the table can be checked.
      await client.query(/^\s*CREATE\b/i.test(sql) ? sql : `PREPARE statement_${i} AS ${sql}`);
      await client.query('RELEASE SAVEPOINT one');
    } catch (error) {
      failures.push(`${name}: ${(error as Error).message}`);
      await client.query('ROLLBACK TO SAVEPOINT one');
    }
  }
  await client.query('ROLLBACK');
  await client.query('DEALLOCATE ALL');
  return failures;
}

describe('registered SQL statements', () => {
  let database: { url: string; name: string };
  let client: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase(inject('templateDatabase'));
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    if (database) await dropDatabase(database.name);
  });

  it('all prepare against the migrated schema', async () => {
    expect(listSqlStatements().length).toBeGreaterThan(50);
    expect(await prepareAll(client)).toEqual([]);
  });

  it('fail, by name, when a column they use is renamed', async () => {
    const failures = await prepareAll(client, 'ALTER TABLE "Paper" RENAME COLUMN upvotes TO votes');
    const failed = failures.map((f) => f.slice(0, f.indexOf(':')));
    expect(failed).toEqual(
      expect.arrayContaining([
        'papers/paper-repo.search',
        'papers/paper-repo.trendingAndPublicLists',
        'papers/paper-repo.insertNew',
      ]),
    );
    for (const failure of failures) expect(failure).toMatch(/upvotes/);
  });
});

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (e): Promise<string[]> => {
      const path = join(dir, e.name);
      if (e.isDirectory()) return e.name === 'generated' ? [] : sourceFiles(path);
      return e.name.endsWith('.ts') ? [path] : [];
    }),
  );
  return nested.flat();
}

// Any way to send SQL text: Prisma's raw calls and Prisma.sql fragments, pg's query().
const RAW_SQL = /\$(query|execute)Raw|Prisma\.(sql|raw|join)\b|\.query\s*[<(]/;
// Inside a repo module, SQL text only in its exported statements object:
// no tagged template, no literal handed straight to a raw call.
const INLINE_SQL = /\$(query|execute)Raw(<[^()]*?>)?`|\$(query|execute)RawUnsafe(<[^()]*?>)?\(\s*[`'"]/;
// db.ts holds the pool plumbing and a `SELECT 1` probe that reads no table;
// migrations create and drop databases.
const ALLOWED = (file: string) => file === 'db.ts' || file.startsWith('migrations/');

describe('where raw SQL lives', () => {
  it('only in *-repo.ts modules, as named statements listed in src/sql-statements.ts', async () => {
    const offenders: string[] = [];
    for (const path of await sourceFiles(SRC)) {
      const file = relative(SRC, path);
      const text = await readFile(path, 'utf8');
      if (ALLOWED(file) || !RAW_SQL.test(text)) continue;
      if (!file.endsWith('-repo.ts')) offenders.push(`${file}: raw SQL outside a repo module`);
      else if (INLINE_SQL.test(text)) offenders.push(`${file}: SQL text outside its statements object`);
      else if (!(file.replace(/\.ts$/, '') in SQL_STATEMENTS))
        offenders.push(`${file}: statements not listed in src/sql-statements.ts`);
    }
    expect(offenders).toEqual([]);
  });
});
