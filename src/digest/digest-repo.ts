// Every SQL statement of the digest pipeline, each with why it is shaped so.
// Raw SQL where Prisma cannot say it: bulk inserts with ON CONFLICT, status
// locks that return the rows they took, counters bumped in the same
// statement as the rows they count.
import type { Db } from '../db.js';

/** Prisma's transaction client has the same raw-query methods. */
export type Sql = Pick<Db, '$queryRawUnsafe' | '$executeRawUnsafe'>;

export interface DigestRow {
  id: number;
  period: string;
  status: 'planning' | 'sending' | 'done' | 'failed';
  planned: number;
  sent: number;
  skipped: number;
  failed: number;
  createdAt: Date;
  finishedAt: Date | null;
}

const DIGEST_COLUMNS = `id, period, status::text AS status, planned, sent, skipped, failed, "createdAt", "finishedAt"`;

export const DIGEST_SQL = {
  // One row per period; ON CONFLICT makes concurrent planners agree on it.
  ensureDigest: `INSERT INTO "Digest" (period, status, "updatedAt") VALUES ($1, 'planning', now())
     ON CONFLICT (period) DO UPDATE SET period = EXCLUDED.period
     RETURNING ${DIGEST_COLUMNS}`,
  findDigest: `SELECT ${DIGEST_COLUMNS} FROM "Digest" WHERE id = $1`,
  // $1 page size, $2 the previous page's last period (null for the first page).
  findDigestsBefore: `SELECT ${DIGEST_COLUMNS} FROM "Digest" WHERE $2::text IS NULL OR period < $2 ORDER BY period DESC LIMIT $1`,
  // clock_timestamp, not now(): the time of this statement, not of the transaction's start.
  databaseNow: `SELECT clock_timestamp() AS now`,
  lockDigest: `SELECT pg_advisory_xact_lock(8131, $1)::text AS locked`,
  activeTimezones: `SELECT DISTINCT timezone FROM "Subscriber" WHERE status = 'active'`,
  nextBatchNumber: `SELECT COALESCE(MAX(batch), 0)::int + 1 AS next FROM "Delivery" WHERE "digestId" = $1`,
  // New pending rows reopen a digest that was done (a later tick's readers);
  // one still 'planning' stays so until its run ends (markPlanned).
  addPlanned: `UPDATE "Digest" SET planned = planned + $2, skipped = skipped + $3,
       status = CASE WHEN $4 AND status <> 'planning' THEN 'sending'::"DigestStatus" ELSE status END,
       "finishedAt" = CASE WHEN $4 THEN NULL ELSE "finishedAt" END,
       "updatedAt" = now()
     WHERE id = $1`,
  // Only from 'planning': a digest already sending or done keeps its state.
  markPlanned: `UPDATE "Digest" SET status = 'sending', "updatedAt" = now() WHERE id = $1 AND status = 'planning'`,
} as const;

/** One row per period; ON CONFLICT makes concurrent planners agree on it. */
export async function ensureDigest(sql: Sql, period: string): Promise<DigestRow> {
  const rows = await sql.$queryRawUnsafe<DigestRow[]>(DIGEST_SQL.ensureDigest, period);
  return rows[0]!;
}

export async function findDigest(sql: Sql, id: number): Promise<DigestRow | null> {
  const rows = await sql.$queryRawUnsafe<DigestRow[]>(DIGEST_SQL.findDigest, id);
  return rows[0] ?? null;
}

/** Newest period first, `limit` of them, starting after the period `before` when given. */
export function findDigestsBefore(sql: Sql, limit: number, before: string | null): Promise<DigestRow[]> {
  return sql.$queryRawUnsafe<DigestRow[]>(DIGEST_SQL.findDigestsBefore, limit, before);
}

/** The database clock: windows compare with Paper.firstSeenAt, which Postgres stamps. */
export async function databaseNow(sql: Sql): Promise<Date> {
  const rows = await sql.$queryRawUnsafe<Array<{ now: Date }>>(DIGEST_SQL.databaseNow);
  return new Date(rows[0]!.now.getTime());
}

/** Serialises planners of one digest, so batch numbers never collide. Held until commit. */
export async function lockDigest(sql: Sql, digestId: number): Promise<void> {
  await sql.$queryRawUnsafe(DIGEST_SQL.lockDigest, digestId);
}

export type DueFilter =
  { kind: 'all'; weekday: number } | { kind: 'slots'; timezones: string[]; hours: number[]; weekdays: number[] };

/** Distinct zones of active subscribers: the tick computes one local time per zone. */
export async function activeTimezones(sql: Sql): Promise<string[]> {
  const rows = await sql.$queryRawUnsafe<Array<{ timezone: string }>>(DIGEST_SQL.activeTimezones);
  return rows.map((r) => r.timezone);
}

export async function nextBatchNumber(sql: Sql, digestId: number): Promise<number> {
  const rows = await sql.$queryRawUnsafe<Array<{ next: number }>>(DIGEST_SQL.nextBatchNumber, digestId);
  return rows[0]!.next;
}

/** Counters move in the same statement family as the rows, never recomputed from memory. */
export async function addPlanned(
  sql: Sql,
  digestId: number,
  planned: number,
  skipped: number,
  sending: boolean,
): Promise<void> {
  await sql.$executeRawUnsafe(DIGEST_SQL.addPlanned, digestId, planned, skipped, sending);
}

/** A digest whose planning ended moves on to sending (finishDigestIfDone closes it when nothing is open). */
export async function markPlanned(sql: Sql, digestId: number): Promise<void> {
  await sql.$executeRawUnsafe(DIGEST_SQL.markPlanned, digestId);
}

/** A digest's failed deliveries with the relay's reply, newest first, for the console's resend list. */
export async function findFailedDeliveries(db: Pick<Db, 'delivery'>, digestId: number, limit: number) {
  return db.delivery.findMany({
    where: { digestId, status: 'failed' },
    orderBy: { id: 'desc' },
    take: limit,
    select: {
      id: true,
      subscriberId: true,
      attempts: true,
      lastError: true,
      smtpResponse: true,
      updatedAt: true,
      subscriber: { select: { email: true } },
    },
  });
}
