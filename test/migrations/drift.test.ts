// The drift check: the migrations folder must build exactly what
// schema.prisma describes, or someone changed one without the other.
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffMigrations, DEFAULT_SCHEMA_PATH } from '../../src/migrations/diff-migrations.js';
import { serverUrl } from '../helpers/database.js';

describe('diffMigrations', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'paperboy-schema-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('finds no drift between prisma/migrations and prisma/schema.prisma', async () => {
    // A non-empty result is the next migration: `npm run migration:new -- <name>`.
    expect(await diffMigrations({ databaseUrl: serverUrl() })).toBe('');
  });

  it('reports a field the migrations lack', async () => {
    const schemaPath = join(dir, 'schema.prisma');
    await copyFile(DEFAULT_SCHEMA_PATH, schemaPath);
    const schema = await readFile(schemaPath, 'utf8');
    const edited = schema.replace(/model AdminToken \{\n/, '$&  note String?\n');
    expect(edited).not.toBe(schema);
    await writeFile(schemaPath, edited);

    const sql = await diffMigrations({ databaseUrl: serverUrl(), schemaPath });
    expect(sql).toMatch(/ALTER TABLE "AdminToken" ADD COLUMN\s+"note" TEXT/);
  });
});
