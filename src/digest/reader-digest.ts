// One reader's email, pure: which eligible papers go in which section, once
// each, in the section where they rank best (README.md, "Ranking").
// planReader() chooses at planning time and returns the layout stored in
// Delivery.layout; arrangeLayout() turns a stored layout back into sections
// with their reasons at send time.
import {
  hasInterests,
  interestsRule,
  isCatchAll,
  listRule,
  matchedLabels,
  type Hit,
  type MatchList,
  type Matcher,
  type MatchWhy,
  type Rule,
} from './matcher.js';
import { pinFirst } from '../papers/pinning.js';
import type { Interests } from '../subscriptions/interests.js';
import { placeCandidates } from './placement.js';
import { LOOKBACK_DAYS, type Frequency } from './ranking.js';

/** 'more' exists only in the web view: the matches beyond the email's papersPerEmail. */
export type SectionKind = 'personal' | 'recommended' | 'trending' | 'list' | 'more';

/** Section keys that are not list ids. */
export const PERSONAL_KEY = 0;
export const RECOMMENDED_KEY = -1;
export const MORE_KEY = -2;

export interface Card {
  paperId: number;
  /** The section the card sits in (a list id, PERSONAL_KEY or RECOMMENDED_KEY). */
  sectionKey: number;
  why: MatchWhy[];
  /** Phrases, categories and "by <author>" that matched, as the rule spells them. */
  matched: string[];
  /** Names of the reader's other sections whose rule also takes the paper. */
  alsoIn: string[];
  /** One line for the reader: why this paper is here. */
  reason: string;
  score: number;
  relevance: number;
  /** Recommended cards: the liked paper this one resembles. */
  likedPaperId?: number;
}

export interface Section {
  key: number;
  kind: SectionKind;
  /** Null for the personal and recommended sections. */
  listId: number | null;
  name: string;
  cards: Card[];
}

/** What Delivery.layout holds: the email's sections and the matches beyond the cap. */
export interface DeliveryLayout {
  sections: Array<{ key: number; paperIds: number[]; liked?: number[] }>;
  /** Matches that did not fit papersPerEmail, best first (at most MORE_IDS_KEPT): the web view shows them. */
  moreIds: number[];
  /** How many more papers matched than the email holds (may exceed moreIds.length). */
  moreCount: number;
}

export interface Recommendation {
  paperId: number;
  score: number;
  likedPaperId: number;
}

export interface ReaderProfile {
  listIds: readonly number[];
  interests: Interests;
  frequency: Frequency;
  papersPerEmail: number;
  /** Papers already sent (or on their way) to this reader: never again. */
  sent?: ReadonlySet<number>;
  disliked?: ReadonlySet<number>;
  /** From the recommender port, best first (see planner.ts). */
  recommended?: readonly Recommendation[];
  /** Papers an admin pinned (src/papers/pinning.ts): first in every section that takes them. */
  pinned?: ReadonlySet<number>;
}

export const MORE_IDS_KEPT = 100;

interface SectionPlan {
  key: number;
  kind: SectionKind;
  listId: number | null;
  name: string;
  rule: Rule | null;
  cap: number;
  hits: Hit[];
  liked?: Map<number, number>;
}

const DAY_MS = 86_400_000;
const NONE: ReadonlySet<number> = new Set();

/**
 * The reader's sections in priority order: a tie in rank goes to the
 * earlier one. Without `rank`, rule sections come without their hits (a
 * stored layout only needs its own papers judged).
 */
function sectionsOf(
  matcher: Matcher,
  lists: Map<number, MatchList>,
  profile: ReaderProfile,
  rank = true,
): SectionPlan[] {
  // The key is built only when ranking: a sender arranging an email never needs it.
  const ranked = (rule: Rule, ruleKey: () => string) =>
    rank ? matcher.ranked(rule, profile.frequency, ruleKey()) : [];
  const plans: SectionPlan[] = [];
  const perEmail = profile.papersPerEmail;
  if (hasInterests(profile.interests)) {
    const rule = interestsRule(profile.interests);
    plans.push({
      key: PERSONAL_KEY,
      kind: 'personal',
      listId: null,
      name: 'For you',
      rule,
      cap: perEmail,
      hits: ranked(rule, () => `i:${JSON.stringify(rule)}`),
    });
  }
  if (profile.recommended?.length) {
    const hits = profile.recommended.flatMap((r) => {
      const paper = matcher.paper(r.paperId);
      return paper ? [{ paper, why: [], relevance: 1, score: r.score }] : [];
    });
    const liked = new Map(profile.recommended.map((r) => [r.paperId, r.likedPaperId]));
    plans.push({
      key: RECOMMENDED_KEY,
      kind: 'recommended',
      listId: null,
      name: 'Recommended for you',
      rule: null,
      cap: perEmail,
      hits,
      liked,
    });
  }
  const own = [...new Set(profile.listIds)].flatMap((id) => lists.get(id) ?? []).sort((a, b) => a.id - b.id);
  // Trending before topic lists: the period's top paper leads Trending, it is not left to it.
  for (const list of [...own.filter((l) => isCatchAll(listRule(l))), ...own.filter((l) => !isCatchAll(listRule(l)))]) {
    const rule = listRule(list);
    plans.push({
      key: list.id,
      kind: isCatchAll(rule) ? 'trending' : 'list',
      listId: list.id,
      name: list.name,
      rule,
      cap: list.maxPapers,
      hits: ranked(rule, () => `l:${list.id}`),
    });
  }
  return plans;
}

function reasonFor(section: Pick<SectionPlan, 'kind'>, why: MatchWhy[], alsoIn: string[], likedTitle?: string): string {
  const quoted = why.map((w) => (w.kind === 'author' ? `by ${w.term}` : `“${w.term}”`)).join(', ');
  const base =
    section.kind === 'recommended'
      ? `Like ‘${likedTitle ?? 'a paper'}’, which you liked`
      : section.kind === 'trending' || !why.length
        ? 'Among the most upvoted papers'
        : `${section.kind === 'personal' ? 'For you: matches' : 'Matches'} ${quoted}`;
  return alsoIn.length ? `${base} · also in ${alsoIn.join(', ')}` : base;
}

function cardFor(section: SectionPlan, hit: Hit, alsoIn: string[], likedTitle?: string): Card {
  const likedPaperId = section.liked?.get(hit.paper.id);
  return {
    paperId: hit.paper.id,
    sectionKey: section.key,
    why: hit.why,
    matched: matchedLabels(hit.why),
    alsoIn,
    reason: reasonFor(section, hit.why, alsoIn, likedTitle),
    score: hit.score,
    relevance: hit.relevance,
    ...(likedPaperId !== undefined ? { likedPaperId } : {}),
  };
}

export interface ReaderDigest {
  sections: Section[];
  layout: DeliveryLayout;
}

/**
 * Chooses a reader's email: eligible papers (first seen within the lookback,
 * not sent before, not disliked, no excluded phrase), each placed in the
 * section where it ranks best (ties: the earlier section), sections filled
 * rank by rank so that every section gets its best papers before any gets
 * its next, within each section's own cap and papersPerEmail overall. A
 * pinned paper goes first in each section that takes it, is placed before
 * any other, and its section opens the email.
 */
export function planReader(
  matcher: Matcher,
  lists: Map<number, MatchList>,
  profile: ReaderProfile,
  titleOf: (paperId: number) => string | undefined = () => undefined,
): ReaderDigest {
  const plans = sectionsOf(matcher, lists, profile);
  const excluded = profile.interests.exclude.length ? matcher.containing(profile.interests.exclude) : null;
  const oldest = matcher.now.getTime() - LOOKBACK_DAYS[profile.frequency] * DAY_MS;
  const eligible = (hit: Hit) =>
    hit.paper.firstSeenAt.getTime() > oldest &&
    !profile.sent?.has(hit.paper.id) &&
    !profile.disliked?.has(hit.paper.id) &&
    !excluded?.has(hit.paper.id);
  const pinned = profile.pinned ?? NONE;
  const idOf = (hit: Hit) => hit.paper.id;
  // A pin reorders what the section's rule chose and the reader may get; it adds nothing.
  const candidates = plans.map((p) => pinFirst(p.hits.filter(eligible), pinned, idOf));
  const { chosen, placed } = placeCandidates(
    candidates,
    { caps: plans.map((p) => p.cap), total: profile.papersPerEmail, pinned },
    idOf,
  );
  // Trending takes every paper: "more matched" counts what the reader's topics and interests matched.
  const more = new Set(
    candidates.flatMap((hits, s) => (plans[s]!.kind === 'trending' ? [] : hits.map((h) => h.paper.id))),
  );
  const moreIds = [...more].filter((id) => !placed.has(id));
  // "Also in": the topic and personal sections whose candidates hold a chosen paper.
  const alsoInOf = new Map<number, number[]>([...placed.keys()].map((id) => [id, []]));
  plans.forEach((p, s) => {
    if (p.kind === 'trending' || p.kind === 'recommended') return;
    for (const hit of candidates[s]!) alsoInOf.get(hit.paper.id)?.push(s);
  });
  const built: Section[] = [];
  plans.forEach((plan, s) => {
    if (!chosen[s]!.length) return;
    const cards = chosen[s]!.map((hit) => {
      const alsoIn = alsoInOf
        .get(hit.paper.id)!
        .filter((o) => o !== s)
        .map((o) => plans[o]!.name);
      const liked = plan.liked?.get(hit.paper.id);
      return cardFor(plan, hit, alsoIn, liked === undefined ? undefined : titleOf(liked));
    });
    built.push({ key: plan.key, kind: plan.kind, listId: plan.listId, name: plan.name, cards });
  });
  // The email's first card leads it and names the subject: a section that starts with a pin goes first.
  const sections = pinFirst(built, pinned, (section) => section.cards[0]!.paperId);
  const layout: DeliveryLayout = {
    sections: sections.map((section) => {
      const liked = section.cards.map((c) => c.likedPaperId ?? 0);
      return {
        key: section.key,
        paperIds: section.cards.map((c) => c.paperId),
        ...(section.kind === 'recommended' ? { liked } : {}),
      };
    }),
    moreIds: moreIds.slice(0, MORE_IDS_KEPT),
    moreCount: moreIds.length,
  };
  return { sections, layout };
}

/** The papers of an email in order, as stored in Delivery.paperIds. */
export function sectionPaperIds(sections: readonly Section[]): number[] {
  return sections.flatMap((s) => s.cards.map((c) => c.paperId));
}

/**
 * A stored layout back to sections, reasons and "also in" recomputed with
 * the same rules over exactly the planned papers (the matcher holds them).
 * What was planned is what goes out: a paper whose rule changed since keeps
 * its place with a plain reason; papers hidden since are dropped; a section
 * whose list was deleted keeps its papers under "Papers".
 */
export function arrangeLayout(
  matcher: Matcher,
  lists: Map<number, MatchList>,
  profile: Pick<ReaderProfile, 'listIds' | 'interests' | 'frequency'>,
  layout: DeliveryLayout,
  titleOf: (paperId: number) => string | undefined = () => undefined,
): Section[] {
  const full: ReaderProfile = { ...profile, papersPerEmail: Number.MAX_SAFE_INTEGER };
  const own = sectionsOf(matcher, lists, full, false);
  const members = own.map((p) => (p.rule ? matcher.judge(p.rule, profile.frequency) : null));
  const sections: Section[] = [];
  for (const stored of layout.sections) {
    const at = own.findIndex((p) => p.key === stored.key);
    const list = lists.get(stored.key);
    const plan: SectionPlan = own[at] ?? {
      key: stored.key,
      kind:
        stored.key === RECOMMENDED_KEY
          ? 'recommended'
          : stored.key === PERSONAL_KEY
            ? 'personal'
            : list && isCatchAll(listRule(list))
              ? 'trending'
              : 'list',
      listId: stored.key > 0 ? stored.key : null,
      name:
        stored.key === RECOMMENDED_KEY
          ? 'Recommended for you'
          : stored.key === PERSONAL_KEY
            ? 'For you'
            : (list?.name ?? 'Papers'),
      rule: null,
      cap: 0,
      hits: [],
    };
    const liked = new Map(stored.paperIds.map((id, i) => [id, stored.liked?.[i] ?? 0]));
    const cards: Card[] = [];
    for (const id of stored.paperIds) {
      const paper = matcher.paper(id);
      if (!paper) continue;
      const hit = members[at]?.(id) ?? { paper, why: [], relevance: 0, score: 0 };
      const alsoIn = own
        .filter((other, o) => o !== at && (other.kind === 'list' || other.kind === 'personal') && members[o]?.(id))
        .map((o) => o.name);
      const likedId = liked.get(id);
      const card = cardFor(
        { ...plan, liked: plan.kind === 'recommended' ? liked : undefined },
        hit,
        alsoIn,
        likedId ? titleOf(likedId) : undefined,
      );
      cards.push(card);
    }
    if (cards.length) sections.push({ key: plan.key, kind: plan.kind, listId: plan.listId, name: plan.name, cards });
  }
  return sections;
}

export interface RankedPaper {
  paperId: number;
  score: number;
  /** The section where the paper ranks best for this reader. */
  sectionKey: number;
  matched: string[];
}

/**
 * Ranks papers for one reader profile without a database: every paper one
 * of the reader's rules takes (the personal interests and the lists;
 * Trending only for a reader with nothing more specific), excluded phrases
 * removed, by its best score. For the relevance benchmark and any caller
 * that wants "what would this reader see first".
 */
export function rankForReader(
  matcher: Matcher,
  lists: readonly MatchList[],
  profile: Pick<ReaderProfile, 'listIds' | 'interests' | 'pinned'> & { frequency?: Frequency },
): RankedPaper[] {
  const full: ReaderProfile = {
    ...profile,
    frequency: profile.frequency ?? 'daily',
    papersPerEmail: Number.MAX_SAFE_INTEGER,
  };
  const plans = sectionsOf(matcher, new Map(lists.map((l) => [l.id, l])), full);
  const specific = plans.filter((p) => p.kind !== 'trending');
  const excluded = matcher.containing(profile.interests.exclude);
  const best = new Map<number, RankedPaper>();
  for (const plan of specific.length ? specific : plans) {
    for (const hit of plan.hits) {
      if (excluded.has(hit.paper.id) || (best.get(hit.paper.id)?.score ?? -1) >= hit.score) continue;
      best.set(hit.paper.id, {
        paperId: hit.paper.id,
        score: hit.score,
        sectionKey: plan.key,
        matched: matchedLabels(hit.why),
      });
    }
  }
  const ranked = [...best.values()].sort((a, b) => b.score - a.score || a.paperId - b.paperId);
  return pinFirst(ranked, profile.pinned ?? NONE, (r) => r.paperId);
}
