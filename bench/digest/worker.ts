// The measured worker process: plans the period and sends it with the same
// code `paperboy digest` runs, then reports its figures and its peak RSS.
// With a process count above 1 it sends through a worker pool instead (the
// `paperboy worker` children WORKER_PROCESSES starts), not in-process, and
// reports each child's peak RSS too.
import { startWorkerPool } from '../../src/cli/worker-pool.js';
import { loadConfig } from '../../src/config.js';
import { createContext } from '../../src/context.js';
import { runDigestPeriod } from '../../src/jobs/digest-run.js';
import { trackPeakRssOf } from './peak-rss.js';

const period = process.argv[2]!;
const processes = Number(process.argv[3] ?? 1);
const config = loadConfig();
const ctx = createContext(config);
// The pool's children inherit this process's node flags. They are plain
// `paperboy worker` processes, which load dist/ (built before every bench)
// as in production: without the tsx loader this script needs, which alone
// adds ~40 MB to a process's RSS. The heap cap stays.
const tsx = process.execArgv.indexOf('tsx');
if (processes > 1 && tsx > 0 && process.execArgv[tsx - 1] === '--import') process.execArgv.splice(tsx - 1, 2);
const pool = processes > 1 ? startWorkerPool({ processes, logger: ctx.logger }) : undefined;
const children = pool ? trackPeakRssOf(() => pool.pids()) : undefined;
const started = process.hrtime.bigint();
let lastLog = 0;
// CPU per email survives a loaded machine better than emails/s; the first
// progress report comes once the period is planned and queued.
let planCpu: NodeJS.CpuUsage | undefined;
let plannedAt: bigint | undefined;
const summary = await runDigestPeriod(ctx, period, {
  localWorker: !pool,
  pollMs: 200,
  onProgress: (p) => {
    planCpu ??= process.cpuUsage();
    plannedAt ??= process.hrtime.bigint();
    if (Date.now() - lastLog < 2000) return;
    lastLog = Date.now();
    const mb = (n: number) => Math.round(n / 1048576);
    const m = process.memoryUsage();
    process.stderr.write(
      `  worker: ${p.sent}/${p.planned} sent · rss ${mb(m.rss)} MB, heap ${mb(m.heapUsed)}/${mb(m.heapTotal)} MB, external ${mb(m.external)} MB\n`,
    );
  },
});
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const cpuSeconds = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;
const cpu = { planning: cpuSeconds(planCpu ?? process.cpuUsage()), sending: cpuSeconds(process.cpuUsage(planCpu)) };
const planSeconds = Number((plannedAt ?? started) - started) / 1e9;
// Before stop(): the children are still alive, so the last sample is their exact peak.
const childPeakRssMB = [...((await children?.stop()) ?? new Map<number, number>()).values()];
await pool?.stop();
if (process.env.BENCH_HEAP_SNAPSHOT) {
  const { writeHeapSnapshot } = await import('node:v8');
  writeHeapSnapshot(process.env.BENCH_HEAP_SNAPSHOT);
}
await ctx.close();
process.stdout.write(
  `${JSON.stringify({ summary, seconds, planSeconds, cpuSeconds: cpu, maxRssMB: process.resourceUsage().maxRSS / 1024, childPeakRssMB })}\n`,
);
process.exit(0);
