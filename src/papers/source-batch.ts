// What every source hands to ingest: the papers it could read and the items
// it skipped, with why. Indexes count items across all pages of one run.
import { buildPaper, type PaperFields, type PaperRecord } from './paper.js';

export interface Skip {
  /** Position of the item in the run (0-based, across pages). */
  index: number;
  /** The item's id where it had one. */
  id?: string;
  reason: string;
}

export interface SourceBatch {
  /** Items read from the documents, skipped ones included. */
  fetched: number;
  papers: Array<{ index: number; paper: PaperRecord }>;
  skipped: Skip[];
}

export function emptyBatch(): SourceBatch {
  return { fetched: 0, papers: [], skipped: [] };
}

/** Builds one item into the batch, or records why it was skipped. */
export function addItem(batch: SourceBatch, index: number, id: string | undefined, fields: PaperFields | string): void {
  batch.fetched += 1;
  const built = typeof fields === 'string' ? { ok: false as const, reason: fields } : buildPaper(fields);
  if (built.ok) batch.papers.push({ index, paper: built.paper });
  else batch.skipped.push(id ? { index, id: id.slice(0, 64), reason: built.reason } : { index, reason: built.reason });
}

/** Appends one page's batch to the run's. */
export function mergeBatch(into: SourceBatch, page: SourceBatch): void {
  into.fetched += page.fetched;
  into.papers.push(...page.papers);
  into.skipped.push(...page.skipped);
}

/** A zod-style issue list as one short reason. */
export function issueReason(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  const first = issues[0];
  if (!first) return 'invalid item';
  const path = first.path.map(String).join('.');
  return path ? `${path}: ${first.message}` : first.message;
}
