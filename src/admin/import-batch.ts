// Writes one batch of validated import rows with a handful of set-based
// statements (unnest arrays → INSERT … ON CONFLICT), never one query per row.
// Raw SQL because Prisma's createMany cannot return the ids it inserted
// with ON CONFLICT DO NOTHING, nor update many rows with different values.
import type { Db } from '../db.js';
import { findSuppressed } from '../subscriptions/suppression-repo.js';
import type { ImportOptions } from './subscriber-import.js';
import type { ImportRow } from './import-rows.js';

export interface BatchOutcome {
  created: number;
  updated: number;
  skipped: number;
  errors: Array<{ row: number; message: string }>;
  /** New pending subscribers that need a confirmation email… */
  pendingIds: number[];
  /** …requested at this time (their confirmRequestedAt). */
  requestedAt: Date;
}

export interface BatchContext {
  db: Db;
  options: ImportOptions;
  /** Highest subscriber id before the import began. */
  baselineId: number;
}

type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

/** A subscriber this batch created or updated, with its status after the write. */
interface Touched {
  id: number;
  row: ImportRow;
  status: string;
}

export async function writeImportBatch(context: BatchContext, rows: ImportRow[]): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { created: 0, updated: 0, skipped: 0, errors: [], pendingIds: [], requestedAt: new Date() };
  // Duplicates inside the batch: one statement cannot touch a row twice.
  const firstRow = new Map<string, number>();
  const unique: ImportRow[] = [];
  for (const row of rows) {
    const first = firstRow.get(row.email);
    if (first !== undefined) outcome.errors.push({ row: row.row, message: `email: duplicate of row ${first}` });
    else {
      firstRow.set(row.email, row.row);
      unique.push(row);
    }
  }
  // Hard-bounced or complained addresses are never imported; each skip is reported with its reason.
  const suppressed = await findSuppressed(context.db, unique.map((r) => r.email));
  for (const row of unique.filter((r) => suppressed.has(r.email))) {
    outcome.skipped += 1;
    outcome.errors.push({ row: row.row, message: `email: suppressed (${suppressed.get(row.email)}), skipped` });
  }
  const importable = unique.filter((r) => !suppressed.has(r.email));

  await context.db.$transaction(async (tx) => {
    const emails = importable.map((r) => r.email);
    const existing = await tx.$queryRaw<Array<{ id: number; email: string; status: string }>>`
      SELECT id, email, status::text FROM "Subscriber" WHERE email = ANY(${emails}::text[])`;
    const existingByEmail = new Map(existing.map((e) => [e.email, e]));
    const fresh: ImportRow[] = [];
    const toUpdate: Array<ImportRow & { id: number; status: string }> = [];
    for (const row of importable) {
      const found = existingByEmail.get(row.email);
      if (!found) fresh.push(row);
      else if (found.id > context.baselineId) outcome.errors.push({ row: row.row, message: 'email: duplicate of an earlier row' });
      else if (context.options.existing === 'skip') outcome.skipped += 1;
      else toUpdate.push({ ...row, id: found.id, status: found.status });
    }
    const inserted = await insertSubscribers(tx, fresh, context.options, outcome.requestedAt);
    outcome.created = inserted.length;
    // An address that appeared between our SELECT and INSERT (a concurrent sign-up) is left alone.
    outcome.skipped += fresh.length - inserted.length;
    if (context.options.status === 'pending') outcome.pendingIds = inserted.map((r) => r.id);
    const updated = await updateSubscribers(tx, toUpdate, context.options, outcome.requestedAt);
    outcome.updated = updated.length;

    const freshByEmail = new Map(fresh.map((row) => [row.email, row]));
    const updatedRows = new Map(toUpdate.map((row) => [row.id, row]));
    const touched: Touched[] = [
      ...inserted.map((r) => ({ id: r.id, row: freshByEmail.get(r.email)!, status: context.options.status })),
      ...updated.map((u) => ({ id: u.id, row: updatedRows.get(u.id)!, status: u.status })),
    ];
    await addSubscriptionsAndConsent(tx, touched, context.options, outcome.requestedAt);
  });
  return outcome;
}

async function insertSubscribers(
  tx: Tx,
  rows: ImportRow[],
  options: ImportOptions,
  now: Date,
): Promise<Array<{ id: number; email: string }>> {
  if (!rows.length) return [];
  const active = options.status === 'active';
  // NULL cells fall back to the column defaults of schema.prisma.
  return tx.$queryRaw<Array<{ id: number; email: string }>>`
    INSERT INTO "Subscriber" (email, status, timezone, "sendHour", frequency, weekday,
                              "confirmRequestedAt", "confirmedAt", "createdAt", "updatedAt")
    SELECT r.email, ${options.status}::"SubscriberStatus",
           coalesce(r.timezone, 'UTC'), coalesce(r.send_hour, 7), coalesce(r.frequency, 'daily')::"Frequency",
           coalesce(r.weekday, 1),
           ${active ? null : now}::timestamp(3), ${active ? now : null}::timestamp(3), ${now}::timestamp(3), ${now}::timestamp(3)
      FROM unnest(${rows.map((r) => r.email)}::text[], ${rows.map((r) => r.timezone ?? null)}::text[],
                  ${rows.map((r) => r.sendHour ?? null)}::int[], ${rows.map((r) => r.frequency ?? null)}::text[],
                  ${rows.map((r) => r.weekday ?? null)}::int[])
           AS r(email, timezone, send_hour, frequency, weekday)
    ON CONFLICT (email) DO NOTHING
    RETURNING id, email`;
}

/**
 * Preferences given in the file replace the stored ones; empty cells keep
 * them. Status changes only from pending to active, and only when the admin
 * vouches (?status=active): an import never re-subscribes someone who left.
 */
async function updateSubscribers(
  tx: Tx,
  rows: Array<ImportRow & { id: number }>,
  options: ImportOptions,
  now: Date,
): Promise<Array<{ id: number; status: string }>> {
  if (!rows.length) return [];
  const activate = options.status === 'active';
  return tx.$queryRaw`
    UPDATE "Subscriber" AS s
       SET timezone = coalesce(r.timezone, s.timezone),
           "sendHour" = coalesce(r.send_hour, s."sendHour"),
           frequency = coalesce(r.frequency::"Frequency", s.frequency),
           weekday = coalesce(r.weekday, s.weekday),
           status = CASE WHEN ${activate} AND s.status = 'pending' THEN 'active'::"SubscriberStatus" ELSE s.status END,
           "confirmedAt" = CASE WHEN ${activate} AND s.status = 'pending' THEN coalesce(s."confirmedAt", ${now}::timestamp(3)) ELSE s."confirmedAt" END,
           "updatedAt" = ${now}::timestamp(3)
      FROM unnest(${rows.map((r) => r.id)}::int[], ${rows.map((r) => r.timezone ?? null)}::text[],
                  ${rows.map((r) => r.sendHour ?? null)}::int[], ${rows.map((r) => r.frequency ?? null)}::text[],
                  ${rows.map((r) => r.weekday ?? null)}::int[])
           AS r(id, timezone, send_hour, frequency, weekday)
     WHERE s.id = r.id
    RETURNING s.id, s.status::text AS status`;
}

/**
 * Adds the listed subscriptions (never removes any) and one consent record
 * per subscriber. A subscription is confirmed at once when the subscriber is
 * active, else when they confirm. Someone who unsubscribed, bounced or
 * complained gets no lists from an import: only their own sign-up brings
 * them back.
 */
async function addSubscriptionsAndConsent(tx: Tx, all: Touched[], options: ImportOptions, now: Date): Promise<void> {
  const touched = all.filter((t) => t.status === 'active' || t.status === 'pending');
  if (!touched.length) return;
  const pairs = touched.flatMap(({ id, row, status }) => row.listIds.map((listId) => [id, listId, status === 'active'] as const));
  await tx.$executeRaw`
    INSERT INTO "Subscription" ("subscriberId", "listId", "createdAt", "confirmedAt")
    SELECT p.subscriber_id, p.list_id, ${now}::timestamp(3), CASE WHEN p.confirmed THEN ${now}::timestamp(3) END
      FROM unnest(${pairs.map((p) => p[0])}::int[], ${pairs.map((p) => p[1])}::int[], ${pairs.map((p) => p[2])}::boolean[])
           AS p(subscriber_id, list_id, confirmed)
    ON CONFLICT ("subscriberId", "listId") DO UPDATE
      SET "confirmedAt" = coalesce("Subscription"."confirmedAt", EXCLUDED."confirmedAt")`;
  await tx.$executeRaw`
    INSERT INTO "ConsentRecord" ("subscriberId", action, ip, "userAgent", lists, "formVersion", "createdAt")
    SELECT c.subscriber_id, 'import', ${options.actor.ip ?? null}, ${options.actor.userAgent?.slice(0, 500) ?? null},
           string_to_array(c.lists, '|'), ${`csv-import:${options.status}`}, ${now}::timestamp(3)
      FROM unnest(${touched.map((t) => t.id)}::int[], ${touched.map((t) => t.row.listSlugs.join('|'))}::text[]) AS c(subscriber_id, lists)`;
}
