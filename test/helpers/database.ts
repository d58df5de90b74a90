import { randomBytes } from 'node:crypto';
import {
  dropDatabase as dropByUrl,
  withDatabaseName,
  withMaintenanceClient,
} from '../../src/migrations/apply-migrations.js';

/** The Postgres server the tests use (TEST_DATABASE_URL, or the local default). */
export function serverUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
}

export const withDatabaseUrl = withDatabaseName;

const ident = (name: string) => {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unsafe database name: ${name}`);
  return `"${name}"`;
};

/** A new database cloned from the migrated template; returns its URL. */
export async function createTestDatabase(template: string): Promise<{ url: string; name: string }> {
  const name = `${template}_${randomBytes(4).toString('hex')}`;
  await withMaintenanceClient(serverUrl(), (c) =>
    c.query(`CREATE DATABASE ${ident(name)} TEMPLATE ${ident(template)}`),
  );
  return { url: withDatabaseName(serverUrl(), name), name };
}

export async function dropDatabase(name: string): Promise<void> {
  await dropByUrl(withDatabaseName(serverUrl(), ident(name).slice(1, -1)));
}
