// One ingest run: read a whole source (every page) into a batch, then upsert
// it in one transaction. A document-level failure throws before anything is
// written; malformed items are skipped and reported in the summary.
import type { Config } from '../config.js';
import type { Db } from '../db.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { fetchArxivPapers, type ArxivRequest } from './arxiv-source.js';
import { DEFAULT_FETCH_OPTIONS, type FetchOptions } from './fetch-document.js';
import { readPaperFile } from './file-source.js';
import { fetchHfPapers, type HfRequest } from './hf-source.js';
import { IngestError } from './ingest-error.js';
import type { PaperRecord, PaperSource } from './paper.js';
import { upsertPapers } from './paper-repo.js';
import type { Skip, SourceBatch } from './source-batch.js';

export type IngestRequest =
  | ({ source: 'hf'; date?: string } & Omit<HfRequest, 'date'>)
  | ({ source: 'arxiv' } & ArxivRequest)
  | { source: 'file'; path: string };

export interface IngestDeps {
  db: Db;
  config: Pick<Config, 'hfBaseUrl' | 'arxivBaseUrl' | 'publicUrl'>;
  logger?: Logger;
  metrics?: Metrics;
  /** Timeouts, retries and caps; tests make them short. */
  fetch?: Partial<Omit<FetchOptions, 'userAgent'>>;
  now?: () => Date;
  /** Called once the source is read, before its papers are stored (the CLI's progress bar). */
  onRead?: (papers: number) => void;
}

export interface IngestSummary {
  source: PaperSource;
  fetched: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: Skip[];
}

export const USER_AGENT_PRODUCT = 'Paperboy/0.1';

/** Today's date in UTC, the day the Hugging Face daily page is keyed by. */
export function utcDate(now: Date): string {
  return now.toISOString().slice(0, 10);
}

export function fetchOptions(deps: { config: Pick<Config, 'publicUrl'>; fetch?: IngestDeps['fetch'] }): FetchOptions {
  return {
    ...DEFAULT_FETCH_OPTIONS,
    ...deps.fetch,
    // arXiv asks API clients to identify themselves with a way to reach them.
    userAgent: `${USER_AGENT_PRODUCT} (+${deps.config.publicUrl})`,
  };
}

/** Reads the source, then stores the papers; throws IngestError when the run fails. */
export async function ingestPapers(deps: IngestDeps, request: IngestRequest): Promise<IngestSummary> {
  const log = deps.logger?.child({ module: 'ingest' });
  try {
    const batch = await readSource(deps, request);
    deps.onRead?.(batch.papers.length);
    return await storeBatch(deps, request.source, batch);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log?.warn(
      { event: 'ingest_failed', source: request.source, code: (error as IngestError).code, err: message },
      'ingest failed',
    );
    deps.metrics?.papersIngested.inc({ source: request.source, outcome: 'run_failed' });
    throw error;
  }
}

function readSource(deps: IngestDeps, request: IngestRequest): Promise<SourceBatch> {
  const options = fetchOptions(deps);
  switch (request.source) {
    case 'hf': {
      const date = request.date ?? utcDate(deps.now?.() ?? new Date());
      return fetchHfPapers(deps.config.hfBaseUrl, { ...request, date }, options);
    }
    case 'arxiv':
      return fetchArxivPapers(deps.config.arxivBaseUrl, request, options);
    case 'file':
      return readPaperFile(request.path, options.maxBytes);
    default:
      throw new IngestError('invalid_input', `unknown source: ${String((request as { source: unknown }).source)}`);
  }
}

/** Dedupes a batch by key, upserts it and says what happened. */
export async function storeBatch(
  deps: Pick<IngestDeps, 'db' | 'logger' | 'metrics'>,
  source: PaperSource,
  batch: SourceBatch,
): Promise<IngestSummary> {
  const { papers, duplicates } = dedupeByKey(batch.papers);
  const result = await upsertPapers(deps.db, papers, source);
  const skipped = [...batch.skipped, ...duplicates].sort((a, b) => a.index - b.index);
  const summary: IngestSummary = { source, fetched: batch.fetched, ...result, skipped };
  for (const outcome of ['created', 'updated', 'unchanged'] as const) {
    if (result[outcome] > 0) deps.metrics?.papersIngested.inc({ source, outcome }, result[outcome]);
  }
  if (skipped.length > 0) deps.metrics?.papersIngested.inc({ source, outcome: 'skipped' }, skipped.length);
  deps.logger?.child({ module: 'ingest' }).info(
    {
      event: 'ingest_done',
      source,
      fetched: summary.fetched,
      created: summary.created,
      updated: summary.updated,
      skipped: skipped.length,
    },
    'ingest done',
  );
  return summary;
}

/** The first sighting of a key wins; later ones in the same run are reported, not written twice. */
function dedupeByKey(items: SourceBatch['papers']): { papers: PaperRecord[]; duplicates: Skip[] } {
  const firstIndex = new Map<string, number>();
  const papers: PaperRecord[] = [];
  const duplicates: Skip[] = [];
  for (const { index, paper } of items) {
    const first = firstIndex.get(paper.key);
    if (first === undefined) {
      firstIndex.set(paper.key, index);
      papers.push(paper);
    } else {
      const id = paper.arxivId ?? undefined;
      duplicates.push({ index, ...(id ? { id } : {}), reason: `duplicate of item ${first} in this run` });
    }
  }
  return { papers, duplicates };
}
