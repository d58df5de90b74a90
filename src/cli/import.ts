// `paperboy import --file PATH [--status pending|active] [--existing
// skip|update]`: the admin API's CSV import from a file, with a progress bar
// over the bytes read; prints the JSON report (exit 1 if any row failed).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pino } from 'pino';
import { importSubscribersCsv } from '../admin/subscriber-import.js';
import type { Config } from '../config.js';
import { createContext } from '../context.js';
import { importRules } from '../http/admin/subscriber-csv-routes.js';
import { createLogger } from '../logger.js';
import { addToOutbox } from '../subscriptions/outbox-repo.js';
import { parseFlags } from './flags.js';
import { CliError, checkPostgres, checkRedis } from './preflight.js';
import { createProgress } from './progress.js';
import { usageError } from './usage.js';

export interface ImportArgs {
  file: string;
  status: 'active' | 'pending';
  existing: 'skip' | 'update';
}

export function parseImportArgs(args: string[]): ImportArgs | string {
  const values = parseFlags(args, {
    file: { type: 'string' },
    status: { type: 'string' },
    existing: { type: 'string' },
  });
  if (typeof values === 'string') return values;
  if (!values.file) return '--file PATH is required';
  const status = values.status ?? 'pending';
  if (status !== 'active' && status !== 'pending') return '--status must be pending or active';
  const existing = values.existing ?? 'skip';
  if (existing !== 'skip' && existing !== 'update') return '--existing must be skip or update';
  return { file: values.file, status, existing };
}

export async function runImportCommand(args: string[], config: Config): Promise<void> {
  const parsed = parseImportArgs(args);
  if (typeof parsed === 'string') return usageError('import', parsed);
  const size = await stat(parsed.file).then(
    (s) => s.size,
    (error: NodeJS.ErrnoException) => {
      throw new CliError(`cannot read ${parsed.file}: ${error.code ?? error.message}`);
    },
  );
  await checkPostgres(config);
  // Pending subscribers get their confirmation email through the queue.
  if (parsed.status === 'pending') await checkRedis(config);
  const ctx = createContext(config, { logger: createLogger(config.logLevel, pino.destination(2)) });
  const progress = createProgress('import');
  const input = createReadStream(parsed.file);
  let read = 0;
  input.on('data', (chunk) => {
    read += chunk.length;
    progress.update(read, size, 'bytes');
  });
  try {
    const report = await importSubscribersCsv(
      {
        db: ctx.db,
        rules: importRules,
        requestConfirmations: (ids, requestedAt) => addToOutbox(ctx.db, ids, requestedAt),
      },
      input,
      { status: parsed.status, existing: parsed.existing, actor: { userAgent: 'paperboy import' } },
    );
    progress.stop();
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    if (report.errorCount) process.exitCode = 1;
  } finally {
    progress.stop();
    await ctx.close();
  }
}
