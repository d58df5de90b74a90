// `npm run bench -- export [--rows 100000] [--heap-mb N]`: seeds N subscribers (each on
// one or two lists; one in 100 with an address that starts like a formula),
// then downloads GET /api/admin/subscribers/export over HTTP from the API
// server in its own process, reading the stream as it comes (counting rows,
// never holding the file), and reports the time and the server's peak RSS.
import { request } from 'node:http';
import {
  createBenchEnv,
  log,
  resetPeak,
  round,
  serverMemory,
  type BenchEnv,
  COMPOSE_APP_HEAP_MB,
} from './admin/bench-env.js';
import { flag } from './machine.js';

/** Set-based seeding: generate_series, not N inserts. */
async function seed(env: BenchEnv, rows: number): Promise<void> {
  await env.db.$executeRaw`
    INSERT INTO "Subscriber" (email, status, timezone, "sendHour", "createdAt", "updatedAt", "confirmedAt")
    SELECT CASE WHEN g % 100 = 0 THEN '-reader' ELSE 'reader' END || g || '@example' || (g % 97) || '.org',
           'active', (ARRAY['UTC','Europe/Paris','Asia/Tokyo'])[1 + g % 3], g % 24, now(), now(), now()
      FROM generate_series(1, ${rows}::int) AS g`;
  await env.db.$executeRaw`
    INSERT INTO "Subscription" ("subscriberId", "listId", "createdAt", "confirmedAt")
    SELECT s.id, l.id, now(), now() FROM "Subscriber" s JOIN "List" l ON l.slug = 'trending'
    UNION ALL
    SELECT s.id, l.id, now(), now() FROM "Subscriber" s JOIN "List" l ON l.slug = 'llm' WHERE s.id % 2 = 0`;
}

/** Streams the export, counting lines and bytes as they arrive. */
function download(
  env: BenchEnv,
  query: string,
): Promise<{ statusCode: number; lines: number; bytes: number; neutralised: number }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${env.baseUrl}/api/admin/subscribers/export${query}`,
      { headers: { Authorization: env.authorization } },
      (res) => {
        let lines = 0;
        let bytes = 0;
        let neutralised = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
          neutralised += chunk.toString('latin1').split(",'-reader").length - 1;
        });
        res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, lines, bytes, neutralised }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const rows = flag(args, 'rows', 100_000);
  const heapMB = args.includes('--heap-mb') ? flag(args, 'heap-mb', 0) : COMPOSE_APP_HEAP_MB;
  const env = await createBenchEnv('export', { heapMB });
  try {
    log(`seeding ${rows} subscribers…`);
    await seed(env, rows);
    await env.db.$executeRaw`ANALYZE`;
    // Warm-up, then the peak is reset so start-up does not count.
    await download(env, '?q=reader1@');
    const pid = env.server.pid!;
    const idle = await serverMemory(pid);
    await resetPeak(pid);

    log(`exporting; server idle at ${idle.rssMB} MB…`);
    const started = process.hrtime.bigint();
    const result = await download(env, '');
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const memory = await serverMemory(pid);
    if (result.statusCode !== 200) throw new Error(`export answered ${result.statusCode}`);
    if (result.lines !== rows + 1) throw new Error(`expected ${rows + 1} lines (header + rows), got ${result.lines}`);
    if (result.neutralised !== Math.floor(rows / 100))
      throw new Error(`expected ${Math.floor(rows / 100)} neutralised cells, got ${result.neutralised}`);
    log(
      `  ${round(seconds)} s, ${result.lines - 1} rows, ${round(result.bytes / 2 ** 20, 1)} MB, server peak RSS ${memory.peakMB} MB`,
    );
    return {
      rows,
      seconds: round(seconds, 3),
      rowsPerSecond: Math.round(rows / seconds),
      megabytes: round(result.bytes / 2 ** 20, 1),
      neutralisedCells: result.neutralised,
      peakRssMB: memory.peakMB,
      idleRssMB: idle.rssMB,
      serverHeapCapMB: heapMB,
      peakAboveIdleMB: round(memory.peakMB - idle.rssMB, 1),
      targets: { seconds: 60, peakRssMB: 200 },
      withinTarget: seconds < 60 && memory.peakMB < 200,
    };
  } finally {
    await env.cleanup();
  }
}
