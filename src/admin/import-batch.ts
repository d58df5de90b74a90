// Writes one batch of validated import rows with a handful of set-based
// statements (import-repo.ts), never one query per row.
import type { Db } from '../db.js';
import { findSuppressed } from '../subscriptions/suppression-repo.js';
import {
  addSubscriptionsAndConsent,
  findSubscribersByEmail,
  insertSubscribers,
  updateSubscribers,
  type Touched,
} from './import-repo.js';
import type { ImportOptions } from './subscriber-import.js';
import type { ImportRow } from './import-rows.js';

export interface BatchOutcome {
  created: number;
  updated: number;
  skipped: number;
  errors: Array<{ row: number; message: string }>;
  /** New pending subscribers that need a confirmation email… */
  pendingIds: number[];
  /** …requested at this time (their confirmRequestedAt). */
  requestedAt: Date;
}

export interface BatchContext {
  db: Db;
  options: ImportOptions;
  /** Highest subscriber id before the import began. */
  baselineId: number;
}

export async function writeImportBatch(context: BatchContext, rows: ImportRow[]): Promise<BatchOutcome> {
  const outcome: BatchOutcome = {
    created: 0,
    updated: 0,
    skipped: 0,
    errors: [],
    pendingIds: [],
    requestedAt: new Date(),
  };
  // Duplicates inside the batch: one statement cannot touch a row twice.
  const firstRow = new Map<string, number>();
  const unique: ImportRow[] = [];
  for (const row of rows) {
    const first = firstRow.get(row.email);
    if (first !== undefined) outcome.errors.push({ row: row.row, message: `email: duplicate of row ${first}` });
    else {
      firstRow.set(row.email, row.row);
      unique.push(row);
    }
  }
  // Hard-bounced or complained addresses are never imported; each skip is reported with its reason.
  const suppressed = await findSuppressed(
    context.db,
    unique.map((r) => r.email),
  );
  for (const row of unique.filter((r) => suppressed.has(r.email))) {
    outcome.skipped += 1;
    outcome.errors.push({ row: row.row, message: `email: suppressed (${suppressed.get(row.email)}), skipped` });
  }
  const importable = unique.filter((r) => !suppressed.has(r.email));

  await context.db.$transaction(async (tx) => {
    const emails = importable.map((r) => r.email);
    const existing = await findSubscribersByEmail(tx, emails);
    const existingByEmail = new Map(existing.map((e) => [e.email, e]));
    const fresh: ImportRow[] = [];
    const toUpdate: Array<ImportRow & { id: number; status: string }> = [];
    for (const row of importable) {
      const found = existingByEmail.get(row.email);
      if (!found) fresh.push(row);
      else if (found.id > context.baselineId)
        outcome.errors.push({ row: row.row, message: 'email: duplicate of an earlier row' });
      else if (context.options.existing === 'skip') outcome.skipped += 1;
      else toUpdate.push({ ...row, id: found.id, status: found.status });
    }
    const inserted = await insertSubscribers(tx, fresh, context.options, outcome.requestedAt);
    outcome.created = inserted.length;
    // An address that appeared between our SELECT and INSERT (a concurrent sign-up) is left alone.
    outcome.skipped += fresh.length - inserted.length;
    if (context.options.status === 'pending') outcome.pendingIds = inserted.map((r) => r.id);
    const updated = await updateSubscribers(tx, toUpdate, context.options, outcome.requestedAt);
    outcome.updated = updated.length;

    const freshByEmail = new Map(fresh.map((row) => [row.email, row]));
    const updatedRows = new Map(toUpdate.map((row) => [row.id, row]));
    const touched: Touched[] = [
      ...inserted.map((r) => ({ id: r.id, row: freshByEmail.get(r.email)!, status: context.options.status })),
      ...updated.map((u) => ({ id: u.id, row: updatedRows.get(u.id)!, status: u.status })),
    ];
    await addSubscriptionsAndConsent(tx, touched, context.options, outcome.requestedAt);
  });
  return outcome;
}
