// `npm run bench -- signup [--duration 10] [--connections 50] [--warmup 2] [--cpu-prof]`:
// autocannon against POST /subscribe (JSON, a distinct address per request,
// rate limits raised for the run) and GET / of a real `paperboy serve` in a
// child process, then against a bare express route in another child process
// for the ceiling. Own database (migrated, dropped after) and own queue
// prefix (keys deleted after). Afterwards every address answered 2xx must be
// in Postgres with its subscriptions, consent and confirmation request.
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import type autocannon from 'autocannon';
import { loadConfig } from '../src/config.js';
import { createDb } from '../src/db.js';
import { applyMigrations, dropDatabase, withDatabaseName } from '../src/migrations/apply-migrations.js';
import { flag } from './machine.js';
import { checkSignups, deleteRedisKeys, seedBenchData } from './signup/bench-data.js';
import { describeLoad, runLoad, type LoadFigures } from './signup/load.js';
import { cpuMsOf, productionServerEnv, startChild, type ServerChild } from './signup/processes.js';

const log = (message: string) => process.stderr.write(`${message}\n`);

const FLOORS = { signupsPerSecond: 1000, signupP99Ms: 100, signupShareOfBare: 0.25 };
const LIST_CHOICES = [['trending'], ['trending', 'llm'], ['llm', 'vision'], ['trending', 'llm', 'vision']];
const ZONES = ['Europe/Paris', 'America/New_York', 'Asia/Tokyo', 'UTC'];

/** POST /subscribe with a new address each time; the addresses answered 2xx are collected. */
function signupRequests(runId: string, acknowledged: string[]): autocannon.Request[] {
  let n = 0;
  return [
    {
      method: 'POST',
      path: '/subscribe',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'paperboy-bench' },
      setupRequest(request, context) {
        const i = n++;
        const email = `reader-${runId}-${i}@bench.example.org`;
        (context as { email?: string }).email = email;
        const body = {
          email,
          lists: LIST_CHOICES[i % LIST_CHOICES.length],
          timezone: ZONES[i % ZONES.length],
          sendHour: i % 24,
          frequency: 'daily',
        };
        return { ...request, body: JSON.stringify(body) };
      },
      // One request in flight per connection, so the context still names the address this answer is for.
      onResponse(status, _body, context) {
        if (status >= 200 && status < 300) acknowledged.push((context as { email: string }).email);
      },
    },
  ];
}

interface CpuProbe {
  /** The server process. */
  server: number | undefined;
  /** Postgres backends serving the benchmark's database, when Postgres runs on this machine. */
  postgres?: () => Promise<number[]>;
}

async function cpuSnapshot(probe: CpuProbe): Promise<{ server: number | null; postgres: Map<number, number> }> {
  const postgres = new Map<number, number>();
  for (const pid of (await probe.postgres?.()) ?? []) {
    const ms = cpuMsOf(pid);
    if (ms !== null) postgres.set(pid, ms);
  }
  return { server: cpuMsOf(probe.server), postgres };
}

async function measure(
  url: string,
  target: string,
  options: { connections: number; seconds: number; warmup: number },
  probe: CpuProbe,
  requests?: () => autocannon.Request[],
) {
  if (options.warmup > 0) {
    log(`${target}: warming up for ${options.warmup} s…`);
    await runLoad({ url, target, connections: options.connections, seconds: options.warmup, requests: requests?.() });
  }
  log(`${target}: ${options.connections} connections for ${options.seconds} s…`);
  const before = await cpuSnapshot(probe);
  const ownBefore = process.cpuUsage();
  const figures = await runLoad({
    url,
    target,
    connections: options.connections,
    seconds: options.seconds,
    requests: requests?.(),
  });
  const own = process.cpuUsage(ownBefore);
  const after = await cpuSnapshot(probe);
  const perRequest = (ms: number) => round(ms / Math.max(figures.requests, 1));
  const cpu = {
    serverCpuMsPerRequest:
      before.server !== null && after.server !== null ? perRequest(after.server - before.server) : null,
    ...(probe.postgres
      ? {
          postgresCpuMsPerRequest: perRequest(
            [...after.postgres].reduce((sum, [pid, ms]) => sum + ms - (before.postgres.get(pid) ?? 0), 0),
          ),
        }
      : {}),
    loadGeneratorCpuMsPerRequest: perRequest((own.user + own.system) / 1000),
  };
  log(`${describeLoad(figures)}; CPU per request: ${JSON.stringify(cpu)}`);
  return { ...figures, ...cpu };
}

const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const seconds = flag(args, 'duration', 10);
  const connections = flag(args, 'connections', 50);
  const warmup = args.includes('--warmup') ? Number(args[args.indexOf('--warmup') + 1]) : 2;
  const profile = args.includes('--cpu-prof');
  const options = { connections, seconds, warmup };

  const base = loadConfig();
  const suffix = randomBytes(4).toString('hex');
  const databaseUrl = withDatabaseName(base.databaseUrl, `paperboy_bench_signup_${suffix}`);
  const queuePrefix = `bench-signup-${suffix}`;
  const profileDir = join(os.tmpdir(), `paperboy-signup-prof-${suffix}`);
  const loadBefore = os.loadavg().map((v) => round(v, 2));

  log(`migrating ${databaseUrl.replace(/\/\/[^@]*@/, '//')}…`);
  await applyMigrations({ databaseUrl });
  const db = createDb(databaseUrl, { max: 2 });
  let app: ServerChild | undefined;
  let bare: ServerChild | undefined;
  try {
    await seedBenchData(db);
    if (profile) await mkdir(profileDir, { recursive: true });
    app = await startChild({
      script: 'bin/paperboy.js',
      args: ['serve'],
      nodeArgs: profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [],
      readyPath: '/readyz',
      env: {
        ...productionServerEnv({ databaseUrl, redisUrl: base.redisUrl, queuePrefix }),
        SIGNUP_LIMIT_PER_ADDRESS: '1000',
      },
    });

    const backends = async () =>
      (
        await db.$queryRaw<
          Array<{ pid: number }>
        >`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`
      ).map((r) => r.pid);
    const appProbe: CpuProbe = { server: app.child.pid, postgres: backends };
    const acknowledged: string[] = [];
    let runs = 0; // warm-up and measured run: each its own addresses
    const signup = await measure(app.url, 'POST /subscribe', options, appProbe, () =>
      signupRequests(`${suffix}r${runs++}`, acknowledged),
    );
    // Let answers cut off by the end of the run finish before counting rows.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const check = await checkSignups(db, acknowledged);
    log(`check: ${JSON.stringify(check)}`);
    const landing = await measure(app.url, 'GET /', options, appProbe);
    await app.stop();
    app = undefined;

    bare = await startChild({
      script: 'bench/signup/bare-server.ts',
      nodeArgs: ['--import', 'tsx'],
      readyPath: '/bare',
      env: { NODE_ENV: 'production' },
    });
    const ceiling = await measure(`${bare.url}/bare`, 'GET /bare (express)', options, { server: bare.child.pid });
    await bare.stop();
    bare = undefined;

    const signupsPerSecond = signup.okPerSecond;
    const share = ceiling.requestsPerSecond ? round(signupsPerSecond / ceiling.requestsPerSecond) : 0;
    return {
      server:
        'node bin/paperboy.js serve, NODE_ENV=production (the compiled dist/, which the bench runner builds first), LOG_LEVEL=warn, in its own process',
      signupBody:
        'JSON (Content-Type: application/json), the documented API way; the HTML form needs a CSRF cookie and token',
      connections,
      durationSeconds: seconds,
      targets: { signup, landing, bare: ceiling } satisfies Record<string, LoadFigures>,
      cpuNote:
        'CPU ms per request (user+system, from /proc): the server process, the Postgres backends of the bench database, and autocannon (this process); less distorted than requests/s when other work shares the machine',
      signupsPerSecond,
      signupP99Ms: signup.p99Ms,
      bareRequestsPerSecond: ceiling.requestsPerSecond,
      signupShareOfBare: share,
      check,
      floors: {
        signupsPerSecond: { floor: FLOORS.signupsPerSecond, met: signupsPerSecond >= FLOORS.signupsPerSecond },
        signupP99Ms: { floor: FLOORS.signupP99Ms, met: signup.p99Ms < FLOORS.signupP99Ms },
        signupShareOfBare: { floor: FLOORS.signupShareOfBare, met: share >= FLOORS.signupShareOfBare },
        nothingLost: { met: check.nothingLost },
      },
      loadAverage: { before: loadBefore, after: os.loadavg().map((v) => round(v, 2)) },
      ...(profile ? { cpuProfileDir: profileDir } : {}),
    };
  } finally {
    await app?.stop().catch(() => {});
    await bare?.stop().catch(() => {});
    await db.$disconnect();
    await dropDatabase(databaseUrl).catch((error: unknown) =>
      log(`could not drop the bench database: ${(error as Error).message}`),
    );
    const deleted = await deleteRedisKeys(base.redisUrl, queuePrefix).catch(() => 0);
    log(`cleaned up: database dropped, ${deleted} Redis keys deleted`);
  }
}
