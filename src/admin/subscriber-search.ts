// Finding subscribers for the admin: by address fragment, status and list,
// keyset-paged on id so pages stay stable while sign-ups keep arriving.
// One SQL statement per page, lists aggregated in Postgres: the search, the
// detail view and the CSV export all read through it, so they filter alike,
// and a 100,000-row export allocates one flat row per subscriber instead of
// Prisma's nested relation objects.
import type { Db } from '../db.js';
import type { Interests } from '../subscriptions/interests.js';
import type { Frequency, SubscriberStatus } from '../generated/prisma/client.js';
import { selectSummaries, type SummaryFilter } from './subscriber-admin-repo.js';

export interface SubscriberFilter {
  status?: SubscriberStatus;
  /** List slug. */
  list?: string;
  /** Address fragment, case-insensitive. */
  q?: string;
}

export interface SubscriberSummary {
  id: number;
  email: string | null;
  status: SubscriberStatus;
  timezone: string;
  sendHour: number;
  frequency: Frequency;
  weekday: number;
  papersPerEmail: number;
  interests: Interests;
  /** List slugs, in list order. */
  lists: string[];
  createdAt: Date;
  confirmedAt: Date | null;
  unsubscribedAt: Date | null;
  bounceCount: number;
}

/** LIKE treats % and _ as wildcards; an address fragment means them literally. */
const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The filter as the search statement takes it; an address fragment matches anywhere, literally. */
function summaryFilter(filter: SubscriberFilter): SummaryFilter {
  // Addresses are stored lower-cased, so lower-casing the fragment is enough.
  const emailLike = filter.q ? `%${likeEscape(filter.q.trim().toLowerCase())}%` : undefined;
  return { status: filter.status, list: filter.list || undefined, emailLike };
}

/** One page in id order; asks for one row more than `limit` so the caller knows whether another page exists. */
export function searchSubscribers(
  db: Db,
  filter: SubscriberFilter,
  page: { afterId?: number; limit: number },
): Promise<SubscriberSummary[]> {
  return selectSummaries(db, { ...summaryFilter(filter), afterId: page.afterId }, page.limit + 1);
}

export async function findSubscriberSummary(db: Db, id: number): Promise<SubscriberSummary | null> {
  return (await selectSummaries(db, { id }, 1))[0] ?? null;
}

/** Pages through every match, `pageSize` rows at a time; memory stays at one page. */
export async function* iterateSubscribers(
  db: Db,
  filter: SubscriberFilter,
  pageSize = 2000,
): AsyncGenerator<SubscriberSummary> {
  let afterId: number | undefined;
  for (;;) {
    const rows = await selectSummaries(db, { ...summaryFilter(filter), afterId }, pageSize);
    yield* rows;
    if (rows.length < pageSize) return;
    afterId = rows[rows.length - 1]!.id;
  }
}
