// Planning SQL. Every per-subscriber step runs in Postgres: the planner reads
// the distinct (lists, window) groups of due subscribers (a few hundred rows
// for 100,000 subscribers), matches papers once per group in JS, and hands
// the groups back to one INSERT … SELECT that writes every delivery. Nothing
// per subscriber crosses into the Node process, so planning 100,000 costs
// seconds and no memory to speak of.
import type { DueFilter, Sql } from './digest-repo.js';

/**
 * Due subscribers: active, not suppressed, at least one confirmed subscription, due by the
 * filter (every daily one and weekly ones on the weekday; or the tick's time
 * zones whose local hour has reached the send hour), no delivery for this
 * digest yet. The window starts at the previous delivery that was not failed
 * (its createdAt is its window end), else one period length back, and never
 * more than 31 days back. Parameters: $1 digest id, $2 asOf, $3 'all'|'slots',
 * $4 weekday, $5-$7 the slots as parallel arrays (one per time zone).
 */
const DUE = `
  slot AS (SELECT * FROM unnest($5::text[], $6::int[], $7::int[]) AS t(tz, hour, weekday)),
  due AS (
    SELECT s.id,
      array_agg(sub."listId" ORDER BY sub."listId")::text AS lists,
      extract(epoch FROM GREATEST(
        -- Not COALESCE(LEAST(…)): LEAST ignores NULLs, so it would hide a first digest.
        CASE WHEN prev."createdAt" IS NULL
             THEN $2::timestamp(3) - CASE WHEN s.frequency = 'weekly' THEN interval '7 days' ELSE interval '1 day' END
             ELSE LEAST(prev."createdAt", $2::timestamp(3)) END,
        $2::timestamp(3) - interval '31 days'))::float8 * 1000 AS start_ms
    FROM "Subscriber" s
    JOIN "Subscription" sub ON sub."subscriberId" = s.id AND sub."confirmedAt" IS NOT NULL
    LEFT JOIN slot ON slot.tz = s.timezone
    LEFT JOIN LATERAL (
      SELECT d."createdAt" FROM "Delivery" d
      WHERE d."subscriberId" = s.id AND d.status <> 'failed'
      ORDER BY d."createdAt" DESC LIMIT 1) prev ON true
    WHERE s.status = 'active'
      AND NOT EXISTS (SELECT 1 FROM "Delivery" x WHERE x."subscriberId" = s.id AND x."digestId" = $1)
      -- A suppressed address (hard bounce, complaint) gets nothing, whatever its status says.
      AND NOT EXISTS (SELECT 1 FROM "Suppression" x WHERE x.email = s.email AND x."liftedAt" IS NULL)
      AND CASE WHEN $3::text = 'all' THEN s.frequency = 'daily' OR s.weekday = $4::int
               ELSE slot.tz IS NOT NULL AND s."sendHour" <= slot.hour AND (s.frequency = 'daily' OR s.weekday = slot.weekday) END
    GROUP BY s.id, prev."createdAt")`;

function dueParams(digestId: number, asOf: Date, filter: DueFilter): unknown[] {
  return filter.kind === 'all'
    ? [digestId, asOf, 'all', filter.weekday, [], [], []]
    : [digestId, asOf, 'slots', -1, filter.timezones, filter.hours, filter.weekdays];
}

export interface DueGroup {
  /** Postgres array text of the list ids, e.g. "{1,3}". */
  lists: string;
  startMs: number;
  count: number;
}

export async function findDueGroups(sql: Sql, digestId: number, asOf: Date, filter: DueFilter): Promise<DueGroup[]> {
  return sql.$queryRawUnsafe<DueGroup[]>(
    `WITH ${DUE} SELECT lists, start_ms AS "startMs", count(*)::int AS count FROM due GROUP BY lists, start_ms`,
    ...dueParams(digestId, asOf, filter),
  );
}

export interface PlannedGroup extends Pick<DueGroup, 'lists' | 'startMs'> {
  /** "{12,7,31}" in section order; "{}" means nothing matched (skipped). */
  papers: string;
  /** Sort key: equal content sorts together, so batches follow content groups. */
  contentKey: string;
}

export interface InsertedCount {
  status: 'pending' | 'skipped';
  batch: number;
  n: number;
}

/**
 * Writes one delivery per due subscriber. Batch numbers come from
 * row_number() over the content key, so a batch holds one or two contents.
 * The Message-ID is deterministic per (digest, subscriber): md5 of a key the
 * caller derives from SECRET_KEY (the secret itself never reaches SQL), and
 * opaque: no row id shows through it.
 * ON CONFLICT on (subscriberId, digestId) is the exactly-once guarantee: a
 * second planner or a rerun inserts nothing for a subscriber already planned.
 * Returns counts per (status, batch) of the rows really inserted.
 */
export async function insertPlannedDeliveries(
  sql: Sql,
  input: { digestId: number; asOf: Date; filter: DueFilter; groups: PlannedGroup[]; firstBatch: number; batchSize: number; tagKey: string; host: string },
): Promise<InsertedCount[]> {
  return sql.$queryRawUnsafe<InsertedCount[]>(
    `WITH ${DUE},
     g AS (SELECT * FROM unnest($8::text[], $9::float8[], $10::text[], $11::text[]) AS t(lists, start_ms, papers, ckey)),
     planned AS (
       SELECT due.id, g.papers, g.papers <> '{}' AS has,
              row_number() OVER (PARTITION BY g.papers <> '{}' ORDER BY g.ckey, due.id) AS n
       FROM due JOIN g ON g.lists = due.lists AND g.start_ms = due.start_ms),
     ins AS (
       INSERT INTO "Delivery" ("digestId", "subscriberId", status, batch, "messageId", "paperIds", "lastError", "createdAt", "updatedAt")
       SELECT $1, id,
              (CASE WHEN has THEN 'pending' ELSE 'skipped' END)::"DeliveryStatus",
              CASE WHEN has THEN $12::int + ((n - 1) / $13::int)::int ELSE 0 END,
              '<' || substr(md5($14::text || ':' || id), 1, 24) || '@' || $15::text || '>',
              papers::int[],
              CASE WHEN has THEN NULL ELSE 'no matching papers' END,
              $2::timestamp(3), $2::timestamp(3)
       FROM planned
       ON CONFLICT ("subscriberId", "digestId") DO NOTHING
       RETURNING status, batch)
     SELECT status::text AS status, batch, count(*)::int AS n FROM ins GROUP BY status, batch ORDER BY batch`,
    ...dueParams(input.digestId, input.asOf, input.filter),
    input.groups.map((g) => g.lists),
    input.groups.map((g) => g.startMs),
    input.groups.map((g) => g.papers),
    input.groups.map((g) => g.contentKey),
    input.firstBatch,
    input.batchSize,
    input.tagKey,
    input.host,
  );
}
