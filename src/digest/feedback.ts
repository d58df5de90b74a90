// A reader's vote on a paper, from the "More like this" / "Less like this"
// links of a digest card. The signed link is the proof, as with one-click
// unsubscribe: whoever holds it may cast exactly that vote, and only that.
import type { Db } from '../db.js';
import type { Logger } from '../logger.js';
import { readLinkToken } from '../subscriptions/link-version.js';
import type { TokenFailure, Vote } from '../subscriptions/tokens.js';
import { MATCH_LIST_SELECT, MATCH_PAPER_SELECT } from './content.js';
import { createMatcher, listRule, type MatchList } from './matcher.js';
import { upsertRating } from './rating-repo.js';

export interface FeedbackLink {
  subscriberId: number;
  paperId: number;
  vote: Vote;
}

export type FeedbackLinkRead =
  { ok: true; link: FeedbackLink } | { ok: false; failure: TokenFailure | 'revoked' | 'not_found' };

/** Signed for this reader, paper and vote, and not signed out with the reader's other links. */
export async function readFeedbackLink(db: Db, secret: string, token: string): Promise<FeedbackLinkRead> {
  const read = await readLinkToken(db, secret, 'feedback', token);
  if (!read.ok) return read;
  const { sub, ref, vote } = read.claims;
  // A feedback token always carries both; one without is not ours to honour.
  if (ref === undefined || vote === undefined) return { ok: false, failure: 'malformed' };
  return { ok: true, link: { subscriberId: sub, paperId: ref, vote } };
}

/** What the one-button page shows; null when the reader was erased or the paper is gone. */
export async function findFeedbackTarget(db: Db, link: FeedbackLink): Promise<{ title: string } | null> {
  const [subscriber, paper] = await Promise.all([
    db.subscriber.findUnique({ where: { id: link.subscriberId }, select: { email: true } }),
    db.paper.findUnique({ where: { id: link.paperId }, select: { title: true } }),
  ]);
  return subscriber?.email && paper ? { title: paper.title } : null;
}

/**
 * Records the vote, attributed to the reader's lists whose rule takes the
 * paper now (stats count likes per list from these). Attributing at vote time
 * keeps the figures about what the reader was shown, even if a list's rule is
 * edited later. Returns false when the reader or the paper no longer exists.
 */
export async function recordRating(
  deps: { db: Db; logger: Logger },
  link: FeedbackLink,
  now = new Date(),
): Promise<boolean> {
  const listIds = await listsTakingPaper(deps.db, link, now);
  const stored = await upsertRating(deps.db, { ...link, listIds }, now);
  if (stored) {
    deps.logger
      .child({ module: 'feedback' })
      .info(
        { event: 'rating_recorded', subscriberId: link.subscriberId, paperId: link.paperId, vote: link.vote },
        'rating recorded',
      );
  }
  return stored;
}

async function listsTakingPaper(db: Db, link: FeedbackLink, now: Date): Promise<number[]> {
  const [paper, subscriptions] = await Promise.all([
    db.paper.findUnique({
      where: { id: link.paperId },
      select: MATCH_PAPER_SELECT,
    }),
    db.subscription.findMany({
      where: { subscriberId: link.subscriberId, confirmedAt: { not: null } },
      select: { list: { select: MATCH_LIST_SELECT } },
    }),
  ]);
  if (!paper) return [];
  const lists: MatchList[] = subscriptions.map((s) => s.list);
  const matcher = createMatcher({ papers: [paper], now });
  return lists.filter((list) => matcher.ranked(listRule(list), 'daily').length > 0).map((list) => list.id);
}
