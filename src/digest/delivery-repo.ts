// The send side's SQL: status locks on Delivery rows and the Digest
// counters that move with them. See digest-repo.ts for planning.
import { queryPrepared } from '../db.js';
import type { Sql } from './digest-repo.js';

export interface ClaimedDelivery {
  id: number;
  subscriberId: number | null;
  messageId: string;
  paperIds: number[];
  /** DeliveryLayout JSON; null for deliveries planned before layouts. */
  layout: unknown;
  attempts: number;
  /** The window end this delivery was planned with. */
  createdAt: Date;
}

export const DELIVERY_SQL = {
  claimBatch: `UPDATE "Delivery" SET status = 'sending', attempts = attempts + 1, "updatedAt" = now()
     WHERE id IN (
       SELECT id FROM "Delivery"
       WHERE "digestId" = $1 AND batch = $2
         AND (status = 'pending' OR (status = 'sending' AND "updatedAt" < now() - make_interval(secs => $3)))
         AND NOT (id = ANY($5::int[]))
       ORDER BY id LIMIT $4
       FOR UPDATE SKIP LOCKED)
     AND (status = 'pending' OR (status = 'sending' AND "updatedAt" < now() - make_interval(secs => $3)))
     RETURNING id, "subscriberId", "messageId", "paperIds", layout, attempts, "createdAt" AT TIME ZONE 'UTC' AS "createdAt"`,
  findRecipients: `SELECT s.id, s.email, s.status::text AS status, s.frequency::text AS frequency, s.weekday, s."sendHour", s.timezone,
       s."interestInclude", s."interestExclude", s."interestCategories", s."interestAuthors",
       ARRAY(SELECT sub."listId" FROM "Subscription" sub
             WHERE sub."subscriberId" = s.id AND sub."confirmedAt" IS NOT NULL ORDER BY sub."listId") AS "listIds",
       NOT EXISTS (SELECT 1 FROM "Delivery" d WHERE d."subscriberId" = s.id AND d.status = 'sent') AS first
     FROM "Subscriber" s WHERE s.id = ANY($1::int[])`,
  renewLease: `UPDATE "Delivery" SET "updatedAt" = now() WHERE id = ANY($1::int[]) AND status = 'sending'`,
  batchPaperIds: `SELECT DISTINCT p.id FROM "Delivery" d, unnest(d."paperIds") AS p(id)
     WHERE d."digestId" = $1 AND d.batch = $2 AND d.status IN ('pending', 'sending')`,
  countUnfinished: `SELECT count(*)::int AS n FROM "Delivery" WHERE "digestId" = $1 AND batch = $2 AND status IN ('pending', 'sending')`,
  markSent: `WITH moved AS (
       UPDATE "Delivery" d SET status = 'sent', "smtpResponse" = m.response, "sentAt" = now(), "updatedAt" = now(), "lastError" = NULL
       FROM unnest($2::int[], $3::text[]) AS m(id, response)
       WHERE d.id = m.id AND d.status = 'sending'
       RETURNING 1)
     UPDATE "Digest" SET sent = sent + (SELECT count(*) FROM moved)::int, "updatedAt" = now() WHERE id = $1`,
  markFailed: `WITH moved AS (
       UPDATE "Delivery" d SET status = 'failed', "lastError" = m.error, "smtpResponse" = m.response, "updatedAt" = now()
       FROM unnest($2::int[], $3::text[], $4::text[], $5::bool[]) AS m(id, error, response, bounce)
       WHERE d.id = m.id AND d.status = 'sending'
       RETURNING d."subscriberId", m.bounce),
     bounced AS (
       UPDATE "Subscriber" s SET "bounceCount" = s."bounceCount" + 1, "lastBounceAt" = now(), "updatedAt" = now(),
         status = CASE WHEN s."bounceCount" + 1 >= $6 AND s.status = 'active' THEN 'bounced'::"SubscriberStatus" ELSE s.status END
       FROM moved WHERE moved.bounce AND s.id = moved."subscriberId"
       RETURNING 1)
     UPDATE "Digest" SET failed = failed + (SELECT count(*) FROM moved)::int, "updatedAt" = now()
     WHERE id = $1`,
  markSkipped: `WITH moved AS (
       UPDATE "Delivery" d SET status = 'skipped', "lastError" = m.reason, "updatedAt" = now()
       FROM unnest($2::int[], $3::text[]) AS m(id, reason)
       WHERE d.id = m.id AND d.status = 'sending'
       RETURNING 1)
     UPDATE "Digest" SET skipped = skipped + (SELECT count(*) FROM moved)::int, "updatedAt" = now() WHERE id = $1`,
  releaseForRetry: `UPDATE "Delivery" d SET status = 'pending', "lastError" = m.error, "updatedAt" = now()
     FROM unnest($1::int[], $2::text[]) AS m(id, error)
     WHERE d.id = m.id AND d.status = 'sending'`,
  // The Digest's failed counter moves back in the same statement, and only if the row really was failed.
  requeueFailedDelivery: `WITH moved AS (
       UPDATE "Delivery" SET status = 'pending', attempts = 0, "lastError" = NULL, "updatedAt" = now()
       WHERE id = $1 AND status = 'failed' RETURNING "digestId")
     UPDATE "Digest" g SET failed = g.failed - 1, status = 'sending', "finishedAt" = NULL, "updatedAt" = now()
     FROM moved WHERE g.id = moved."digestId"`,
  finishDigestIfDone: `UPDATE "Digest" g SET status = 'done', "finishedAt" = now(), "updatedAt" = now(),
       planned = c.planned, sent = c.sent, skipped = c.skipped, failed = c.failed
     FROM (SELECT count(*)::int AS planned,
             count(*) FILTER (WHERE status = 'sent')::int AS sent,
             count(*) FILTER (WHERE status = 'skipped')::int AS skipped,
             count(*) FILTER (WHERE status = 'failed')::int AS failed,
             count(*) FILTER (WHERE status IN ('pending', 'sending'))::int AS open
           FROM "Delivery" WHERE "digestId" = $1) c
     WHERE g.id = $1 AND c.open = 0 AND g.status NOT IN ('planning', 'failed')`,
  openByCounters: `SELECT planned - sent - skipped - failed AS open FROM "Digest" WHERE id = $1`,
  findStrandedBatches: `SELECT DISTINCT "digestId", batch FROM "Delivery"
     WHERE (status = 'pending' AND "updatedAt" < now() - make_interval(secs => $1))
        OR (status = 'sending' AND "updatedAt" < now() - make_interval(secs => $2))
     ORDER BY "digestId", batch LIMIT 10000`,
  runCounts: `SELECT count(*)::int AS planned,
       count(*) FILTER (WHERE status = 'sent')::int AS sent,
       count(*) FILTER (WHERE status = 'skipped')::int AS skipped,
       count(*) FILTER (WHERE status = 'failed')::int AS failed,
       count(*) FILTER (WHERE status IN ('pending', 'sending'))::int AS open
     FROM "Delivery" WHERE "digestId" = $1 AND "createdAt" = $2`,
} as const;

/**
 * The status lock: only rows still pending, or stuck in 'sending' longer than
 * the lease (their sender died), are taken, and RETURNING says which this
 * caller got. Two jobs for the same batch (a retry, a duplicate, a repair)
 * can never both take a row; a row already sent is never taken again. Rows
 * are taken a few at a time (`limit`), just before they are sent, so the
 * rows left in 'sending' by a crash are the messages that were really in
 * flight; SKIP LOCKED lets two claimers of one batch split it instead of
 * queueing on each other. `exclude` keeps a job from retrying at once the
 * rows it already tried (a transient failure waits for the job's backoff).
 * Senders renew the lease while they work
 * (renewLease), so a slow but live sender keeps its rows.
 */
export async function claimBatch(
  sql: Sql,
  digestId: number,
  batch: number,
  leaseSeconds: number,
  options: { limit?: number; exclude?: number[] } = {},
): Promise<ClaimedDelivery[]> {
  // createdAt is a timestamp without time zone that Prisma writes in UTC: the statement reads it as such, since pg would parse it in local time.
  return queryPrepared<ClaimedDelivery>(sql, 'paperboy-claim-batch', DELIVERY_SQL.claimBatch, [
    digestId,
    batch,
    leaseSeconds,
    options.limit ?? 1_000_000,
    options.exclude ?? [],
  ]);
}

export interface RecipientRow {
  id: number;
  email: string | null;
  status: string;
  frequency: 'daily' | 'weekly';
  weekday: number;
  sendHour: number;
  timezone: string;
  interestInclude: string[];
  interestExclude: string[];
  interestCategories: string[];
  interestAuthors: string[];
  /** Confirmed subscriptions, ascending. */
  listIds: number[];
  /** No digest was sent to them yet. */
  first: boolean;
}

/**
 * The readers of a window of claimed rows in one statement, where Prisma's
 * findMany with the two relations took three and stitched them in the
 * client. EXISTS stops at the first sent delivery, however long the history.
 * Like the claim and markSent, run every few emails: a prepared statement on
 * the pool, not Prisma's ~0.3 ms of client CPU per raw query.
 */
export async function findRecipients(sql: Sql, ids: number[]): Promise<RecipientRow[]> {
  if (!ids.length) return [];
  return queryPrepared<RecipientRow>(sql, 'paperboy-find-recipients', DELIVERY_SQL.findRecipients, [ids]);
}

/** Every paper the batch's open rows carry: a sender loads them (and folds their text) once, not per window. */
export async function findBatchPaperIds(sql: Sql, digestId: number, batch: number): Promise<number[]> {
  const rows = await sql.$queryRawUnsafe<Array<{ id: number }>>(DELIVERY_SQL.batchPaperIds, digestId, batch);
  return rows.map((r) => r.id);
}

export async function renewLease(sql: Sql, ids: number[]): Promise<void> {
  if (!ids.length) return;
  await sql.$executeRawUnsafe(DELIVERY_SQL.renewLease, ids);
}

/** Rows of the batch that another sender holds (its lease still running) or that wait to be retried. */
export async function countUnfinished(sql: Sql, digestId: number, batch: number): Promise<number> {
  const rows = await sql.$queryRawUnsafe<Array<{ n: number }>>(DELIVERY_SQL.countUnfinished, digestId, batch);
  return rows[0]!.n;
}

export interface SentMark {
  id: number;
  response: string;
}

/**
 * Records accepted messages and bumps Digest.sent in one statement: the CTE
 * counts only rows that really moved from 'sending' to 'sent', so a replay
 * cannot count twice and a crash cannot leave rows and counter apart.
 */
export async function markSent(sql: Sql, digestId: number, marks: SentMark[]): Promise<void> {
  if (!marks.length) return;
  await queryPrepared(sql, 'paperboy-mark-sent', DELIVERY_SQL.markSent, [
    digestId,
    marks.map((m) => m.id),
    marks.map((m) => m.response),
  ]);
}

export interface FailMark {
  id: number;
  error: string;
  response: string | null;
  /** A 5xx for the recipient: counts towards the subscriber's bounce state. */
  bounce: boolean;
}

/**
 * Final failures: the row keeps the server's reply; hard bounces add to the
 * subscriber's bounceCount and, from bounceLimit on, mark them bounced so no
 * later digest is planned for them. (Postgres runs every data-modifying CTE
 * to completion, referenced or not.)
 */
export async function markFailed(sql: Sql, digestId: number, marks: FailMark[], bounceLimit: number): Promise<void> {
  if (!marks.length) return;
  await sql.$executeRawUnsafe(
    DELIVERY_SQL.markFailed,
    digestId,
    marks.map((m) => m.id),
    marks.map((m) => m.error.slice(0, 1000)),
    marks.map((m) => m.response?.slice(0, 1000) ?? null),
    marks.map((m) => m.bounce),
    bounceLimit,
  );
}

/** Skipped at send time (the subscriber left or was erased since planning). */
export async function markSkipped(
  sql: Sql,
  digestId: number,
  marks: Array<{ id: number; reason: string }>,
): Promise<void> {
  if (!marks.length) return;
  await sql.$executeRawUnsafe(
    DELIVERY_SQL.markSkipped,
    digestId,
    marks.map((m) => m.id),
    marks.map((m) => m.reason),
  );
}

/** Transient failure: back to pending with the reason; the job's backoff decides when. */
export async function releaseForRetry(sql: Sql, marks: Array<{ id: number; error: string }>): Promise<void> {
  if (!marks.length) return;
  await sql.$executeRawUnsafe(
    DELIVERY_SQL.releaseForRetry,
    marks.map((m) => m.id),
    marks.map((m) => m.error.slice(0, 1000)),
  );
}

/** A failed delivery back to pending for a resend; false when it is no longer failed. */
export async function requeueFailedDelivery(sql: Sql, deliveryId: number): Promise<boolean> {
  return (await sql.$executeRawUnsafe(DELIVERY_SQL.requeueFailedDelivery, deliveryId)) > 0;
}

/**
 * Closes the digest once nothing is pending or sending, and recounts from
 * the rows so the figures are exact whatever happened on the way. Never a
 * digest still 'planning' (more readers are coming) or 'failed' (its plan
 * job gave up after some chunks committed: those are sent, but the
 * operator must still see that the period was not planned whole).
 *
 * The recount reads every delivery of the period. `whenCountersSayDone`
 * first asks the Digest row's counters (they move in the same statements as
 * the rows) and skips the recount while they still count open deliveries:
 * what a sender does after each batch, where the recount would cost a full
 * read of the period per batch. The repair sweep recounts without it, so
 * counters that ever drifted cannot keep a digest open.
 */
export async function finishDigestIfDone(
  sql: Sql,
  digestId: number,
  options: { whenCountersSayDone?: boolean } = {},
): Promise<boolean> {
  if (options.whenCountersSayDone) {
    const [row] = await queryPrepared<{ open: number }>(
      sql,
      'paperboy-digest-open-by-counters',
      DELIVERY_SQL.openByCounters,
      [digestId],
    );
    if (row && row.open > 0) return false;
  }
  const n = await sql.$executeRawUnsafe(DELIVERY_SQL.finishDigestIfDone, digestId);
  return n > 0;
}

export interface StrandedBatch {
  digestId: number;
  batch: number;
}

/**
 * Batches with work left that no job may be holding: pending rows untouched
 * for a while, or 'sending' rows whose lease ran out. The repair sweep checks
 * the queue before it enqueues anything again.
 */
export async function findStrandedBatches(
  sql: Sql,
  idleSeconds: number,
  leaseSeconds: number,
): Promise<StrandedBatch[]> {
  return sql.$queryRawUnsafe<StrandedBatch[]>(DELIVERY_SQL.findStrandedBatches, idleSeconds, leaseSeconds);
}

/** Figures for the deliveries one run planned (they share its window end). */
export async function runCounts(sql: Sql, digestId: number, asOf: Date) {
  const rows = await sql.$queryRawUnsafe<
    Array<{ planned: number; sent: number; skipped: number; failed: number; open: number }>
  >(DELIVERY_SQL.runCounts, digestId, asOf);
  return rows[0]!;
}
