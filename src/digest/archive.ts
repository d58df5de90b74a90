// The public archive: a public list's editions, one per period, each the
// papers a reader of only that list got (README.md, "The public archive").
// Planned on request with the digest's own matcher and planReader over the
// period's papers; nothing is stored in the database, so an edition can
// never disagree with the rules that planned the emails. Plans are
// remembered per process (archive-memo.ts) under keys that change with the
// rule and the papers.
import type { Db } from '../db.js';
import { DEFAULT_PAPERS_PER_EMAIL } from '../subscriptions/interests.js';
import { editionPlans, planKey, type EditionPlan } from './archive-memo.js';
import { findPaperPeriods, type ArchiveList } from './archive-repo.js';
import { loadPapersById, loadWindowPapers, type ContentPaper } from './content.js';
import { createMatcher, NO_INTERESTS, type Matcher, type MatchList } from './matcher.js';
import { currentPeriod, isPeriod } from './period.js';
import { planReader, type Section } from './reader-digest.js';

const DAY_MS = 86_400_000;
/** Periods read per round trip while looking for editions, and papers of at most this many periods per query. */
const SCAN_PERIODS = 31;

/** Periods asked for at most per round trip (a year), however long the gap. */
const MAX_SCAN_PERIODS = 366;

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

export interface Edition {
  list: ArchiveList;
  period: string;
  /** When the edition's window closed: its publication time. */
  published: Date;
  sections: Section[];
  /** The papers of the sections (and only those). */
  papers: Map<number, ContentPaper>;
  paperCount: number;
}

/** Period P holds the papers first seen in (P-1 00:00Z, P 00:00Z]. */
export function editionWindow(period: string): { start: Date; end: Date } {
  const end = new Date(`${period}T00:00:00.000Z`);
  return { start: new Date(end.getTime() - DAY_MS), end };
}

/** The period whose window holds this instant. */
export function editionPeriod(firstSeenAt: Date): string {
  return new Date(firstSeenAt.getTime() - 1 + DAY_MS).toISOString().slice(0, 10);
}

/** The newest period with a closed window: today's (UTC). */
export function latestPeriod(now: Date): string {
  return currentPeriod('UTC', now);
}

/** A period that may have an edition: a real date, not after today. */
export function isArchivePeriod(period: string, now: Date): boolean {
  return isPeriod(period) && period <= latestPeriod(now);
}

/** A period's visible papers and the matcher over them, "now" at the window's close. */
export interface PeriodPapers {
  papers: Map<number, ContentPaper>;
  matcher: Matcher;
}

export function periodPapers(period: string, papers: ContentPaper[]): PeriodPapers {
  const { start, end } = editionWindow(period);
  const own = papers.filter((p) => !p.hidden && p.firstSeenAt > start && p.firstSeenAt <= end);
  return { papers: new Map(own.map((p) => [p.id, p])), matcher: createMatcher({ papers: own, now: end }) };
}

/** The period `days` after (or before) this one. */
export function shiftPeriod(period: string, days: number): string {
  return new Date(new Date(`${period}T00:00:00Z`).getTime() + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * One list's plan from its period's matcher: the email of a daily reader of
 * only this list, with the default papers per email and no interests,
 * planned when the window closed. Null when the list took nothing.
 */
function planOf(list: ArchiveList, day: PeriodPapers): EditionPlan | null {
  const profile = {
    listIds: [list.id],
    interests: NO_INTERESTS,
    frequency: 'daily' as const,
    papersPerEmail: DEFAULT_PAPERS_PER_EMAIL,
  };
  const lists = new Map<number, MatchList>([[list.id, list]]);
  const { sections } = planReader(day.matcher, lists, profile);
  if (!sections.length) return null;
  return { sections, paperIds: [...new Set(sections.flatMap((s) => s.cards.map((c) => c.paperId)))] };
}

/** The edition of a plan, its papers taken from `papers` (which holds them all). */
function editionOf(
  list: ArchiveList,
  period: string,
  plan: EditionPlan,
  papers: ReadonlyMap<number, ContentPaper>,
): Edition {
  const own = new Map(plan.paperIds.map((id) => [id, papers.get(id)!]));
  return {
    list,
    period,
    published: editionWindow(period).end,
    sections: plan.sections,
    papers: own,
    paperCount: own.size,
  };
}

function planEdition(list: ArchiveList, period: string, day: PeriodPapers): Edition | null {
  const plan = planOf(list, day);
  return plan && editionOf(list, period, plan, day.papers);
}

interface Planned {
  period: string;
  plan: EditionPlan;
}

export interface EditionPage {
  editions: Edition[];
  /** Whether editions exist beyond each end of the page. */
  newer: boolean;
  older: boolean;
}

export interface Archive {
  edition(list: ArchiveList, period: string): Promise<Edition | null>;
  /** Newest first: the newest `limit`, or those just before `before` or just after `after`. */
  editions(list: ArchiveList, page: { before?: string; after?: string; limit: number }): Promise<EditionPage>;
  latest(list: ArchiveList): Promise<Edition | null>;
}

/**
 * The archive as of `now`, for one request: each period's papers are read
 * and matched once, however many lists (the index) or editions ask for them.
 */
export function createArchive(deps: { db: Db; now: Date }): Archive {
  const until = latestPeriod(deps.now);
  const loads = new Map<string, () => Promise<ContentPaper[]>>();
  const built = new Map<string, PeriodPapers>();

  // One query per run of neighbouring periods, made when the first of them is needed.
  function prepare(run: string[]): void {
    const sorted = [...run].sort();
    const load = once(() =>
      loadWindowPapers(deps.db, editionWindow(sorted[0]!).start, editionWindow(sorted[sorted.length - 1]!).end),
    );
    for (const period of run) if (!loads.has(period)) loads.set(period, load);
  }

  async function dayOf(period: string): Promise<PeriodPapers> {
    let day = built.get(period);
    if (!day) {
      if (!loads.has(period)) prepare([period]);
      day = periodPapers(period, await loads.get(period)!());
      built.set(period, day);
    }
    return day;
  }

  // Plans from a cursor in one direction, until `limit` are found or the papers run out.
  // Only periods this process has not planned for this rule and these papers are read and matched.
  async function scan(list: ArchiveList, from: { before?: string; after?: string }, limit: number): Promise<Planned[]> {
    const found: Planned[] = [];
    let cursor = from;
    // Grows while nothing is found: a long gap of remembered periods costs a few queries, not one per week.
    let batch = Math.min(SCAN_PERIODS, Math.max(limit, 7));
    while (found.length < limit) {
      const periods = await findPaperPeriods(deps.db, { ...cursor, until, limit: batch });
      if (!periods.length) break;
      // The matcher never takes a paper under minUpvotes, so such a period needs no planning.
      const known = periods.map((day) =>
        day.topUpvotes < list.minUpvotes ? null : editionPlans.get(planKey(list, day)),
      );
      // A query per run of unknown neighbours: never across a remembered period's papers.
      let run: string[] = [];
      periods.forEach((day, i) => {
        if (known[i] === undefined) run.push(day.period);
        if ((known[i] !== undefined || run.length === SCAN_PERIODS) && run.length) {
          prepare(run);
          run = [];
        }
      });
      if (run.length) prepare(run);
      for (let i = 0; i < periods.length && found.length < limit; i++) {
        const day = periods[i]!;
        let plan = known[i];
        if (plan === undefined) {
          plan = planOf(list, await dayOf(day.period));
          editionPlans.set(planKey(list, day), plan);
        }
        if (plan) found.push({ period: day.period, plan });
      }
      const last = periods[periods.length - 1]!.period;
      cursor = cursor.after ? { after: last } : { before: last };
      batch = Math.min(batch * 2, MAX_SCAN_PERIODS);
    }
    return found;
  }

  // The editions of plans, their papers read by id in one query.
  async function editionsOf(list: ArchiveList, planned: Planned[]): Promise<Edition[]> {
    const papers = await loadPapersById(deps.db, [...new Set(planned.flatMap((p) => p.plan.paperIds))]);
    const byId = new Map(papers.map((p) => [p.id, p]));
    return planned.map((p) => editionOf(list, p.period, p.plan, byId));
  }

  return {
    async edition(list, period) {
      if (!isArchivePeriod(period, deps.now)) return null;
      return planEdition(list, period, await dayOf(period));
    },
    async editions(list, page) {
      if (page.after) {
        const found = await scan(list, { after: page.after }, page.limit + 1);
        const shown = found.slice(0, page.limit).reverse();
        const older =
          (await scan(list, { before: shown[shown.length - 1]?.period ?? shiftPeriod(page.after, 1) }, 1)).length > 0;
        return { editions: await editionsOf(list, shown), newer: found.length > page.limit, older };
      }
      const found = await scan(list, page.before ? { before: page.before } : {}, page.limit + 1);
      const shown = found.slice(0, page.limit);
      const newer = page.before
        ? (await scan(list, { after: shown[0]?.period ?? shiftPeriod(page.before, -1) }, 1)).length > 0
        : false;
      return { editions: await editionsOf(list, shown), newer, older: found.length > page.limit };
    },
    async latest(list) {
      const [edition] = await editionsOf(list, await scan(list, {}, 1));
      return edition ?? null;
    },
  };
}
