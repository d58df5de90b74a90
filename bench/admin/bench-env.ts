// What the admin benchmarks share: a freshly migrated database of their own,
// their own queue prefix, and the real API server in a child process on a
// loopback port, so the figures include auth, HTTP, streaming and Postgres,
// and the memory measured is the server's alone. Everything is dropped
// afterwards.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadConfig, type Config } from '../../src/config.js';
import { createDb, type Db } from '../../src/db.js';
import { dropDatabase, withDatabaseName } from '../../src/migrations/apply-migrations.js';
import { createRedis } from '../../src/redis.js';
import { deleteQueueKeys } from '../../src/jobs/queues.js';

export const log = (message: string) => process.stderr.write(`${message}\n`);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface BenchEnv {
  config: Config;
  db: Db;
  baseUrl: string;
  authorization: string;
  server: ChildProcess;
  cleanup(): Promise<void>;
}

/**
 * The V8 old-space cap docker-compose.yml gives the app process. The
 * benchmark measures the server as production runs it; --heap-mb overrides.
 */
export const COMPOSE_APP_HEAP_MB = 192;

/** heapMB caps the server's V8 old space (--max-old-space-size). */
export async function createBenchEnv(name: string, options: { heapMB?: number } = {}): Promise<BenchEnv> {
  const base = loadConfig();
  const suffix = randomBytes(4).toString('hex');
  const databaseUrl = withDatabaseName(base.databaseUrl, `paperboy_bench_${name}_${suffix}`);
  const config: Config = {
    ...base,
    databaseUrl,
    queuePrefix: `bench-${name}-${suffix}`,
    secretKey: randomBytes(32).toString('hex'),
    adminToken: randomBytes(24).toString('hex'),
  };
  const childEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'development',
    DATABASE_URL: databaseUrl,
    QUEUE_PREFIX: config.queuePrefix,
    REDIS_URL: config.redisUrl,
    LOG_LEVEL: 'warn',
  };
  log('migrating a fresh database…');
  await promisify(execFile)('node', ['bin/paperboy.js', 'migrate'], { cwd: ROOT, env: childEnv });
  const db = createDb(databaseUrl, { max: 4 });
  await db.list.createMany({
    data: [
      { slug: 'trending', name: 'Trending' },
      { slug: 'llm', name: 'Language models', keywords: ['language model'] },
      { slug: 'vision', name: 'Vision', keywords: ['image', 'video'] },
    ],
  });
  const port = await freePort();
  // The real `paperboy serve`, as production runs it (compiled build).
  const server = spawn(
    'node',
    [...(options.heapMB ? [`--max-old-space-size=${options.heapMB}`] : []), 'bin/paperboy.js', 'serve'],
    {
      cwd: ROOT,
      env: {
        ...childEnv,
        NODE_ENV: 'production',
        PORT: String(port),
        SECRET_KEY: config.secretKey,
        ADMIN_TOKEN: config.adminToken,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  await waitForHealth(`http://127.0.0.1:${port}`, server);
  return {
    config,
    db,
    baseUrl: `http://127.0.0.1:${port}`,
    authorization: `Bearer ${config.adminToken}`,
    server,
    async cleanup() {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
      await db.$disconnect();
      await dropDatabase(databaseUrl);
      await deleteKeys(config.redisUrl, config.queuePrefix);
    },
  };
}

/** The server's memory from /proc: current RSS and the peak since the last reset. */
export async function serverMemory(pid: number): Promise<{ rssMB: number; peakMB: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMB: round(kb('VmRSS') / 1024, 1), peakMB: round(kb('VmHWM') / 1024, 1) };
}

/** Resets the peak (VmHWM) to the current RSS, so start-up does not count as the run's peak. */
export async function resetPeak(pid: number): Promise<void> {
  await writeFile(`/proc/${pid}/clear_refs`, '5');
}

async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = createRedis(redisUrl, 'worker');
  try {
    await deleteQueueKeys(redis, prefix);
  } finally {
    redis.disconnect();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

async function waitForHealth(baseUrl: string, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`bench server exited with ${server.exitCode}`);
    const ok = await fetch(`${baseUrl}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('bench server did not become healthy within 60 s');
}

export function option(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
