// The measured worker process: plans the period and sends it with the same
// code `paperboy digest` runs, then reports its figures and its peak RSS.
// With a process count above 1 it sends through a worker pool instead (the
// `paperboy worker` children WORKER_PROCESSES starts), not in-process.
import { startWorkerPool } from '../../src/cli/worker-pool.js';
import { loadConfig } from '../../src/config.js';
import { createContext } from '../../src/context.js';
import { runDigestPeriod } from '../../src/jobs/digest-run.js';

const period = process.argv[2]!;
const processes = Number(process.argv[3] ?? 1);
const config = loadConfig();
const ctx = createContext(config);
const pool = processes > 1 ? startWorkerPool({ processes, logger: ctx.logger }) : undefined;
const started = process.hrtime.bigint();
let lastLog = 0;
// CPU per email survives a loaded machine better than emails/s; the first progress call comes once planning is done.
let planCpu: NodeJS.CpuUsage | undefined;
const summary = await runDigestPeriod(ctx, period, {
  localWorker: !pool,
  pollMs: 200,
  onProgress: (p) => {
    planCpu ??= process.cpuUsage();
    if (Date.now() - lastLog < 2000) return;
    lastLog = Date.now();
    const mb = (n: number) => Math.round(n / 1048576);
    const m = process.memoryUsage();
    process.stderr.write(`  worker: ${p.sent}/${p.planned} sent · rss ${mb(m.rss)} MB, heap ${mb(m.heapUsed)}/${mb(m.heapTotal)} MB, external ${mb(m.external)} MB\n`);
  },
});
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const cpuSeconds = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;
const cpu = { planning: cpuSeconds(planCpu ?? process.cpuUsage()), sending: cpuSeconds(process.cpuUsage(planCpu)) };
await pool?.stop();
if (process.env.BENCH_HEAP_SNAPSHOT) {
  const { writeHeapSnapshot } = await import('node:v8');
  writeHeapSnapshot(process.env.BENCH_HEAP_SNAPSHOT);
}
await ctx.close();
process.stdout.write(`${JSON.stringify({ summary, seconds, cpuSeconds: cpu, maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`);
process.exit(0);
