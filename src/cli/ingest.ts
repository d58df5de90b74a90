// `paperboy ingest --source hf|arxiv|file [--date D] [--query Q] [--file PATH]
// [--limit N]`: one ingest run; prints its JSON summary on stdout, logs on
// stderr, and exits 1 when the run failed (2 for a usage error).
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import type { Config } from '../config.js';
import { createDb } from '../db.js';
import { createLogger } from '../logger.js';
import { IngestError } from '../papers/ingest-error.js';
import { ingestPapers, type IngestRequest } from '../papers/ingest.js';

const USAGE = 'Usage: paperboy ingest --source hf|arxiv|file [--date YYYY-MM-DD] [--query ARXIV_QUERY] [--file PATH] [--limit N]\n  --limit: most arXiv results to read (default 100)';

/** The request the flags describe, or a usage error message. */
export function parseIngestArgs(args: string[]): IngestRequest | string {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      options: {
        source: { type: 'string' },
        date: { type: 'string' },
        query: { type: 'string' },
        file: { type: 'string' },
        limit: { type: 'string' },
      },
    }));
  } catch (error) {
    return (error as Error).message;
  }
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) return '--limit must be a positive integer';
  switch (values.source) {
    case 'hf':
      if (limit !== undefined) return '--limit applies to --source arxiv (a daily page is read whole)';
      return { source: 'hf', date: values.date };
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
  if (typeof request === 'string') {
    process.stderr.write(`paperboy ingest: ${request}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  // Only Postgres is needed: an offline file ingest works with Redis down.
  // Logs go to stderr so stdout holds nothing but the summary.
  const db = createDb(config.databaseUrl, { max: 2 });
  const logger = createLogger(config.logLevel, pino.destination(2));
  try {
    const summary = await ingestPapers({ db, config, logger }, request);
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } catch (error) {
    if (!(error instanceof IngestError)) throw error;
    process.stdout.write(`${JSON.stringify({ source: request.source, error: { code: error.code, message: error.message } }, null, 2)}\n`);
    process.stderr.write(`paperboy ingest: ${error.message}\n`);
    process.exitCode = 1;
  } finally {
    await db.$disconnect();
  }
}
