// Rows for digest tests, written straight through Prisma (the sign-up and
// ingest code paths have their own tests).
import type { Job } from 'bullmq';
import type { Db } from '../../src/db.js';

/** A job as a processor sees it: first attempt unless `attempts` says otherwise. */
export const fakeJob = (
  name: string,
  data: Record<string, unknown> = {},
  attempts: { made: number; allowed: number } = { made: 0, allowed: 1 },
) => ({ name, data, attemptsMade: attempts.made, opts: { attempts: attempts.allowed } }) as unknown as Job;

let seq = 0;

export async function createList(
  db: Db,
  data: {
    slug: string;
    name?: string;
    keywords?: string[];
    categories?: string[];
    minUpvotes?: number;
    maxPapers?: number;
  },
) {
  return db.list.create({ data: { name: data.slug, ...data } });
}

export async function createSubscriber(
  db: Db,
  email: string,
  listIds: number[],
  options: {
    timezone?: string;
    sendHour?: number;
    frequency?: 'daily' | 'weekly';
    weekday?: number;
    status?: 'active' | 'pending' | 'unsubscribed';
    confirmed?: boolean;
  } = {},
) {
  const { confirmed = true, status = 'active', ...rest } = options;
  return db.subscriber.create({
    data: {
      email,
      status,
      ...rest,
      confirmedAt: new Date(),
      subscriptions: { create: listIds.map((listId) => ({ listId, confirmedAt: confirmed ? new Date() : null })) },
    },
  });
}

export async function createPaper(
  db: Db,
  title: string,
  options: {
    abstract?: string;
    upvotes?: number;
    firstSeenAt?: Date;
    hidden?: boolean;
    categories?: string[];
    arxivId?: string;
  } = {},
) {
  seq++;
  const arxivId = options.arxivId ?? `2611.${String(10000 + seq + Math.floor(Math.random() * 80000)).padStart(5, '0')}`;
  return db.paper.create({
    data: {
      key: arxivId,
      arxivId,
      title,
      abstract: options.abstract ?? '',
      upvotes: options.upvotes ?? 0,
      categories: options.categories ?? [],
      hidden: options.hidden ?? false,
      source: 'admin',
      ...(options.firstSeenAt ? { firstSeenAt: options.firstSeenAt } : {}),
    },
  });
}

/** Bulk subscribers through SQL: thousands in one statement. */
export async function createSubscribersBulk(
  db: Db,
  count: number,
  listIds: number[],
  domain = 'bulk.test',
): Promise<void> {
  await db.$executeRawUnsafe(
    `INSERT INTO "Subscriber" (email, status, timezone, "sendHour", frequency, "confirmedAt", "createdAt", "updatedAt")
     SELECT 'reader' || g || '@' || $2, 'active', 'UTC', 7, 'daily', now(), now(), now() FROM generate_series(1, $1) g`,
    count,
    domain,
  );
  await db.$executeRawUnsafe(
    `INSERT INTO "Subscription" ("subscriberId", "listId", "confirmedAt")
     SELECT s.id, l, now() FROM "Subscriber" s, unnest($1::int[]) l WHERE s.email LIKE '%@' || $2`,
    listIds,
    domain,
  );
}
