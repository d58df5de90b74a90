// The sign-up benchmark's own data: a freshly migrated database with the
// lists a reader picks and a day of papers for the landing page, its own
// queue prefix in Redis, the "nothing lost" check, and the cleanup.
import type { Db } from '../../src/db.js';
import { deleteQueueKeys } from '../../src/jobs/queues.js';
import { createRedis } from '../../src/redis.js';

export const BENCH_LISTS = [
  { slug: 'trending', name: 'Trending', description: 'The most upvoted papers of the day' },
  { slug: 'llm', name: 'Language models', description: 'LLMs and friends', keywords: ['language model'] },
  { slug: 'vision', name: 'Vision', description: 'Images and video', keywords: ['image', 'video'] },
  { slug: 'staff', name: 'Staff picks', description: 'Private', public: false },
];

/** Lists and six papers, so GET / renders real list choices and cards. */
export async function seedBenchData(db: Db): Promise<void> {
  await db.list.createMany({ data: BENCH_LISTS });
  await db.paper.createMany({
    data: Array.from({ length: 12 }, (_, i) => ({
      key: `2611.${String(10000 + i)}`,
      arxivId: `2611.${String(10000 + i)}`,
      title: `A study of <scaling> & reasoning in language models, part ${i}`,
      abstract: 'We measure how attention, memory and data interact at scale. '.repeat(6),
      authors: ['Ada Lovelace', 'Alan Turing'],
      authorCount: 2,
      organization: i % 2 ? 'Example Lab' : null,
      upvotes: 100 - i,
      source: 'hf',
    })),
  });
}

export interface SignupCheck {
  /** Addresses that were answered 2xx. */
  acknowledged: number;
  /** Of those, the ones with a subscriber row, a subscription, a consent record and a confirmation in the outbox. */
  stored: number;
  /** Subscriber rows in all: rows beyond the acknowledged ones were cut off mid-answer when the run ended. */
  rows: number;
  /** Confirmations waiting in the outbox (no worker runs during the benchmark). */
  outbox: number;
  nothingLost: boolean;
}

export async function checkSignups(db: Db, acknowledged: string[]): Promise<SignupCheck> {
  const [{ stored }] = (await db.$queryRaw<Array<{ stored: number }>>`
    SELECT count(*)::int AS stored FROM "Subscriber" s
    WHERE s.email = ANY(${acknowledged}::text[])
      AND s."confirmRequestedAt" IS NOT NULL
      AND EXISTS (SELECT 1 FROM "ConfirmationOutbox" o WHERE o."subscriberId" = s.id AND o."requestedAt" = s."confirmRequestedAt")
      AND EXISTS (SELECT 1 FROM "Subscription" x WHERE x."subscriberId" = s.id)
      AND EXISTS (SELECT 1 FROM "ConsentRecord" c WHERE c."subscriberId" = s.id AND c.action = 'signup')`) as [
    { stored: number },
  ];
  const rows = await db.subscriber.count();
  const outbox = await db.confirmationOutbox.count();
  return { acknowledged: acknowledged.length, stored, rows, outbox, nothingLost: stored === acknowledged.length };
}

/** Deletes every key under the benchmark's own prefix (queues and rate-limit counters). */
export async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<number> {
  const redis = createRedis(redisUrl, 'worker');
  try {
    return await deleteQueueKeys(redis, prefix);
  } finally {
    redis.disconnect();
  }
}
