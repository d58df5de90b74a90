// Every SQL statement of the digest pipeline, each with why it is shaped so.
// Raw SQL where Prisma cannot say it: bulk inserts with ON CONFLICT, status
// locks that return the rows they took, counters bumped in the same
// statement as the rows they count.
import type { Db } from '../db.js';
import type { Frequency } from './period.js';

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

/** One row per period; ON CONFLICT makes concurrent planners agree on it. */
export async function ensureDigest(sql: Sql, period: string): Promise<DigestRow> {
  const rows = await sql.$queryRawUnsafe<DigestRow[]>(
    `INSERT INTO "Digest" (period, status, "updatedAt") VALUES ($1, 'planning', now())
     ON CONFLICT (period) DO UPDATE SET period = EXCLUDED.period
     RETURNING id, period, status::text AS status, planned, sent, skipped, failed, "createdAt", "finishedAt"`,
    period,
  );
  return rows[0]!;
}

export async function findDigest(sql: Sql, id: number): Promise<DigestRow | null> {
  const rows = await sql.$queryRawUnsafe<DigestRow[]>(
    `SELECT id, period, status::text AS status, planned, sent, skipped, failed, "createdAt", "finishedAt" FROM "Digest" WHERE id = $1`,
    id,
  );
  return rows[0] ?? null;
}

/** The database clock: windows compare with Paper.firstSeenAt, which Postgres stamps. */
export async function databaseNow(sql: Sql): Promise<Date> {
  const rows = await sql.$queryRawUnsafe<Array<{ now: Date }>>(`SELECT clock_timestamp() AS now`);
  return new Date(rows[0]!.now.getTime());
}

/** Serialises planners of one digest, so batch numbers never collide. Held until commit. */
export async function lockDigest(sql: Sql, digestId: number): Promise<void> {
  await sql.$queryRawUnsafe(`SELECT pg_advisory_xact_lock(8131, $1)::text AS locked`, digestId);
}

export interface DueSubscriber {
  id: number;
  frequency: Frequency;
  listIds: number[];
  /** Window end of the previous delivery that was not failed; null for a first digest. */
  previousAt: Date | null;
}

export type DueFilter =
  | { kind: 'all'; weekday: number }
  | { kind: 'slots'; timezones: string[]; hours: number[]; weekdays: number[] };

/**
 * Active subscribers with at least one confirmed subscription, due for this
 * digest and without a delivery for it yet. The LATERAL picks the previous
 * delivery through the (subscriberId, digestId) index. Slots arrive as three
 * parallel arrays (unnest), one entry per time zone: the hourly tick asks for
 * "send hour has come in your zone" without Postgres knowing time zones.
 * Paged by id (keyset), so a planner of 100,000 subscribers never holds
 * more than one page of rows as objects.
 */
export async function findDueSubscribers(
  sql: Sql,
  digestId: number,
  filter: DueFilter,
  page: { afterId: number; limit: number } = { afterId: 0, limit: 1_000_000_000 },
): Promise<DueSubscriber[]> {
  const select = `SELECT s.id, s.frequency::text AS frequency,
        array_agg(sub."listId" ORDER BY sub."listId") AS "listIds", prev."createdAt" AS "previousAt"
     FROM "Subscriber" s
     JOIN "Subscription" sub ON sub."subscriberId" = s.id AND sub."confirmedAt" IS NOT NULL`;
  const tail = `LEFT JOIN LATERAL (
       SELECT d."createdAt" FROM "Delivery" d
       WHERE d."subscriberId" = s.id AND d.status <> 'failed'
       ORDER BY d."createdAt" DESC LIMIT 1) prev ON true
     WHERE s.status = 'active' AND s.id > $2
       AND NOT EXISTS (SELECT 1 FROM "Delivery" x WHERE x."subscriberId" = s.id AND x."digestId" = $1)`;
  if (filter.kind === 'all') {
    return sql.$queryRawUnsafe<DueSubscriber[]>(
      `${select} ${tail}
         AND (s.frequency = 'daily' OR s.weekday = $4)
       GROUP BY s.id, prev."createdAt" ORDER BY s.id LIMIT $3`,
      digestId,
      page.afterId,
      page.limit,
      filter.weekday,
    );
  }
  return sql.$queryRawUnsafe<DueSubscriber[]>(
    `${select}
     JOIN unnest($4::text[], $5::int[], $6::int[]) AS slot(tz, hour, weekday)
       ON s.timezone = slot.tz AND s."sendHour" <= slot.hour AND (s.frequency = 'daily' OR s.weekday = slot.weekday)
     ${tail}
     GROUP BY s.id, prev."createdAt" ORDER BY s.id LIMIT $3`,
    digestId,
    page.afterId,
    page.limit,
    filter.timezones,
    filter.hours,
    filter.weekdays,
  );
}

/** Distinct zones of active subscribers: the tick computes one local time per zone. */
export async function activeTimezones(sql: Sql): Promise<string[]> {
  const rows = await sql.$queryRawUnsafe<Array<{ timezone: string }>>(
    `SELECT DISTINCT timezone FROM "Subscriber" WHERE status = 'active'`,
  );
  return rows.map((r) => r.timezone);
}

export async function nextBatchNumber(sql: Sql, digestId: number): Promise<number> {
  const rows = await sql.$queryRawUnsafe<Array<{ next: number }>>(
    `SELECT COALESCE(MAX(batch), 0)::int + 1 AS next FROM "Delivery" WHERE "digestId" = $1`,
    digestId,
  );
  return rows[0]!.next;
}

export interface NewDelivery {
  subscriberId: number;
  status: 'pending' | 'skipped';
  batch: number;
  messageId: string;
  paperIds: number[];
  lastError: string | null;
}

export interface InsertedDelivery {
  id: number;
  status: 'pending' | 'skipped';
  batch: number;
}

/**
 * Bulk insert through unnest (one statement per chunk, not one per row).
 * ON CONFLICT on (subscriberId, digestId) is the exactly-once guarantee: a
 * second planner, a retried job or a manual run inserts nothing for a
 * subscriber that already has a delivery for this period. RETURNING tells
 * which rows this call really created. paperIds travel as '{1,2}' text
 * because unnest cannot take a ragged two-dimensional array. createdAt is the
 * window end (asOf), so the next digest's window starts exactly here.
 */
export async function insertDeliveries(sql: Sql, digestId: number, asOf: Date, rows: NewDelivery[]): Promise<InsertedDelivery[]> {
  const inserted: InsertedDelivery[] = [];
  for (let i = 0; i < rows.length; i += 5000) {
    const chunk = rows.slice(i, i + 5000);
    const result = await sql.$queryRawUnsafe<InsertedDelivery[]>(
      `INSERT INTO "Delivery" ("digestId", "subscriberId", status, batch, "messageId", "paperIds", "lastError", "createdAt", "updatedAt")
       SELECT $1, u.sid, u.status::"DeliveryStatus", u.batch, u.mid, u.papers::int[], u.err, $2, $2
       FROM unnest($3::int[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[]) AS u(sid, status, batch, mid, papers, err)
       ON CONFLICT ("subscriberId", "digestId") DO NOTHING
       RETURNING id, status::text AS status, batch`,
      digestId,
      asOf,
      chunk.map((r) => r.subscriberId),
      chunk.map((r) => r.status),
      chunk.map((r) => r.batch),
      chunk.map((r) => r.messageId),
      chunk.map((r) => `{${r.paperIds.join(',')}}`),
      chunk.map((r) => r.lastError),
    );
    inserted.push(...result);
  }
  return inserted;
}

/** Counters move in the same statement family as the rows, never recomputed from memory. */
export async function addPlanned(sql: Sql, digestId: number, planned: number, skipped: number, sending: boolean): Promise<void> {
  await sql.$executeRawUnsafe(
    `UPDATE "Digest" SET planned = planned + $2, skipped = skipped + $3,
       status = CASE WHEN $4 THEN 'sending'::"DigestStatus" ELSE status END, "finishedAt" = CASE WHEN $4 THEN NULL ELSE "finishedAt" END,
       "updatedAt" = now()
     WHERE id = $1`,
    digestId,
    planned,
    skipped,
    sending,
  );
}
