// The CSV import's SQL: set-based statements over one batch of rows (unnest
// arrays → INSERT … ON CONFLICT), never one query per row. Raw because
// Prisma's createMany cannot return the ids it inserted with ON CONFLICT DO
// NOTHING, nor update many rows with different values.
import type { Db } from '../db.js';
import type { ImportRow } from './import-rows.js';
import type { ImportOptions } from './subscriber-import.js';

type Sql = Pick<Db, '$queryRawUnsafe' | '$executeRawUnsafe'>;

/** A subscriber this batch created or updated, with its status after the write. */
export interface Touched {
  id: number;
  row: ImportRow;
  status: string;
}

export const IMPORT_SQL = {
  maxSubscriberId: `SELECT max(id) AS max FROM "Subscriber"`,
  findSubscribersByEmail: `SELECT id, email, status::text AS status FROM "Subscriber" WHERE email = ANY($1::text[])`,
  // $1 status, $2 confirmRequestedAt, $3 confirmedAt, $4 now; $5-$9 the rows
  // as parallel arrays. NULL cells fall back to the column defaults of schema.prisma.
  insertSubscribers: `
    INSERT INTO "Subscriber" (email, status, timezone, "sendHour", frequency, weekday,
                              "confirmRequestedAt", "confirmedAt", "createdAt", "updatedAt")
    SELECT r.email, $1::"SubscriberStatus",
           coalesce(r.timezone, 'UTC'), coalesce(r.send_hour, 7), coalesce(r.frequency, 'daily')::"Frequency",
           coalesce(r.weekday, 1),
           $2::timestamp(3), $3::timestamp(3), $4::timestamp(3), $4::timestamp(3)
      FROM unnest($5::text[], $6::text[], $7::int[], $8::text[], $9::int[])
           AS r(email, timezone, send_hour, frequency, weekday)
    ON CONFLICT (email) DO NOTHING
    RETURNING id, email`,
  // $1 activate (the admin vouches for pending rows), $2 now; $3-$7 the rows as parallel arrays.
  updateSubscribers: `
    UPDATE "Subscriber" AS s
       SET timezone = coalesce(r.timezone, s.timezone),
           "sendHour" = coalesce(r.send_hour, s."sendHour"),
           frequency = coalesce(r.frequency::"Frequency", s.frequency),
           weekday = coalesce(r.weekday, s.weekday),
           status = CASE WHEN $1::boolean AND s.status = 'pending' THEN 'active'::"SubscriberStatus" ELSE s.status END,
           "confirmedAt" = CASE WHEN $1::boolean AND s.status = 'pending' THEN coalesce(s."confirmedAt", $2::timestamp(3)) ELSE s."confirmedAt" END,
           "updatedAt" = $2::timestamp(3)
      FROM unnest($3::int[], $4::text[], $5::int[], $6::text[], $7::int[])
           AS r(id, timezone, send_hour, frequency, weekday)
     WHERE s.id = r.id
    RETURNING s.id, s.status::text AS status`,
  // $1 now; $2-$4 (subscriber, list, confirmed) as parallel arrays.
  addSubscriptions: `
    INSERT INTO "Subscription" ("subscriberId", "listId", "createdAt", "confirmedAt")
    SELECT p.subscriber_id, p.list_id, $1::timestamp(3), CASE WHEN p.confirmed THEN $1::timestamp(3) END
      FROM unnest($2::int[], $3::int[], $4::boolean[]) AS p(subscriber_id, list_id, confirmed)
    ON CONFLICT ("subscriberId", "listId") DO UPDATE
      SET "confirmedAt" = coalesce("Subscription"."confirmedAt", EXCLUDED."confirmedAt")`,
  // $1 ip, $2 user agent, $3 form version, $4 now; $5-$6 (subscriber, lists joined by '|').
  addConsentRecords: `
    INSERT INTO "ConsentRecord" ("subscriberId", action, ip, "userAgent", lists, "formVersion", "createdAt")
    SELECT c.subscriber_id, 'import', $1::text, $2::text, string_to_array(c.lists, '|'), $3::text, $4::timestamp(3)
      FROM unnest($5::int[], $6::text[]) AS c(subscriber_id, lists)`,
} as const;

/** The highest subscriber id, 0 when there is none. */
export async function findMaxSubscriberId(db: Sql): Promise<number> {
  const [row] = await db.$queryRawUnsafe<Array<{ max: number | null }>>(IMPORT_SQL.maxSubscriberId);
  return row?.max ?? 0;
}

export function findSubscribersByEmail(tx: Sql, emails: string[]) {
  return tx.$queryRawUnsafe<Array<{ id: number; email: string; status: string }>>(
    IMPORT_SQL.findSubscribersByEmail,
    emails,
  );
}

export async function insertSubscribers(
  tx: Sql,
  rows: ImportRow[],
  options: ImportOptions,
  now: Date,
): Promise<Array<{ id: number; email: string }>> {
  if (!rows.length) return [];
  const active = options.status === 'active';
  return tx.$queryRawUnsafe<Array<{ id: number; email: string }>>(
    IMPORT_SQL.insertSubscribers,
    options.status,
    active ? null : now,
    active ? now : null,
    now,
    rows.map((r) => r.email),
    rows.map((r) => r.timezone ?? null),
    rows.map((r) => r.sendHour ?? null),
    rows.map((r) => r.frequency ?? null),
    rows.map((r) => r.weekday ?? null),
  );
}

/**
 * Preferences given in the file replace the stored ones; empty cells keep
 * them. Status changes only from pending to active, and only when the admin
 * vouches (?status=active): an import never re-subscribes someone who left.
 */
export async function updateSubscribers(
  tx: Sql,
  rows: Array<ImportRow & { id: number }>,
  options: ImportOptions,
  now: Date,
): Promise<Array<{ id: number; status: string }>> {
  if (!rows.length) return [];
  return tx.$queryRawUnsafe<Array<{ id: number; status: string }>>(
    IMPORT_SQL.updateSubscribers,
    options.status === 'active',
    now,
    rows.map((r) => r.id),
    rows.map((r) => r.timezone ?? null),
    rows.map((r) => r.sendHour ?? null),
    rows.map((r) => r.frequency ?? null),
    rows.map((r) => r.weekday ?? null),
  );
}

/**
 * Adds the listed subscriptions (never removes any) and one consent record
 * per subscriber. A subscription is confirmed at once when the subscriber is
 * active, else when they confirm. Someone who unsubscribed, bounced or
 * complained gets no lists from an import: only their own sign-up brings
 * them back.
 */
export async function addSubscriptionsAndConsent(
  tx: Sql,
  all: Touched[],
  options: ImportOptions,
  now: Date,
): Promise<void> {
  const touched = all.filter((t) => t.status === 'active' || t.status === 'pending');
  if (!touched.length) return;
  const pairs = touched.flatMap(({ id, row, status }) =>
    row.listIds.map((listId) => [id, listId, status === 'active'] as const),
  );
  await tx.$executeRawUnsafe(
    IMPORT_SQL.addSubscriptions,
    now,
    pairs.map((p) => p[0]),
    pairs.map((p) => p[1]),
    pairs.map((p) => p[2]),
  );
  await tx.$executeRawUnsafe(
    IMPORT_SQL.addConsentRecords,
    options.actor.ip ?? null,
    options.actor.userAgent?.slice(0, 500) ?? null,
    `csv-import:${options.status}`,
    now,
    touched.map((t) => t.id),
    touched.map((t) => t.row.listSlugs.join('|')),
  );
}
