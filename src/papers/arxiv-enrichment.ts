// Enrichment: Hugging Face papers arrive without arXiv categories (and the
// sample set without author names). This asks the arXiv API for them by id,
// `GET /api/query?id_list=…`, at most 100 ids a request and never two
// requests closer than the configured gap (arXiv's terms ask for 3 s), and
// stores each batch's answer in one statement. It runs as its own job after
// ingest; ingest never waits for it.
import type { Config } from '../config.js';
import type { Db } from '../db.js';
import type { Logger } from '../logger.js';
import { parseAtomDocument } from './arxiv-source.js';
import { fetchDocument, type FetchOptions } from './fetch-document.js';
import { IngestError } from './ingest-error.js';
import { fetchOptions } from './ingest.js';
import {
  listPapersAwaitingEnrichment,
  saveEnrichment,
  type ArxivMetadata,
  type PendingPaper,
} from './enrichment-repo.js';

/** arXiv's terms: no more than one request every 3 seconds. */
export const ARXIV_MIN_GAP_MS = 3000;
/** The most ids one id_list request carries. */
export const ARXIV_ID_BATCH = 100;

/** Time as enrichment sees it; tests hand in a virtual clock so the 3 s gaps cost nothing. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface EnrichDeps {
  db: Db;
  config: Pick<Config, 'arxivBaseUrl' | 'arxivRequestGapMs' | 'publicUrl'>;
  logger?: Logger;
  clock?: Clock;
  /** Ids per request, at most ARXIV_ID_BATCH. */
  batchSize?: number;
  /** Attempts after the first for one request; each waits twice as long as the one before, never less than the gap. */
  retries?: number;
  /** Timeout and size cap per request; retries are enrichment's own. */
  fetch?: Partial<Omit<FetchOptions, 'userAgent' | 'retries'>>;
}

export interface EnrichSummary {
  /** Papers asked about. */
  asked: number;
  /** Papers arXiv answered for. */
  enriched: number;
  /** Papers arXiv did not answer for: marked as asked, never asked again. */
  unknown: number;
  requests: number;
}

/** Enriches every paper waiting for it; throws IngestError when arXiv cannot be read (what was stored before stays). */
export async function enrichPapers(deps: EnrichDeps): Promise<EnrichSummary> {
  const log = deps.logger?.child({ module: 'enrich' });
  const batchSize = Math.min(Math.max(1, deps.batchSize ?? ARXIV_ID_BATCH), ARXIV_ID_BATCH);
  const pacer = new RequestPacer(deps.clock ?? SYSTEM_CLOCK, Math.max(ARXIV_MIN_GAP_MS, deps.config.arxivRequestGapMs));
  const options: FetchOptions = { ...fetchOptions(deps), retries: 0 };
  const summary: EnrichSummary = { asked: 0, enriched: 0, unknown: 0, requests: 0 };
  let cursor = 0;
  try {
    for (;;) {
      const batch = await listPapersAwaitingEnrichment(deps.db, cursor, batchSize);
      if (batch.length === 0) break;
      cursor = batch[batch.length - 1]!.id;
      const found = await fetchMetadata(deps, pacer, options, batch, summary);
      await saveEnrichment(deps.db, batch, found);
      const enriched = batch.filter((paper) => found.has(paper.arxivId)).length;
      summary.asked += batch.length;
      summary.enriched += enriched;
      summary.unknown += batch.length - enriched;
    }
  } finally {
    // The next run (a retry, or the job queued meanwhile, on any worker)
    // starts only after this one ends: ending a gap after the last request
    // keeps the spacing across runs without shared state.
    await pacer.coolDown();
  }
  if (summary.asked > 0) log?.info({ event: 'enrich_done', ...summary }, 'enrichment done');
  return summary;
}

async function fetchMetadata(
  deps: EnrichDeps,
  pacer: RequestPacer,
  options: FetchOptions,
  batch: PendingPaper[],
  summary: EnrichSummary,
): Promise<Map<string, ArxivMetadata>> {
  const ids = batch.map((paper) => paper.arxivId);
  const params = new URLSearchParams({ id_list: ids.join(','), max_results: String(ids.length) });
  const url = `${deps.config.arxivBaseUrl}/api/query?${params.toString()}`;
  const retries = Math.max(0, deps.retries ?? 3);
  for (let attempt = 0; ; attempt++) {
    await pacer.waitTurn(attempt);
    summary.requests += 1;
    try {
      const doc = await fetchDocument('arXiv API', url, options, 'application/atom+xml');
      // Parsing throws on anything malformed, before a single row is written.
      const parsed = parseAtomDocument(`arXiv API id_list (${ids.length} ids)`, doc.text, doc.contentType);
      const asked = new Set(ids);
      const found = new Map<string, ArxivMetadata>();
      for (const { paper } of parsed.papers) {
        if (paper.arxivId && asked.has(paper.arxivId))
          found.set(paper.arxivId, { categories: paper.categories, authors: paper.authors });
      }
      return found;
    } catch (error) {
      if (!(error instanceof IngestError) || !error.transient || attempt >= retries) throw error;
      deps.logger
        ?.child({ module: 'enrich' })
        .warn({ event: 'enrich_retry', attempt: attempt + 1, err: error.message }, 'arXiv request failed; retrying');
    }
  }
}

/**
 * Spaces requests: each starts at least `gapMs` after the previous one
 * started, and a retry waits gap × 2^(attempt-1) after the failure (3 s, 6 s,
 * 12 s…), so backoff never brings two requests closer than the gap.
 */
export class RequestPacer {
  private last = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly clock: Clock,
    private readonly gapMs: number,
  ) {}

  async waitTurn(attempt = 0): Promise<void> {
    const now = this.clock.now();
    const backoff = attempt > 0 ? this.gapMs * 2 ** (attempt - 1) : 0;
    const at = Math.max(this.last + this.gapMs, now + backoff);
    if (at > now) await this.clock.sleep(at - now);
    this.last = this.clock.now();
  }

  /** Waits until a new request would be allowed; at once if none was made. */
  async coolDown(): Promise<void> {
    const wait = this.last + this.gapMs - this.clock.now();
    if (wait > 0) await this.clock.sleep(wait);
  }
}
