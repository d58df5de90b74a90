// Prisma calls for subscribers, their subscriptions and consent records, and
// raw SQL where Prisma cannot say it: row locks (FOR UPDATE) and the
// one-statement insert of new sign-ups. Functions take a client so they run
// inside or outside a transaction.
import { queryPrepared, type Db } from '../db.js';
import type { List, Prisma, Subscriber } from '../generated/prisma/client.js';

export type DbClient = Db | Prisma.TransactionClient;

export const MAX_USER_AGENT = 500;

export interface ConsentEvidence {
  /** signup | confirm | import | admin | preferences | unsubscribe */
  action: string;
  ip?: string | null;
  userAgent?: string | null;
  formVersion?: string | null;
}

export const SUBSCRIBER_SQL = {
  lockSubscriberByEmail: `SELECT id FROM "Subscriber" WHERE email = $1 FOR UPDATE`,
  lockSubscriberById: `SELECT id FROM "Subscriber" WHERE id = $1 FOR UPDATE`,
  // $1: a JSON array of requests, emails distinct. Times travel as ISO strings
  // and are stored as UTC, like Prisma stores them, whatever the session's
  // time zone. Rows are inserted in email order, so two statements never wait
  // on each other's addresses in opposite orders (no deadlock).
  insertNewSubscribers: `
  WITH input AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(
      i int, email text, status "SubscriberStatus", timezone text, "sendHour" int, frequency "Frequency", weekday int,
      "papersPerEmail" int, "interestInclude" text[], "interestExclude" text[], "interestCategories" text[], "interestAuthors" text[],
      slugs text[], "publicOnly" boolean, "requestedAt" timestamptz, "confirmedAt" timestamptz, now timestamptz,
      action text, ip text, "userAgent" text, "formVersion" text)
  ), wanted AS (
    SELECT input.i, l.id AS "listId", l.slug
    FROM input JOIN "List" l ON l.slug = ANY(input.slugs) AND (l.public OR NOT input."publicOnly")
  ), found AS (
    SELECT input.*, coalesce(w.n, 0) = cardinality(input.slugs) AS "allFound", coalesce(w.lists, '{}') AS lists
    FROM input LEFT JOIN (SELECT i, count(*) AS n, array_agg(slug ORDER BY "listId") AS lists FROM wanted GROUP BY i) w USING (i)
  ), created AS (
    INSERT INTO "Subscriber" (email, status, timezone, "sendHour", frequency, weekday,
      "papersPerEmail", "interestInclude", "interestExclude", "interestCategories", "interestAuthors",
      "confirmRequestedAt", "confirmedAt", "createdAt", "updatedAt")
    SELECT email, status, timezone, "sendHour", frequency, weekday,
           "papersPerEmail", "interestInclude", "interestExclude", "interestCategories", "interestAuthors",
           "requestedAt" AT TIME ZONE 'UTC', "confirmedAt" AT TIME ZONE 'UTC', now AT TIME ZONE 'UTC', now AT TIME ZONE 'UTC'
    FROM found WHERE "allFound" ORDER BY email
    ON CONFLICT (email) DO NOTHING
    RETURNING id, email
  ), made AS (
    SELECT found.i, created.id FROM created JOIN found USING (email)
  ), subscriptions AS (
    INSERT INTO "Subscription" ("subscriberId", "listId", "createdAt", "confirmedAt")
    SELECT made.id, wanted."listId", found.now AT TIME ZONE 'UTC', found."confirmedAt" AT TIME ZONE 'UTC'
    FROM made JOIN wanted USING (i) JOIN found USING (i) ORDER BY made.id, wanted."listId"
  ), consent AS (
    INSERT INTO "ConsentRecord" ("subscriberId", action, ip, "userAgent", lists, "formVersion", "createdAt")
    SELECT made.id, found.action, found.ip, found."userAgent", found.lists, found."formVersion", found.now AT TIME ZONE 'UTC'
    FROM made JOIN found USING (i)
  ), outbox AS (
    INSERT INTO "ConfirmationOutbox" ("subscriberId", "requestedAt", "availableAt")
    SELECT made.id, found."requestedAt" AT TIME ZONE 'UTC', found.now AT TIME ZONE 'UTC'
    FROM made JOIN found USING (i) WHERE found."requestedAt" IS NOT NULL
  )
  SELECT found.i, made.id, found."allFound" FROM found LEFT JOIN made USING (i)`,
} as const;

export async function findListsBySlugs(db: DbClient, slugs: string[]): Promise<List[]> {
  if (!slugs.length) return [];
  return db.list.findMany({ where: { slug: { in: slugs } }, orderBy: { id: 'asc' } });
}

/** The lists a reader may pick on the landing page, Trending first. */
export async function findPublicLists(db: DbClient): Promise<List[]> {
  return db.list.findMany({ where: { public: true }, orderBy: [{ id: 'asc' }] });
}

/**
 * Reads the subscriber and locks its row until the transaction ends, so two
 * sign-ups for one address (or a sign-up racing a confirmation) apply one
 * after the other instead of overwriting each other.
 */
export async function lockSubscriberByEmail(tx: Prisma.TransactionClient, email: string): Promise<Subscriber | null> {
  const rows = await tx.$queryRawUnsafe<Array<{ id: number }>>(SUBSCRIBER_SQL.lockSubscriberByEmail, email);
  const id = rows[0]?.id;
  return id === undefined ? null : tx.subscriber.findUnique({ where: { id } });
}

export async function lockSubscriberById(tx: Prisma.TransactionClient, id: number): Promise<Subscriber | null> {
  const rows = await tx.$queryRawUnsafe<Array<{ id: number }>>(SUBSCRIBER_SQL.lockSubscriberById, id);
  return rows.length ? tx.subscriber.findUnique({ where: { id } }) : null;
}

export async function findSubscriptions(db: DbClient, subscriberId: number) {
  return db.subscription.findMany({
    where: { subscriberId },
    include: { list: true },
    orderBy: { listId: 'asc' },
  });
}

/** Adds subscriptions that do not exist yet; existing ones keep their confirmation. */
export async function addSubscriptions(
  db: DbClient,
  subscriberId: number,
  listIds: number[],
  confirmedAt: Date | null,
): Promise<number> {
  if (!listIds.length) return 0;
  const { count } = await db.subscription.createMany({
    data: listIds.map((listId) => ({ subscriberId, listId, confirmedAt })),
    skipDuplicates: true,
  });
  return count;
}

/** Makes the subscriber's lists exactly these, keeping the confirmation of the ones it had. */
export async function replaceSubscriptions(
  db: DbClient,
  subscriberId: number,
  listIds: number[],
  confirmedAt: Date | null,
): Promise<void> {
  await db.subscription.deleteMany({ where: { subscriberId, listId: { notIn: listIds } } });
  await addSubscriptions(db, subscriberId, listIds, confirmedAt);
}

export async function confirmSubscriptions(db: DbClient, subscriberId: number, now: Date): Promise<number> {
  const { count } = await db.subscription.updateMany({
    where: { subscriberId, confirmedAt: null },
    data: { confirmedAt: now },
  });
  return count;
}

export async function recordConsent(
  db: DbClient,
  subscriberId: number,
  lists: string[],
  evidence: ConsentEvidence,
): Promise<void> {
  await db.consentRecord.create({
    data: {
      subscriberId,
      action: evidence.action,
      ip: evidence.ip ?? null,
      userAgent: evidence.userAgent ? evidence.userAgent.slice(0, MAX_USER_AGENT) : null,
      lists,
      formVersion: evidence.formVersion ?? null,
    },
  });
}

/** The subscriber id behind an address or an id typed into a console field, or null. */
export async function findSubscriberIdByKey(db: DbClient, key: string): Promise<number | null> {
  const text = key.trim();
  const row =
    /^\d{1,10}$/.test(text) && Number(text) <= 2 ** 31 - 1
      ? await db.subscriber.findUnique({ where: { id: Number(text) }, select: { id: true } })
      : await db.subscriber.findUnique({ where: { email: text.toLowerCase() }, select: { id: true } });
  return row?.id ?? null;
}

export interface NewSubscriberRow {
  /** The request's index in the JSON array. */
  i: number;
  /** Null when the address existed already or a list was missing. */
  id: number | null;
  allFound: boolean;
}

/**
 * Runs insertNewSubscribers with `json`: a named prepared statement on the
 * pg pool when there is one (Prisma's per-query work costs more than the
 * inserts at sign-up rates), through Prisma otherwise (a transaction client).
 */
export function insertNewSubscriberRows(db: DbClient, json: string): Promise<NewSubscriberRow[]> {
  return queryPrepared<NewSubscriberRow>(db, 'paperboy-insert-new-subscribers', SUBSCRIBER_SQL.insertNewSubscribers, [
    json,
  ]);
}
