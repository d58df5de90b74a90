// @ts-check
// (for editors: `npm run typecheck` runs before any build, without dist/)
// The measured worker process: plans the period and sends it with the same
// code `paperboy digest` runs, then reports its figures. With a process
// count above 1 it sends through a worker pool instead (the `paperboy
// worker` children WORKER_PROCESSES starts), not in-process; the benchmark
// reads every process's peak RSS from /proc.
// Plain JavaScript on the compiled dist/ (built before every bench), run by
// plain node, as production runs workers: a TypeScript loader alone adds
// 45-60 MB to a process's RSS, which production workers do not carry. The
// pool's children inherit this process's node flags (the heap cap).
import { startWorkerPool } from '../../dist/cli/worker-pool.js';
import { loadConfig } from '../../dist/config.js';
import { createContext } from '../../dist/context.js';
import { runDigestPeriod } from '../../dist/jobs/digest-run.js';

const period = /** @type {string} */ (process.argv[2]);
const processes = Number(process.argv[3] ?? 1);
const config = loadConfig();
const ctx = createContext(config);
const pool = processes > 1 ? startWorkerPool({ processes, logger: ctx.logger }) : undefined;
const started = process.hrtime.bigint();
let lastLog = 0;
// CPU per email survives a loaded machine better than emails/s. Sending
// starts with the first planned chunk, so the CPU until the last reader is
// planned holds some sending too.
/** @type {NodeJS.CpuUsage | undefined} */
let planCpu;
/** @type {bigint | undefined} */
let plannedAt;
const summary = await runDigestPeriod(ctx, period, {
  localWorker: !pool,
  pollMs: 200,
  onPlanned: () => {
    planCpu = process.cpuUsage();
    plannedAt = process.hrtime.bigint();
  },
  onProgress: (/** @type {import('../../src/jobs/digest-run.js').DigestRunProgress} */ p) => {
    if (Date.now() - lastLog < 2000) return;
    lastLog = Date.now();
    const mb = (/** @type {number} */ n) => Math.round(n / 1048576);
    const m = process.memoryUsage();
    process.stderr.write(
      `  worker: ${p.sent}/${p.planned} sent · rss ${mb(m.rss)} MB, heap ${mb(m.heapUsed)}/${mb(m.heapTotal)} MB, external ${mb(m.external)} MB\n`,
    );
  },
});
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const cpuSeconds = (/** @type {NodeJS.CpuUsage} */ u) => (u.user + u.system) / 1e6;
const cpu = { planning: cpuSeconds(planCpu ?? process.cpuUsage()), sending: cpuSeconds(process.cpuUsage(planCpu)) };
const planSeconds = Number((plannedAt ?? started) - started) / 1e9;
await pool?.stop();
if (process.env.BENCH_HEAP_SNAPSHOT) {
  const { writeHeapSnapshot } = await import('node:v8');
  writeHeapSnapshot(process.env.BENCH_HEAP_SNAPSHOT);
}
await ctx.close();
process.stdout.write(
  `${JSON.stringify({ summary, seconds, planSeconds, cpuSeconds: cpu, maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`,
);
process.exit(0);
