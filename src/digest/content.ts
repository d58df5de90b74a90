// What a digest is made of, loaded once per planning run or send batch:
// lists, papers, and the sections of an already planned delivery.
import type { Db } from '../db.js';
import { createMatcher, type MatchList, type MatchPaper, type Section } from './matcher.js';
import type { DigestPaper } from './renderer.js';

export type ContentPaper = MatchPaper & DigestPaper;

const PAPER_FIELDS = {
  id: true,
  arxivId: true,
  title: true,
  abstract: true,
  authors: true,
  authorCount: true,
  organization: true,
  categories: true,
  keywords: true,
  upvotes: true,
  url: true,
  pdfUrl: true,
  githubRepo: true,
  projectPage: true,
  firstSeenAt: true,
  hidden: true,
} as const;

export async function loadLists(db: Db): Promise<MatchList[]> {
  return db.list.findMany({
    select: { id: true, name: true, keywords: true, categories: true, minUpvotes: true, maxPapers: true },
    orderBy: { id: 'asc' },
  });
}

/** Papers first seen in (start, end], hidden ones left out. */
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

const BEGINNING = new Date(0);
const END = new Date(8.64e15);

/**
 * The sections of a planned delivery from its stored paper ids: the same
 * matcher over exactly those papers, so the result equals what was planned
 * unless a list rule or upvotes changed in between. A paper that then fits
 * no section is still sent, in the section of a list it matches or the last
 * one: what was planned (Delivery.paperIds) is what goes out. Papers hidden
 * since planning are dropped.
 */
export function arrangeSections(input: {
  papers: Map<number, ContentPaper>;
  lists: MatchList[];
  listIds: number[];
  paperIds: number[];
  asOf: Date;
}): Section[] {
  const chosen = input.paperIds.map((id) => input.papers.get(id)).filter((p): p is ContentPaper => !!p && !p.hidden);
  const own = input.lists.filter((l) => input.listIds.includes(l.id));
  const uncapped = own.map((l) => ({ ...l, maxPapers: Number.MAX_SAFE_INTEGER }));
  const sections = createMatcher({ papers: chosen, lists: own, now: input.asOf }).match(input.listIds, { start: BEGINNING, end: END });
  const placed = new Set(sections.flatMap((s) => s.cards.map((c) => c.paperId)));
  const leftovers = chosen.filter((p) => !placed.has(p.id));
  if (!leftovers.length) return sections;
  const loose = createMatcher({ papers: leftovers, lists: uncapped, now: input.asOf });
  for (const paper of leftovers) {
    const home =
      uncapped
        .map((l) => loose.match([l.id], { start: BEGINNING, end: END })[0])
        .find((s) => s?.cards.some((c) => c.paperId === paper.id)) ?? undefined;
    const card = home?.cards.find((c) => c.paperId === paper.id);
    let target = sections.find((s) => s.listId === (home?.listId ?? -1)) ?? sections[sections.length - 1];
    if (!target) {
      target = { listId: home?.listId ?? own[0]?.id ?? 0, name: home?.name ?? own[0]?.name ?? 'Papers', cards: [] };
      sections.push(target);
    }
    target.cards.push(
      card ?? { paperId: paper.id, listId: target.listId, matched: [], alsoIn: [], reason: `Chosen for ${target.name}`, score: 0, relevance: 0 },
    );
  }
  return sections;
}

/** Same lists and same papers: one rendered body serves them all. */
export function contentKey(listIds: number[], paperIds: number[]): string {
  return `${[...listIds].sort((a, b) => a - b).join(',')}|${paperIds.join(',')}`;
}
