// What a sender draws a digest's emails from: its period, the lists, the
// papers its deliveries carry, and a matcher per planning instant. Batches
// of one digest that a process sends within `maxAgeMs` share one load: the
// papers' cards are rendered, and their text folded and matched, once per
// load instead of once per batch (personal digests bring a batch most of
// the period's papers). An admin's edit (a hidden paper, a renamed list)
// reaches emails within `maxAgeMs`; planning chose the papers anyway.
import type { Db } from '../db.js';
import { loadLists, loadPapersById, type ContentPaper } from './content.js';
import { findBatchPaperIds } from './delivery-repo.js';
import { findDigest } from './digest-repo.js';
import { createMatcher, type Matcher, type MatchList } from './matcher.js';

export interface SendContent {
  period: string;
  lists: MatchList[];
  papers: Map<number, ContentPaper>;
  /** Loads the papers among `ids` not held yet. */
  addPapers(ids: number[]): Promise<void>;
  /** A matcher over (at least) these papers as of a planning instant. */
  matcherFor(asOf: Date, paperIds: number[]): Matcher;
}

export interface SendContentCache {
  /** The digest's content: the one loaded less than maxAgeMs ago, or a new load (with this batch's papers). */
  get(db: Db, digestId: number, batch: number): Promise<SendContent>;
}

/** How long a worker's batches share one load of a digest's content. */
export const SEND_CONTENT_MAX_AGE_MS = 30_000;

/** Digests held at once: a process sends one period at a time, but a retry may overlap the next. */
const DIGESTS_KEPT = 2;

export function createSendContentCache(maxAgeMs: number, clock: () => number = Date.now): SendContentCache {
  const loads = new Map<number, { at: number; content: Promise<SendContent> }>();
  return {
    get(db, digestId, batch) {
      const held = loads.get(digestId);
      if (held && clock() - held.at < maxAgeMs) return held.content;
      const content = loadSendContent(db, digestId, batch);
      loads.delete(digestId);
      if (loads.size >= DIGESTS_KEPT) loads.delete(loads.keys().next().value!);
      const entry = { at: clock(), content };
      loads.set(digestId, entry);
      // A failed load is not kept: the next batch tries again.
      content.catch(() => loads.get(digestId) === entry && loads.delete(digestId));
      return content;
    },
  };
}

async function loadSendContent(db: Db, digestId: number, batch: number): Promise<SendContent> {
  const [digest, lists, batchPapers] = await Promise.all([
    findDigest(db, digestId),
    loadLists(db),
    findBatchPaperIds(db, digestId, batch).then((ids) => loadPapersById(db, ids)),
  ]);
  if (!digest) throw new Error(`digest ${digestId} not found`);
  const papers = new Map(batchPapers.map((p) => [p.id, p]));
  const matchers = new Map<number, Matcher>();
  return {
    period: digest.period,
    lists,
    papers,
    async addPapers(ids) {
      const missing = [...new Set(ids)].filter((id) => id && !papers.has(id));
      for (const p of await loadPapersById(db, missing)) papers.set(p.id, p);
    },
    // Text is folded and each phrase matched once per matcher. A matcher over
    // a superset of an email's papers ranks them the same, so it is rebuilt
    // only for an email that carries a paper loaded after it.
    matcherFor(asOf, paperIds) {
      let matcher = matchers.get(asOf.getTime());
      const lacks = (id: number) => {
        const paper = papers.get(id);
        return paper !== undefined && !paper.hidden && !matcher!.paper(id);
      };
      if (!matcher || paperIds.some(lacks)) {
        matcher = createMatcher({ papers: [...papers.values()], now: asOf });
        matchers.set(asOf.getTime(), matcher);
      }
      return matcher;
    },
  };
}
