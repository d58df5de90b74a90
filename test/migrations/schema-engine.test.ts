// withSchemaEngine's promise settling must mean its connections are closed:
// diffMigrations drops its shadow database right after, and a connection
// still closing then gets Postgres's "terminating connection" error, which
// the pool hands to no one, so it crashed the process (it failed a CI run).
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createDatabaseIfMissing, dropDatabase, withDatabaseName } from '../../src/migrations/apply-migrations.js';
import { withSchemaEngine } from '../../src/migrations/schema-engine.js';
import { serverUrl } from '../helpers/database.js';

const openSockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;

describe('withSchemaEngine', () => {
  const url = withDatabaseName(serverUrl(), `paperboy_engine_${randomBytes(5).toString('hex')}`);
  afterEach(() => dropDatabase(url));

  it('has closed every connection it opened when it returns', async () => {
    await createDatabaseIfMissing(url);
    const before = openSockets();
    // version() asks the server, so the engine has opened a connection.
    const version = await withSchemaEngine({ databaseUrl: url }, (engine) => engine.version());
    expect(version).toMatch(/PostgreSQL/);
    expect(openSockets()).toBe(before);
  });
});
