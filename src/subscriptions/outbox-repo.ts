// The confirmation outbox's SQL. Raw because Prisma has no UPDATE … FROM
// (SELECT … FOR UPDATE SKIP LOCKED) and no INSERT … SELECT. Times are UTC,
// as Prisma stores them, whatever the session's time zone.
import type { DbClient } from './subscriber-repo.js';

export interface ClaimedConfirmation {
  subscriberId: number;
  requestedAt: Date;
  attempts: number;
}

const NOW = `(now() AT TIME ZONE 'UTC')`;

export const OUTBOX_SQL = {
  markConfirmationRequested: `WITH marked AS (
       UPDATE "Subscriber" SET "confirmRequestedAt" = $2::timestamptz AT TIME ZONE 'UTC', "updatedAt" = $2::timestamptz AT TIME ZONE 'UTC'
       WHERE id = $1 AND ("confirmRequestedAt" IS NULL OR "confirmRequestedAt" < $3::timestamptz AT TIME ZONE 'UTC')
       RETURNING id, "confirmRequestedAt"
     )
     INSERT INTO "ConfirmationOutbox" ("subscriberId", "requestedAt", "availableAt")
     SELECT id, "confirmRequestedAt", ${NOW} FROM marked
     ON CONFLICT ("subscriberId") DO UPDATE SET "requestedAt" = excluded."requestedAt", "availableAt" = excluded."availableAt", attempts = 0
     RETURNING "requestedAt"`,
  addToOutbox: `INSERT INTO "ConfirmationOutbox" ("subscriberId", "requestedAt", "availableAt")
     SELECT unnest($1::int[]), $2::timestamptz AT TIME ZONE 'UTC', ${NOW}
     ON CONFLICT ("subscriberId") DO UPDATE SET "requestedAt" = excluded."requestedAt", "availableAt" = excluded."availableAt", attempts = 0`,
  claimConfirmations: `UPDATE "ConfirmationOutbox" o
     SET "availableAt" = ${NOW} + make_interval(secs => $2), attempts = o.attempts + 1
     FROM (SELECT "subscriberId" FROM "ConfirmationOutbox" WHERE "availableAt" <= ${NOW}
           ORDER BY "availableAt" LIMIT $1 FOR UPDATE SKIP LOCKED) due
     WHERE o."subscriberId" = due."subscriberId"
     RETURNING o."subscriberId", o."requestedAt", o.attempts`,
} as const;

/**
 * Marks a confirmation email as wanted, at most once per `throttleMs`, and
 * puts it in the outbox, in one statement: the conditional UPDATE lets only
 * one of two concurrent requests win. Returns the new request time, or null
 * when an earlier request is recent enough.
 */
export async function markConfirmationRequested(
  db: DbClient,
  subscriberId: number,
  now: Date,
  throttleMs: number,
): Promise<Date | null> {
  const rows = await db.$queryRawUnsafe<Array<{ requestedAt: Date }>>(
    OUTBOX_SQL.markConfirmationRequested,
    subscriberId,
    now.toISOString(),
    new Date(now.getTime() - throttleMs).toISOString(),
  );
  return rows.length ? now : null;
}

/** Outbox rows for subscribers whose confirmRequestedAt was set by a bulk write (CSV import). */
export async function addToOutbox(db: DbClient, subscriberIds: number[], requestedAt: Date): Promise<void> {
  await db.$executeRawUnsafe(OUTBOX_SQL.addToOutbox, subscriberIds, requestedAt.toISOString());
}

/**
 * Claims up to `limit` rows that are due, for `leaseSeconds`: SKIP LOCKED
 * lets several workers claim at once without waiting on or taking each
 * other's rows, and the lease hands a row to another worker only if its
 * claimer died before finishing it. Oldest first.
 */
export async function claimConfirmations(
  db: DbClient,
  limit: number,
  leaseSeconds: number,
): Promise<ClaimedConfirmation[]> {
  return db.$queryRawUnsafe<ClaimedConfirmation[]>(OUTBOX_SQL.claimConfirmations, limit, leaseSeconds);
}

/** Done with this request; a newer request for the subscriber (another requestedAt) stays. */
export async function removeFromOutbox(db: DbClient, claim: ClaimedConfirmation): Promise<void> {
  await db.confirmationOutbox.deleteMany({
    where: { subscriberId: claim.subscriberId, requestedAt: claim.requestedAt },
  });
}

/** A transient failure: try again after `delayMs`. */
export async function retryLater(db: DbClient, claim: ClaimedConfirmation, delayMs: number): Promise<void> {
  await db.confirmationOutbox.updateMany({
    where: { subscriberId: claim.subscriberId, requestedAt: claim.requestedAt },
    data: { availableAt: new Date(Date.now() + delayMs) },
  });
}

/** Requests older than this are dropped: the reader has long moved on. */
export async function dropStaleConfirmations(db: DbClient, olderThan: Date): Promise<number> {
  return (await db.confirmationOutbox.deleteMany({ where: { requestedAt: { lt: olderThan } } })).count;
}
