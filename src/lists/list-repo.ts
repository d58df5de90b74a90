// Lists and their matching rules: the admin's reads and writes. Sign-up and
// digests only read lists; the rule itself is interpreted by the digest matcher.
import type { Db } from '../db.js';
import type { List } from '../generated/prisma/client.js';

export interface ListInput {
  slug: string;
  name: string;
  description?: string;
  public?: boolean;
  keywords?: string[];
  categories?: string[];
  exclude?: string[];
  authors?: string[];
  minUpvotes?: number;
  maxPapers?: number;
}

export type ListPatch = Partial<ListInput>;

export const LIST_SQL = {
  countSubscribersOfLists: `
    SELECT sub."listId", s.status::text AS status, count(*)::int AS n
      FROM "Subscription" sub JOIN "Subscriber" s ON s.id = sub."subscriberId"
     WHERE sub."listId" = ANY($1::int[]) GROUP BY 1, 2`,
  lockList: `SELECT id FROM "List" WHERE id = $1 FOR UPDATE`,
  countSubscribersByListAndStatus: `
    SELECT sub."listId", s.status::text AS status, count(*) AS count
      FROM "Subscription" sub JOIN "Subscriber" s ON s.id = sub."subscriberId"
     GROUP BY sub."listId", s.status`,
} as const;

export const SUBSCRIBER_STATUSES = ['active', 'pending', 'unsubscribed', 'bounced', 'complained'] as const;
export type SubscribersByStatus = Record<(typeof SUBSCRIBER_STATUSES)[number], number>;

/** subscriberCount: the active ones, who get digests; every status is in subscribersByStatus. */
export type ListWithCount = List & { subscriberCount: number; subscribersByStatus: SubscribersByStatus };

/** One grouped count for all the lists asked about, zero-filled. */
async function withCounts(db: Db, lists: List[]): Promise<ListWithCount[]> {
  const ids = lists.map((l) => l.id);
  const rows = ids.length
    ? await db.$queryRawUnsafe<Array<{ listId: number; status: string; n: number }>>(
        LIST_SQL.countSubscribersOfLists,
        ids,
      )
    : [];
  return lists.map((list) => {
    const byStatus = Object.fromEntries(SUBSCRIBER_STATUSES.map((s) => [s, 0])) as SubscribersByStatus;
    for (const row of rows) if (row.listId === list.id) byStatus[row.status as keyof SubscribersByStatus] = row.n;
    return { ...list, subscriberCount: byStatus.active, subscribersByStatus: byStatus };
  });
}

const withCount = async (db: Db, list: List): Promise<ListWithCount> => (await withCounts(db, [list]))[0]!;

const MAX_ID = 2 ** 31 - 1;

/**
 * Numeric strings are ids, anything else a slug: scripts can use either. A
 * number past the int4 range can be no id, so it is looked up as a slug
 * (and found nowhere) instead of failing in the database.
 */
function whereKey(key: string | number) {
  const id = Number(key);
  return typeof key === 'number' || (/^\d+$/.test(key) && id <= MAX_ID) ? { id } : { slug: key };
}

export async function listLists(db: Db): Promise<ListWithCount[]> {
  return withCounts(db, await db.list.findMany({ orderBy: { id: 'asc' } }));
}

export async function findList(db: Db, key: string | number): Promise<ListWithCount | null> {
  const row = await db.list.findUnique({ where: whereKey(key) });
  return row ? withCount(db, row) : null;
}

/** Throws Prisma's P2002 (see uniqueViolation) when the slug is taken. */
export async function createList(db: Db, input: ListInput): Promise<ListWithCount> {
  return withCount(db, await db.list.create({ data: input }));
}

export async function updateList(db: Db, id: number, patch: ListPatch): Promise<ListWithCount> {
  return withCount(db, await db.list.update({ where: { id }, data: patch }));
}

export type DeleteListResult = { deleted: boolean; subscribers: number };

/**
 * Refuses (deleted: false, subscribers > 0) while anyone subscribes, unless forced (their subscriptions go
 * with the list). Count and delete share a transaction so a sign-up landing
 * in between cannot be dropped silently.
 */
export function deleteList(db: Db, id: number, force: boolean): Promise<DeleteListResult> {
  return db.$transaction(async (tx) => {
    // Lock the list row: a concurrent subscribe inserts a Subscription that references it.
    await tx.$queryRawUnsafe(LIST_SQL.lockList, id);
    const subscribers = await tx.subscription.count({ where: { listId: id } });
    if (subscribers > 0 && !force) return { deleted: false, subscribers };
    // deleteMany: a concurrent delete of the same list is a no-op, not an error.
    const { count } = await tx.list.deleteMany({ where: { id } });
    return { deleted: count > 0, subscribers };
  });
}

/** slug → id for every list; read once per CSV import. */
export async function listIdsBySlug(db: Db): Promise<Map<string, number>> {
  const rows = await db.list.findMany({ select: { id: true, slug: true } });
  return new Map(rows.map((row) => [row.slug, row.id]));
}

/** listId → subscriber status → how many subscribe to it, for the console's list pages. */
export async function countListSubscribersByStatus(db: Db): Promise<Map<number, Record<string, number>>> {
  const rows = await db.$queryRawUnsafe<Array<{ listId: number; status: string; count: bigint }>>(
    LIST_SQL.countSubscribersByListAndStatus,
  );
  const counts = new Map<number, Record<string, number>>();
  for (const row of rows) {
    const entry = counts.get(row.listId) ?? {};
    entry[row.status] = Number(row.count);
    counts.set(row.listId, entry);
  }
  return counts;
}
