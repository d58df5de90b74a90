// What a digest is made of, loaded once per planning run or send batch:
// lists, papers, and the sections of an already planned delivery.
import type { Db } from '../db.js';
import type { Interests } from '../subscriptions/interests.js';
import { createMatcher, NO_INTERESTS, type Matcher, type MatchList, type MatchPaper } from './matcher.js';
import type { Frequency } from './ranking.js';
import { arrangeLayout, planReader, type DeliveryLayout, type Section } from './reader-digest.js';
import type { DigestPaper } from './renderer.js';

export type ContentPaper = MatchPaper & DigestPaper;

/** The columns of a paper that matching and ranking need. */
export const MATCH_PAPER_SELECT = {
  id: true,
  title: true,
  abstract: true,
  keywords: true,
  categories: true,
  authors: true,
  upvotes: true,
  firstSeenAt: true,
  hidden: true,
} as const;

const PAPER_FIELDS = {
  ...MATCH_PAPER_SELECT,
  arxivId: true,
  authorCount: true,
  organization: true,
  url: true,
  pdfUrl: true,
  githubRepo: true,
  projectPage: true,
} as const;

/** The columns of a list that its matching rule and sections need. */
export const MATCH_LIST_SELECT = {
  id: true,
  name: true,
  keywords: true,
  categories: true,
  exclude: true,
  authors: true,
  minUpvotes: true,
  maxPapers: true,
} as const;

export async function loadLists(db: Db): Promise<MatchList[]> {
  return db.list.findMany({
    select: MATCH_LIST_SELECT,
    orderBy: { id: 'asc' },
  });
}

/** Papers first seen in (start, end], hidden ones left out: a planning run's candidates. */
export async function loadWindowPapers(db: Db, start: Date, end: Date): Promise<ContentPaper[]> {
  return db.paper.findMany({
    where: { firstSeenAt: { gt: start, lte: end }, hidden: false },
    select: PAPER_FIELDS,
  });
}

export async function loadPapersById(db: Db, ids: number[]): Promise<ContentPaper[]> {
  if (!ids.length) return [];
  return db.paper.findMany({ where: { id: { in: ids } }, select: PAPER_FIELDS });
}

export interface ContentReader {
  listIds: number[];
  interests?: Interests;
  frequency?: Frequency;
}

/**
 * The sections of a planned delivery, from its stored layout (see
 * arrangeLayout). Deliveries planned before layouts existed hold only paper
 * ids: those are placed again by the same rules, without caps, and a paper
 * that now fits no section goes in the last one.
 */
export function deliverySections(input: {
  /** A matcher over (at least) these papers at `asOf`; a sender shares one across its emails. */
  matcher?: Matcher;
  papers: Map<number, ContentPaper>;
  lists: MatchList[];
  reader: ContentReader;
  paperIds: number[];
  layout: DeliveryLayout | null;
  asOf: Date;
}): Section[] {
  const chosen = input.paperIds.flatMap((id) => input.papers.get(id) ?? []).filter((p) => !p.hidden);
  const extra = (input.layout?.moreIds ?? []).flatMap((id) => input.papers.get(id) ?? []);
  const matcher =
    input.matcher ??
    createMatcher({ papers: [...chosen, ...extra.filter((p) => !input.paperIds.includes(p.id))], now: input.asOf });
  const lists = new Map(input.lists.map((l) => [l.id, l]));
  const profile = {
    listIds: input.reader.listIds,
    interests: input.reader.interests ?? NO_INTERESTS,
    frequency: input.reader.frequency ?? 'daily',
  };
  const layout = input.layout ?? legacyLayout(input.paperIds, chosen, lists, profile, input.asOf);
  return arrangeLayout(matcher, lists, profile, layout, (id) => input.papers.get(id)?.title);
}

function legacyLayout(
  paperIds: number[],
  chosen: ContentPaper[],
  lists: Map<number, MatchList>,
  profile: { listIds: number[]; interests: Interests; frequency: Frequency },
  asOf: Date,
): DeliveryLayout {
  // The lookback does not apply: these papers were chosen when the delivery was planned.
  const matcher = createMatcher({ papers: chosen.map((p) => ({ ...p, firstSeenAt: asOf })), now: asOf });
  const { layout } = planReader(
    matcher,
    new Map([...lists].map(([id, l]) => [id, { ...l, maxPapers: Number.MAX_SAFE_INTEGER, minUpvotes: 0 }])),
    {
      ...profile,
      papersPerEmail: Number.MAX_SAFE_INTEGER,
    },
  );
  const placed = new Set(layout.sections.flatMap((s) => s.paperIds));
  const loose = paperIds.filter((id) => !placed.has(id) && chosen.some((p) => p.id === id));
  if (loose.length) {
    const last = layout.sections[layout.sections.length - 1];
    if (last) last.paperIds.push(...loose);
    else layout.sections.push({ key: profile.listIds[0] ?? 0, paperIds: loose });
  }
  return { sections: layout.sections, moreIds: [], moreCount: 0 };
}

/** Delivery.layout as stored (JSON), or null for deliveries planned before layouts. */
export function parseLayout(value: unknown): DeliveryLayout | null {
  if (!value || typeof value !== 'object' || !Array.isArray((value as DeliveryLayout).sections)) return null;
  const layout = value as DeliveryLayout;
  return { sections: layout.sections, moreIds: layout.moreIds ?? [], moreCount: layout.moreCount ?? 0 };
}
