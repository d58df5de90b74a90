// Prisma's schema engine, compiled to WebAssembly, talking to Postgres through
// @prisma/adapter-pg. The native engine `prisma migrate` uses is downloaded on
// first run, which needs the internet; the wasm build ships in node_modules.
// Run against the same migrations folder it writes the same _prisma_migrations
// rows (names, sha256 checksums) and takes the same advisory lock, so the
// ordinary `prisma migrate deploy` stays interchangeable with this code.
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type { MigrationList, SchemaEngine, SchemaFilter } from '@prisma/schema-engine-wasm/schema_engine_bg';
import pg from 'pg';

export type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg';

/** Nothing is managed outside Prisma: every table and enum is the engine's. */
export const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };

type EngineModule = typeof import('@prisma/schema-engine-wasm/schema_engine_bg');
let engineModule: Promise<EngineModule> | undefined;

// The project's lib (ES2023, no DOM) leaves WebAssembly untyped; this is the
// part of it used here.
type WasmImports = Record<string, unknown>;
declare const WebAssembly: {
  instantiate(bytes: Uint8Array, imports: Record<string, WasmImports>): Promise<{ instance: { exports: WasmImports } }>;
};
type WasmGlue = { __wbg_set_wasm(exports: WasmImports): void };

// The package entry `import`s the .wasm file as an ES module, which Node only
// does behind a flag; so bind the JS glue to an instance we compile ourselves.
// Once per process: compiling 5 MB of wasm is the slow part.
function loadEngineModule(): Promise<EngineModule> {
  engineModule ??= (async () => {
    const glue = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const gluePath = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bytes = await readFile(gluePath.replace(/\.js$/, '.wasm'));
    const imports: WasmImports = { ...glue };
    for (const name of Object.keys(imports).filter((n) => n.startsWith('__wbg_setTimeout_'))) {
      // The engine never cancels its timers (it imports no clearTimeout), so a
      // finished applyMigrations leaves its 10 s advisory-lock timeout pending
      // and a CLI run would linger for it. While the engine works its pg
      // sockets keep the process alive, so unref'd timers lose nothing.
      imports[name] = (fn: () => void, ms: number) => setTimeout(fn, ms >>> 0).unref();
    }
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': imports });
    (glue as unknown as WasmGlue).__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue;
  })();
  return engineModule;
}

const CHAR_OID = 18; // Postgres's internal one-byte "char" (pg_class.relkind, pg_constraint.contype…)
const TEXT_OID = 25;

type QueryFn = (...args: unknown[]) => unknown;

function charColumnsAsText<T>(result: T): T {
  for (const r of Array.isArray(result) ? result : [result]) {
    for (const field of (r as Partial<pg.QueryResult>).fields ?? []) {
      if (field.dataTypeID === CHAR_OID) field.dataTypeID = TEXT_OID;
    }
  }
  return result;
}

// adapter-pg maps result columns to Prisma types and throws on OID 18, which
// the engine's own catalogue queries return while introspecting. Its values
// arrive as one-character strings anyway, so the column is reported as text.
// Done on each pooled client because both the adapter's queries and its
// transactions go through client.query.
//
// One connection, never closed while idle, as the native engine has: its
// advisory lock is per session, so every step of a run must use the session
// that took it or two concurrent deploys could interleave.
function singleConnectionPool(connectionString: string): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: 1, idleTimeoutMillis: 0 });
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as QueryFn;
    const patched: QueryFn = (...args) => {
      const callback = args.at(-1);
      if (typeof callback === 'function') {
        args[args.length - 1] = (err: Error | null, res: unknown): void =>
          (callback as (err: Error | null, res: unknown) => void)(err, res && charColumnsAsText(res));
        return query(...args);
      }
      const out = query(...args);
      return out instanceof Promise ? out.then(charColumnsAsText) : out;
    };
    client.query = patched as typeof client.query;
  });
  return pool;
}

// adapter-pg's executeScript splits the script on every ";" (breaking string
// literals and $$ bodies) and runs the pieces one by one, so a failing
// migration would be left half-applied. The native engine sends the whole
// script as one simple query, which Postgres runs as a single transaction;
// executeRaw with no parameters does exactly that (pg uses the simple protocol).
function wholeScriptAtOnce(adapter: SqlDriverAdapter): SqlDriverAdapter {
  adapter.executeScript = async (script) => {
    await adapter.executeRaw({ sql: script, args: [], argTypes: [] });
  };
  return adapter;
}

/**
 * A driver adapter factory for the engine. The shadow database, when one is
 * needed, is one the caller created: adapter-pg's own connectToShadowDb drops
 * its shadow database while its pool still holds connections (so the DROP
 * fails or leaks the database). The caller closes our pools, then drops it.
 */
class EngineAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres';
  readonly adapterName = '@prisma/adapter-pg';
  readonly pools: pg.Pool[] = [];
  // pool.end() resolves once its clients are told to end, not once their
  // sockets close; one still closing when the caller drops the shadow
  // database gets "terminating connection", which its pool emits to no one.
  private readonly disconnected: Promise<void>[] = [];

  constructor(
    private readonly databaseUrl: string,
    private readonly shadowDatabaseUrl: string | undefined,
  ) {}

  connect(): Promise<SqlDriverAdapter> {
    return this.open(this.databaseUrl);
  }

  connectToShadowDb(): Promise<SqlDriverAdapter> {
    if (!this.shadowDatabaseUrl) throw new Error('this schema engine was started without a shadow database');
    return this.open(this.shadowDatabaseUrl);
  }

  private async open(url: string): Promise<SqlDriverAdapter> {
    const pool = singleConnectionPool(url);
    pool.on('connect', (client) => this.disconnected.push(new Promise((done) => client.once('end', done))));
    this.pools.push(pool);
    return wholeScriptAtOnce(await new PrismaPg(pool).connect());
  }

  async close(): Promise<void> {
    await Promise.all(this.pools.filter((p) => !p.ended).map((p) => p.end()));
    await Promise.all(this.disconnected);
  }
}

/**
 * Runs `fn` with an engine connected to `databaseUrl` (which must exist: the
 * engine connects on start) and, if given, to a shadow database the caller
 * owns. Every connection is closed when the returned promise settles.
 */
export async function withSchemaEngine<T>(
  opts: { databaseUrl: string; shadowDatabaseUrl?: string },
  fn: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const { SchemaEngine } = await loadEngineModule();
  const factory = new EngineAdapterFactory(opts.databaseUrl, opts.shadowDatabaseUrl);
  try {
    const engine = await SchemaEngine.new(
      { datamodels: undefined },
      () => {},
      bindMigrationAwareSqlAdapterFactory(factory),
    );
    try {
      return await fn(engine);
    } finally {
      engine.free();
    }
  } finally {
    await factory.close();
  }
}

/** Repo root/prisma/migrations, found from this file so any cwd works (src/ and dist/ sit at the same depth). */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations/', import.meta.url));

/**
 * The migrations folder as the engine wants it, read the way the Prisma CLI
 * reads it: every subfolder is a migration (sorted by name), a missing
 * migration.sql becomes an error entry the engine reports, and a missing
 * folder is simply no migrations.
 */
export async function readMigrationsDir(migrationsDir: string): Promise<MigrationList> {
  const baseDir = resolve(migrationsDir);
  const lockfile = {
    path: 'migration_lock.toml',
    content: await readFile(join(baseDir, 'migration_lock.toml'), 'utf8').catch(() => null),
  };
  const entries = await readdir(baseDir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b));
  const migrationDirectories = await Promise.all(
    names.map(async (name) => ({
      path: name,
      migrationFile: {
        path: 'migration.sql',
        content: await readFile(join(baseDir, name, 'migration.sql'), 'utf8').then(
          (value) => ({ tag: 'ok' as const, value }),
          (err: Error) => ({ tag: 'error' as const, value: err.message }),
        ),
      },
    })),
  );
  return { baseDir, lockfile, shadowDbInitScript: '', migrationDirectories };
}
