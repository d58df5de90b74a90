// The sign-up benchmark's own data: a freshly migrated database with the
// lists a reader picks and a day of papers for the landing page, its own
// queue prefix in Redis, the "nothing lost" check, and the cleanup.
import { Queue } from 'bullmq';
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
  /** Of those, the ones with a subscriber row, a subscription, a consent record and a confirmation request. */
  stored: number;
  /** Subscriber rows in all: rows beyond the acknowledged ones were cut off mid-answer when the run ended. */
  rows: number;
  /** Confirmation jobs waiting on the mail queue (no worker runs during the benchmark). */
  mailJobs: number;
  nothingLost: boolean;
}

export async function checkSignups(db: Db, redisUrl: string, prefix: string, acknowledged: string[]): Promise<SignupCheck> {
  const [{ stored }] = await db.$queryRaw<Array<{ stored: number }>>`
    SELECT count(*)::int AS stored FROM "Subscriber" s
    WHERE s.email = ANY(${acknowledged}::text[])
      AND s."confirmRequestedAt" IS NOT NULL
      AND EXISTS (SELECT 1 FROM "Subscription" x WHERE x."subscriberId" = s.id)
      AND EXISTS (SELECT 1 FROM "ConsentRecord" c WHERE c."subscriberId" = s.id AND c.action = 'signup')` as [{ stored: number }];
  const rows = await db.subscriber.count();
  const connection = createRedis(redisUrl, 'worker');
  const queue = new Queue('mail', { connection, prefix });
  try {
    const counts = await queue.getJobCounts('waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed');
    const mailJobs = Object.values(counts).reduce((sum, n) => sum + n, 0);
    return { acknowledged: acknowledged.length, stored, rows, mailJobs, nothingLost: stored === acknowledged.length };
  } finally {
    await queue.close();
    connection.disconnect();
  }
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
