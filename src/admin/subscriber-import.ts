// Streaming CSV import of subscribers. The file is parsed as it arrives
// (csv-parse with backpressure), validated row by row, and written 1,000
// rows at a time with set-based SQL, so 100,000 rows take seconds and memory
// holds one batch. Lists are resolved once, before the first row.
import type { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import type { Db } from '../db.js';
import { listIdsBySlug } from '../lists/list-repo.js';
import type { AdminActor } from './subscriber-admin.js';
import {
  ImportFileError,
  mapHeader,
  parseImportRow,
  type ImportColumn,
  type ImportRow,
  type RowRules,
} from './import-rows.js';
import { writeImportBatch, type BatchOutcome } from './import-batch.js';
import { findMaxSubscriberId } from './import-repo.js';

export { ImportFileError };

/**
 * The upload failed (too large, aborted) after some batches were stored.
 * Those rows stay, complete; the caller must be told what was kept.
 */
export class ImportInterruptedError extends Error {
  constructor(
    readonly reason: unknown,
    readonly partial: ImportReport,
  ) {
    super(`import interrupted after ${partial.rows} rows: ${(reason as Error)?.message ?? String(reason)}`);
    this.name = 'ImportInterruptedError';
  }
}

export interface ImportOptions {
  /** active: the admin vouches for consent. pending: each new subscriber gets a confirmation email. */
  status: 'active' | 'pending';
  /** What to do with an address that is already subscribed. */
  existing: 'skip' | 'update';
  actor: AdminActor;
  batchSize?: number;
  /** Errors listed in the report; the rest are only counted, so a bad file cannot exhaust memory. */
  maxReportedErrors?: number;
}

export interface ImportDeps {
  db: Db;
  rules: RowRules;
  /** Queues confirmation emails for new pending subscribers (the sign-up's own mechanism). */
  requestConfirmations(subscriberIds: number[], requestedAt: Date): Promise<void>;
}

export interface ImportReport {
  rows: number;
  created: number;
  updated: number;
  skipped: number;
  errors: Array<{ row: number; message: string }>;
  errorCount: number;
  errorsTruncated: boolean;
}

const MAX_RECORD_BYTES = 64 * 1024;

export async function importSubscribersCsv(
  deps: ImportDeps,
  input: Readable,
  options: ImportOptions,
): Promise<ImportReport> {
  const batchSize = options.batchSize ?? 1000;
  const maxErrors = options.maxReportedErrors ?? 1000;
  const report: ImportReport = {
    rows: 0,
    created: 0,
    updated: 0,
    skipped: 0,
    errors: [],
    errorCount: 0,
    errorsTruncated: false,
  };
  const addError = (row: number, message: string) => {
    report.errorCount += 1;
    if (report.errors.length < maxErrors) report.errors.push({ row, message });
    else report.errorsTruncated = true;
  };
  const addOutcome = (outcome: BatchOutcome) => {
    report.created += outcome.created;
    report.updated += outcome.updated;
    report.skipped += outcome.skipped;
    for (const e of outcome.errors) addError(e.row, e.message);
  };

  // Wired before the first await: an upload that fails (too large, aborted)
  // while we prepare must not become an unhandled 'error' event. The loop
  // below still sees the error, from the parser's errored state.
  const parser = parse({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_BYTES,
  });
  input.on('error', (error) => parser.destroy(error));
  parser.on('error', () => undefined); // the loop below rethrows it
  input.pipe(parser);

  const listIds = await listIdsBySlug(deps.db);
  // Rows created by this import have ids above this mark: an address that
  // already exists above it was earlier in the same file (a duplicate),
  // without keeping every address of the file in memory.
  const context = { db: deps.db, options, baselineId: await findMaxSubscriberId(deps.db) };

  let columns: Map<ImportColumn, number> | undefined;
  let batch: ImportRow[] = [];
  let row = 1;
  const flush = async () => {
    if (!batch.length) return;
    const outcome = await writeImportBatch(context, batch);
    addOutcome(outcome);
    if (outcome.pendingIds.length) await deps.requestConfirmations(outcome.pendingIds, outcome.requestedAt);
    batch = [];
  };
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      if (!columns) {
        columns = mapHeader(cells);
        continue;
      }
      row += 1;
      report.rows += 1;
      const result = parseImportRow(cells, row, columns, listIds, deps.rules);
      if (!result.ok) addError(row, result.message);
      else batch.push(result.value);
      if (batch.length >= batchSize) await flush();
    }
    if (!columns)
      throw new ImportFileError('the file is empty: expected a header row email,lists,timezone,sendHour,frequency');
    await flush();
    // Reported in file order; a batch reports its duplicates when it is written.
    report.errors.sort((a, b) => a.row - b.row);
  } catch (error) {
    input.unpipe(parser);
    parser.destroy();
    if (isCsvError(error))
      throw new ImportFileError(`not valid CSV: ${error.message}`, report.rows ? report : undefined);
    if (report.created || report.updated) throw new ImportInterruptedError(error, report);
    throw error;
  }
  return report;
}

// Not by code prefix: csv-parse raises some errors (INVALID_OPENING_QUOTE) without "CSV_".
function isCsvError(error: unknown): error is CsvError {
  return error instanceof CsvError;
}
