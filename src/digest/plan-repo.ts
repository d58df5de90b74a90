// Planning SQL. Readers are read a chunk at a time (by id), each with what
// it needs to be planned in JS: its lists, interests, papers per email and
// the papers already sent to it within the lookback. One statement reads a
// chunk and one writes its deliveries, so planning costs two round trips
// per few thousand readers, never one per reader.
import type { DueFilter, Sql } from './digest-repo.js';

/**
 * Due readers: active, not suppressed, at least one confirmed subscription, due by the
 * filter (every daily one and weekly ones on the weekday; or the tick's time
 * zones whose local hour has reached the send hour), no delivery for this
 * digest yet. Parameters: $1 digest id, $2 'all'|'slots', $3 weekday, $4-$6
 * the slots as parallel arrays (one per time zone), $7 after this id, $8 how
 * many, $9 sent since (the longest lookback).
 *
 * `sent`: the papers of the reader's deliveries since $9 that were sent or
 * are on their way (pending, sending). Failed and skipped ones never reached
 * the reader, so their papers stay eligible. The lateral subquery uses the
 * (subscriberId, digestId) unique index.
 *
 * Each chunk must cost the same, wherever it starts, whatever the
 * statistics say (a run reads tables it is writing, and an import may have
 * just added the readers): `page` reads the next $8 subscribers by primary
 * key, and everything else is looked up for those alone, the subscriptions
 * and "planned already?" per reader. As joins over the whole table, the
 * planner merged every subscription from the first reader on, and sorted
 * every delivery the run had inserted (uncommitted, so its statistics said
 * none): 300-450 ms a chunk at 100,000 readers, growing with each chunk.
 * The page's last id comes with the rows (one row with only "pageEnd" when
 * none of the page is due; null when there is no page left).
 */
const DUE_READERS = `
  WITH page AS MATERIALIZED (
    SELECT id, email, status, timezone, "sendHour", frequency, weekday, "papersPerEmail",
      "interestInclude", "interestExclude", "interestCategories", "interestAuthors"
    FROM "Subscriber" WHERE id > $7 ORDER BY id LIMIT $8),
  slot AS (SELECT * FROM unnest($4::text[], $5::int[], $6::int[]) AS t(tz, hour, weekday)),
  due AS (
    SELECT s.id, s.frequency::text AS frequency, s."papersPerEmail",
      s."interestInclude", s."interestExclude", s."interestCategories", s."interestAuthors", l.lists
    FROM page s
    LEFT JOIN slot ON slot.tz = s.timezone
    CROSS JOIN LATERAL (
      SELECT array_agg(sub."listId" ORDER BY sub."listId") AS lists
      FROM "Subscription" sub WHERE sub."subscriberId" = s.id AND sub."confirmedAt" IS NOT NULL) l
    LEFT JOIN LATERAL (
      SELECT true AS planned FROM "Delivery" x WHERE x."subscriberId" = s.id AND x."digestId" = $1 LIMIT 1) p ON true
    WHERE s.status = 'active' AND l.lists IS NOT NULL AND p.planned IS NULL
      -- A suppressed address (hard bounce, complaint) gets nothing, whatever its status says.
      AND NOT EXISTS (SELECT 1 FROM "Suppression" x WHERE x.email = s.email AND x."liftedAt" IS NULL)
      AND CASE WHEN $2::text = 'all' THEN s.frequency = 'daily' OR s.weekday = $3::int
               ELSE slot.tz IS NOT NULL AND s."sendHour" <= slot.hour AND (s.frequency = 'daily' OR s.weekday = slot.weekday) END)
  SELECT e."pageEnd", due.*, COALESCE(h.sent, '{}') AS sent
  FROM (SELECT max(id) AS "pageEnd" FROM page) e
  LEFT JOIN due ON true
  LEFT JOIN LATERAL (
    SELECT array_agg(DISTINCT p) AS sent
    FROM "Delivery" d, unnest(d."paperIds") p
    WHERE d."subscriberId" = due.id AND d.status IN ('pending', 'sending', 'sent') AND d."createdAt" > $9) h ON true
  ORDER BY due.id`;

export const PLAN_SQL = {
  findDueReaders: DUE_READERS,
  insertPlannedDeliveries: `WITH r AS (SELECT * FROM unnest($3::int[], $4::text[], $5::text[], $6::int[]) AS t(id, papers, layout, batch)),
     ins AS (
       INSERT INTO "Delivery" ("digestId", "subscriberId", status, batch, "messageId", "paperIds", layout, "lastError", "createdAt", "updatedAt")
       SELECT $1::int, id,
              (CASE WHEN papers <> '{}' THEN 'pending' ELSE 'skipped' END)::"DeliveryStatus",
              CASE WHEN papers <> '{}' THEN batch ELSE 0 END,
              '<' || substr(md5($7::text || ':' || id), 1, 24) || '@' || $8::text || '>',
              papers::int[],
              layout::jsonb,
              CASE WHEN papers <> '{}' THEN NULL ELSE 'no matching papers' END,
              $2::timestamp(3), $2::timestamp(3)
       FROM r
       ON CONFLICT ("subscriberId", "digestId") DO NOTHING
       RETURNING status, batch)
     SELECT status::text AS status, batch, count(*)::int AS n FROM ins GROUP BY status, batch ORDER BY batch`,
  findSentPaperIds: `SELECT DISTINCT p AS id FROM "Delivery" d, unnest(d."paperIds") p
     WHERE d."subscriberId" = $1 AND d.status IN ('pending', 'sending', 'sent') AND d."createdAt" > $2`,
} as const;

export interface DueReader {
  id: number;
  frequency: 'daily' | 'weekly';
  papersPerEmail: number;
  interestInclude: string[];
  interestExclude: string[];
  interestCategories: string[];
  interestAuthors: string[];
  lists: number[];
  sent: number[];
}

/** A page of subscribers by id: the due ones among them, and where the page ended (null: no subscriber after `afterId`). */
export interface DuePage {
  readers: DueReader[];
  pageEnd: number | null;
}

export async function findDueReaders(
  sql: Sql,
  input: { digestId: number; filter: DueFilter; afterId: number; limit: number; sentSince: Date },
): Promise<DuePage> {
  const { filter } = input;
  const slots =
    filter.kind === 'all'
      ? ['all', filter.weekday, [], [], []]
      : ['slots', -1, filter.timezones, filter.hours, filter.weekdays];
  const rows = await sql.$queryRawUnsafe<Array<{ pageEnd: number | null } & (DueReader | { id: null })>>(
    PLAN_SQL.findDueReaders,
    input.digestId,
    ...slots,
    input.afterId,
    input.limit,
    input.sentSince,
  );
  return {
    pageEnd: rows[0]?.pageEnd ?? null,
    readers: rows.flatMap(({ pageEnd: _, ...reader }) => (reader.id === null ? [] : [reader])),
  };
}

export interface PlannedDelivery {
  subscriberId: number;
  /** "{12,7,31}" in email order; "{}" means nothing matched (skipped). */
  papers: string;
  /** DeliveryLayout as JSON text; null when skipped. */
  layout: string | null;
  /** Sending batch; ignored for skipped rows. */
  batch: number;
}

export interface InsertedCount {
  status: 'pending' | 'skipped';
  batch: number;
  n: number;
}

/**
 * Writes one chunk's deliveries. The Message-ID is deterministic per
 * (digest, subscriber): md5 of a key the caller derives from SECRET_KEY (the
 * secret itself never reaches SQL), and
 * opaque: no row id shows through it. ON CONFLICT on (subscriberId, digestId)
 * is the exactly-once guarantee: a second planner or a rerun inserts nothing
 * for a subscriber already planned. Returns counts per (status, batch) of
 * the rows really inserted.
 */
export async function insertPlannedDeliveries(
  sql: Sql,
  input: { digestId: number; asOf: Date; rows: PlannedDelivery[]; tagKey: string; host: string },
): Promise<InsertedCount[]> {
  if (!input.rows.length) return [];
  return sql.$queryRawUnsafe<InsertedCount[]>(
    PLAN_SQL.insertPlannedDeliveries,
    input.digestId,
    input.asOf,
    input.rows.map((r) => r.subscriberId),
    input.rows.map((r) => r.papers),
    input.rows.map((r) => r.layout),
    input.rows.map((r) => r.batch),
    input.tagKey,
    input.host,
  );
}

/** One reader's eligibility, for a preview: the papers of deliveries since `since` that reached or are on their way to it. */
export async function findSentPaperIds(sql: Sql, subscriberId: number, since: Date): Promise<number[]> {
  const rows = await sql.$queryRawUnsafe<Array<{ id: number }>>(PLAN_SQL.findSentPaperIds, subscriberId, since);
  return rows.map((r) => r.id);
}
