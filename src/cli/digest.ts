// `paperboy digest [--date YYYY-MM-DD] [--dry-run] [--timeout SECONDS]`: plans
// and sends that period for every daily subscriber (and weekly ones whose
// weekday it is), waits, and prints the JSON summary. Progress goes to
// stderr when it is a terminal; logs go to stderr, so stdout is only JSON.
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import type { Config } from '../config.js';
import { createContext } from '../context.js';
import { isPeriod } from '../digest/period.js';
import { runDigestPeriod, type DigestRunProgress } from '../jobs/digest-run.js';
import { createLogger } from '../logger.js';

const USAGE = 'Usage: paperboy digest --date YYYY-MM-DD [--dry-run] [--timeout SECONDS]';

export function parseDigestArgs(args: string[], today: string): { date: string; dryRun: boolean; timeoutMs: number } | string {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      options: { date: { type: 'string' }, 'dry-run': { type: 'boolean' }, timeout: { type: 'string' } },
    }));
  } catch (error) {
    return (error as Error).message;
  }
  const date = values.date ?? today;
  if (!isPeriod(date)) return '--date must be a real date as YYYY-MM-DD';
  const timeout = values.timeout === undefined ? 0 : Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout < 0) return '--timeout must be a number of seconds';
  return { date, dryRun: values['dry-run'] ?? false, timeoutMs: timeout * 1000 };
}

function progressLine(p: DigestRunProgress): string {
  const done = p.sent + p.skipped + p.failed;
  const pct = p.planned ? Math.floor((done / p.planned) * 100) : 100;
  return `\rdigest: ${done}/${p.planned} (${pct}%) sent ${p.sent} · skipped ${p.skipped} · failed ${p.failed}   `;
}

export async function runDigestCommand(args: string[], config: Config): Promise<void> {
  const parsed = parseDigestArgs(args, new Date().toISOString().slice(0, 10));
  if (typeof parsed === 'string') {
    process.stderr.write(`paperboy digest: ${parsed}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const ctx = createContext(config, { logger: createLogger(config.logLevel, pino.destination(2)) });
  const tty = process.stderr.isTTY;
  try {
    const summary = await runDigestPeriod(ctx, parsed.date, {
      dryRun: parsed.dryRun,
      timeoutMs: parsed.timeoutMs,
      onProgress: tty ? (p) => process.stderr.write(progressLine(p)) : undefined,
    });
    if (tty) process.stderr.write('\n');
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    if (summary.unfinished) process.exitCode = 1;
  } finally {
    await ctx.close();
  }
}
