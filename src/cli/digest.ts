// `paperboy digest (--period YYYY-MM-DD | --today) [--dry-run] [--timeout
// SECONDS]`: plans and sends that period for every daily subscriber (and
// weekly ones whose weekday it is), waits, and prints the JSON summary.
// A period is required: a bare `paperboy digest` once sent today's digest
// to everyone at once, ignoring their send hours. Progress and logs go to
// stderr, so stdout is only JSON.
import { pino } from 'pino';
import type { Config } from '../config.js';
import { createContext } from '../context.js';
import { isPeriod } from '../digest/period.js';
import { dryRunDigestPeriod, runDigestPeriod } from '../jobs/digest-run.js';
import { createLogger } from '../logger.js';
import { parseFlags } from './flags.js';
import { checkPostgres, checkRedis } from './preflight.js';
import { createProgress } from './progress.js';
import { usageError } from './usage.js';

export interface DigestArgs {
  period: string;
  dryRun: boolean;
  timeoutMs: number;
}

export function parseDigestArgs(args: string[], today: string): DigestArgs | string {
  const values = parseFlags(args, {
    period: { type: 'string' },
    date: { type: 'string' },
    today: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    timeout: { type: 'string' },
  });
  if (typeof values === 'string') return values;
  if (values.period !== undefined && values.date !== undefined) return '--date is an alias of --period: give one';
  const named = values.period ?? values.date;
  if (named !== undefined && values.today) return '--today and --period exclude each other';
  const period = values.today ? today : named;
  if (period === undefined) return 'say which period to send: --period YYYY-MM-DD, or --today';
  if (!isPeriod(period)) return '--period must be a real date as YYYY-MM-DD';
  const timeout = values.timeout === undefined ? 0 : Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout < 0) return '--timeout must be a number of seconds';
  return { period, dryRun: values['dry-run'] ?? false, timeoutMs: timeout * 1000 };
}

export async function runDigestCommand(args: string[], config: Config): Promise<void> {
  const parsed = parseDigestArgs(args, new Date().toISOString().slice(0, 10));
  if (typeof parsed === 'string') return usageError('digest', parsed);
  await checkPostgres(config);
  // A dry run only reads Postgres; a real one hands batches to the queue.
  if (!parsed.dryRun) await checkRedis(config);
  const ctx = createContext(config, { logger: createLogger(config.logLevel, pino.destination(2)) });
  const progress = createProgress(`digest ${parsed.period}`);
  try {
    const summary = parsed.dryRun
      ? await dryRunDigestPeriod(ctx, parsed.period)
      : await runDigestPeriod(ctx, parsed.period, {
          timeoutMs: parsed.timeoutMs,
          onProgress: (p) =>
            progress.update(
              p.sent + p.skipped + p.failed,
              p.planned,
              `sent ${p.sent} · skipped ${p.skipped} · failed ${p.failed}`,
            ),
        });
    progress.stop();
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    if (summary.unfinished) process.exitCode = 1;
  } finally {
    progress.stop();
    await ctx.close();
  }
}
