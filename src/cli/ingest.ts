// `paperboy ingest --source hf|arxiv|file [--period D] [--query Q] [--file
// PATH] [--limit N]`: one ingest run; prints its JSON summary on stdout, logs
// and the progress bar on stderr, and exits 1 when the run failed (2 for a
// usage error).
import { pino } from 'pino';
import type { Config } from '../config.js';
import { createDb } from '../db.js';
import { createLogger, logErrorsEvery } from '../logger.js';
import { IngestError } from '../papers/ingest-error.js';
import { ingestPapers, type IngestRequest } from '../papers/ingest.js';
import { parseFlags } from './flags.js';
import { checkPostgres } from './preflight.js';
import { createProgress } from './progress.js';
import { usageError } from './usage.js';

/** The request the flags describe, or a usage error message. */
export function parseIngestArgs(args: string[]): IngestRequest | string {
  const values = parseFlags(args, {
    source: { type: 'string' },
    period: { type: 'string' },
    date: { type: 'string' },
    query: { type: 'string' },
    file: { type: 'string' },
    limit: { type: 'string' },
  });
  if (typeof values === 'string') return values;
  if (values.period !== undefined && values.date !== undefined) return '--date is an alias of --period: give one';
  const period = values.period ?? values.date;
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) return '--limit must be a positive integer';
  switch (values.source) {
    case 'hf':
      if (limit !== undefined) return '--limit applies to --source arxiv (a daily page is read whole)';
      return { source: 'hf', date: period };
    case 'arxiv':
      return { source: 'arxiv', query: values.query, maxResults: limit };
    case 'file':
      return values.file ? { source: 'file', path: values.file } : '--source file needs --file PATH';
    default:
      return '--source must be hf, arxiv or file';
  }
}

export async function runIngestCommand(args: string[], config: Config): Promise<void> {
  const request = parseIngestArgs(args);
  if (typeof request === 'string') return usageError('ingest', request);
  await checkPostgres(config);
  // Only Postgres is needed: an offline file ingest works with Redis down.
  // Logs go to stderr so stdout holds nothing but the summary.
  const logger = createLogger(config.logLevel, pino.destination(2));
  const db = createDb(config.databaseUrl, { max: 2, onError: logErrorsEvery(logger, 'postgres_error') });
  const progress = createProgress(`ingest ${request.source}`);
  progress.update(0, 2, 'reading');
  try {
    const summary = await ingestPapers(
      { db, config, logger, onRead: (n) => progress.update(1, 2, `storing ${n} papers`) },
      request,
    );
    progress.update(2, 2, 'done');
    progress.stop();
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } catch (error) {
    if (!(error instanceof IngestError)) throw error;
    process.stdout.write(
      `${JSON.stringify({ source: request.source, error: { code: error.code, message: error.message } }, null, 2)}\n`,
    );
    process.stderr.write(`paperboy ingest: ${error.message}\n`);
    process.exitCode = 1;
  } finally {
    progress.stop();
    await db.$disconnect();
  }
}
