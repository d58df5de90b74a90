// The one ranking formula (documented in README.md, "Ranking"). Pure.

export type Frequency = 'daily' | 'weekly';

export const PERIOD_DAYS: Record<Frequency, number> = { daily: 1, weekly: 7 };

/**
 * How far back a paper stays eligible for a reader who has not been sent it:
 * a week for daily readers, two for weekly ones. Hugging Face papers gather
 * most of their upvotes in their first two or three days, so a week lets a
 * late bloomer cross a list's minimum and still arrive, while a paper older
 * than that is no longer news. A weekly reader needs one whole period plus
 * the slack that a daily reader gets.
 */
export const LOOKBACK_DAYS: Record<Frequency, number> = { daily: 7, weekly: 14 };

/** Field weights of a match, as in the `search` column (title A, keywords B, abstract C). */
export const WEIGHTS = { title: 3, keywords: 2, abstract: 1, category: 2, author: 3 } as const;

const DAY_MS = 86_400_000;

/**
 * Upvotes gathered per period: every vote of a paper first seen within the
 * reader's period counts whole (a weekly digest ranks by the week's votes);
 * an older paper's votes are spread over its age, so a late bloomer competes
 * on its rate, not on the head start of its extra days.
 */
export function popularity(upvotes: number, firstSeenAt: Date, now: Date, frequency: Frequency): number {
  const ageDays = Math.max(0, now.getTime() - firstSeenAt.getTime()) / DAY_MS;
  const period = PERIOD_DAYS[frequency];
  return Math.max(0, upvotes) * Math.min(1, period / Math.max(ageDays, period));
}

/**
 * relevance × log2(2 + popularity). Relevance is the sum of the field
 * weights of what matched (1 for a list that takes every paper), so a title
 * hit outweighs an abstract hit unless the latter is far more popular: each
 * doubling of upvotes adds about as much as one more abstract hit.
 */
export function rankScore(relevance: number, pop: number): number {
  return relevance * Math.log2(2 + pop);
}
