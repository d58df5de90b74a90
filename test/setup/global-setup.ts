// Once per `vitest run`: a freshly migrated template database that every test
// file clones (CREATE DATABASE … TEMPLATE is a file copy, ~100 ms), so files
// never see each other's rows. Dropped at the end.
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { applyMigrations } from '../../src/migrations/apply-migrations.js';
import { dropDatabase, serverUrl, withDatabaseUrl } from '../helpers/database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
    runId: string;
  }
}

export default async function setup(project: TestProject) {
  const runId = randomBytes(4).toString('hex');
  const template = `paperboy_test_${runId}`;
  await applyMigrations({ databaseUrl: withDatabaseUrl(serverUrl(), template) });
  project.provide('templateDatabase', template);
  project.provide('runId', runId);
  return async () => {
    await dropDatabase(template);
  };
}
