// `npm run bench -- import [--rows 100000] [--status pending|active] [--heap-mb N]`:
// uploads a generated CSV to POST /api/admin/subscribers/import over HTTP,
// streamed (chunked, never held whole), to the API server running in its own
// process, and reports the time and the server's peak RSS during the upload.
// One row in 200 is bad, so the error path runs too. With --status pending
// (the endpoint's default) every new subscriber also gets a confirmation job.
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Queue } from 'bullmq';
import { QUEUE_NAMES } from '../src/jobs/queues.js';
import {
  createBenchEnv,
  log,
  option,
  resetPeak,
  round,
  serverMemory,
  type BenchEnv,
  COMPOSE_APP_HEAP_MB,
} from './admin/bench-env.js';
import { flag } from './machine.js';

const ZONES = ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney'];
const LISTS = ['trending', 'llm', 'vision', 'trending|llm', 'llm|vision'];

function* csvChunks(rows: number, prefix: string): Generator<string> {
  yield 'email,lists,timezone,sendHour,frequency\n';
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const bad = i % 200 === 199;
    const email = bad ? `not-an-address-${i}` : `${prefix}${i}@example${i % 97}.org`;
    chunk += `${email},${LISTS[i % LISTS.length]},${ZONES[i % ZONES.length]},${i % 24},${i % 7 ? 'daily' : 'weekly'}\n`;
    if (chunk.length > 16_384) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

function upload(env: BenchEnv, query: string, body: Iterable<string>): Promise<{ statusCode: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${env.baseUrl}/api/admin/subscribers/import${query}`,
      { method: 'POST', headers: { Authorization: env.authorization, 'Content-Type': 'text/csv' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res
          .on('data', (c: string) => (text += c))
          .on('end', () => resolve({ statusCode: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    pipeline(Readable.from(body), req).catch(reject);
  });
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const rows = flag(args, 'rows', 100_000);
  const status = option(args, 'status', 'pending');
  if (status !== 'pending' && status !== 'active') throw new Error('--status must be pending or active');
  const heapMB = args.includes('--heap-mb') ? flag(args, 'heap-mb', 0) : COMPOSE_APP_HEAP_MB;
  const env = await createBenchEnv('import', { heapMB });
  const mail = new Queue(QUEUE_NAMES.mail, {
    connection: { url: env.config.redisUrl },
    prefix: env.config.queuePrefix,
  });
  try {
    // Warm-up: code paths compiled, pools open, templates loaded; then the peak is reset.
    await upload(env, `?status=${status}`, csvChunks(10, 'warmup'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const pid = env.server.pid!;
    const idle = await serverMemory(pid);
    await resetPeak(pid);

    log(`importing ${rows} rows (status=${status}); server idle at ${idle.rssMB} MB…`);
    const started = process.hrtime.bigint();
    const { statusCode, body } = await upload(env, `?status=${status}`, csvChunks(rows, 'reader'));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const memory = await serverMemory(pid);
    if (statusCode !== 200) throw new Error(`import answered ${statusCode}: ${body.slice(0, 500)}`);

    const report = JSON.parse(body) as { rows: number; created: number; errorCount: number };
    const expectedBad = Math.floor((rows + 1) / 200);
    if (report.rows !== rows || report.created !== rows - expectedBad || report.errorCount !== expectedBad) {
      throw new Error(`unexpected report: ${body.slice(0, 300)}`);
    }
    const stored = await env.db.subscriber.count({ where: { email: { startsWith: 'reader' } } });
    const confirmationJobs = status === 'pending' ? ((await mail.getJobCounts('waiting')).waiting ?? 0) - 10 : 0;
    log(
      `  ${round(seconds)} s, ${stored} stored, ${report.errorCount} rows rejected, server peak RSS ${memory.peakMB} MB`,
    );
    return {
      rows,
      status,
      created: report.created,
      rejected: report.errorCount,
      confirmationJobs,
      seconds: round(seconds, 3),
      rowsPerSecond: Math.round(rows / seconds),
      peakRssMB: memory.peakMB,
      idleRssMB: idle.rssMB,
      serverHeapCapMB: heapMB,
      peakAboveIdleMB: round(memory.peakMB - idle.rssMB, 1),
      targets: { seconds: 60, peakRssMB: 200 },
      withinTarget: seconds < 60 && memory.peakMB < 200,
    };
  } finally {
    await mail.close();
    await env.cleanup();
  }
}
